import GuardpostDocuments
import GuardpostModel

/// A `ConstraintTemplate` (templates.gatekeeper.sh) as far as we need it.
struct GatekeeperTemplate {
    var name: String
    /// `spec.crd.spec.names.kind`: the kind of its constraints.
    var constraintKind: String
    /// The Rego of the `admission.k8s.gatekeeper.sh` target (v1beta1 `rego`, or the v1 `code` Rego engine), nil for CEL-only templates.
    var rego: String?
    var regoLocation: Location
    var hasCEL: Bool
    var location: Location
    var native: GatekeeperNativeTemplate?

    init?(_ object: KubernetesObject) {
        guard object.group == "templates.gatekeeper.sh", object.kind == "ConstraintTemplate" else { return nil }
        let node = object.node
        name = object.name
        constraintKind = node.at(["spec", "crd", "spec", "names", "kind"])?.string ?? object.name
        location = object.location
        regoLocation = object.location
        hasCEL = false
        for target in GatekeeperRego.elements(node.at(["spec", "targets"])) {
            if let r = target["rego"], let s = r.string { rego = s; regoLocation = r.location }
            for code in GatekeeperRego.elements(target["code"]) {
                if code["engine"]?.string == "Rego", let r = code.at(["source", "rego"]), let s = r.string {
                    rego = s; regoLocation = r.location
                } else if code["engine"]?.string == "K8sNativeValidation" {
                    hasCEL = true
                }
            }
        }
        native = rego.flatMap(GatekeeperNativeTemplates.recognize(rego:))
    }
}

/// The `match` section shared by constraints (and the shape of Config's exemptions).
struct GatekeeperMatch {
    struct Kinds { var apiGroups: [String]; var kinds: [String] }
    var kinds: [Kinds] = []
    var namespaces: [String] = []
    var excludedNamespaces: [String] = []
    var labelSelector: Node?
    var namespaceSelector: Node?
    var scope: String?
    var name: String?
    var source: String?

    init(_ node: Node?) {
        guard let node else { return }
        for k in GatekeeperRego.elements(node["kinds"]) {
            kinds.append(Kinds(apiGroups: GatekeeperRego.strings(k["apiGroups"]), kinds: GatekeeperRego.strings(k["kinds"])))
        }
        namespaces = GatekeeperRego.strings(node["namespaces"])
        excludedNamespaces = GatekeeperRego.strings(node["excludedNamespaces"])
        labelSelector = node["labelSelector"].flatMap { $0.isNull ? nil : $0 }
        namespaceSelector = node["namespaceSelector"].flatMap { $0.isNull ? nil : $0 }
        scope = node["scope"]?.string
        name = node["name"]?.string
        source = node["source"]?.string
    }

    /// Gatekeeper's wildcard: `*` at the start, the end, or both.
    static func wildcard(_ pattern: String, _ candidate: String) -> Bool {
        let starts = pattern.hasPrefix("*"), ends = pattern.hasSuffix("*") && pattern.count > 0
        if starts && ends {
            let inner = String(pattern.dropFirst().dropLast())
            return inner.isEmpty || candidate.contains(inner)
        }
        if starts { return candidate.hasSuffix(String(pattern.dropFirst())) }
        if ends { return candidate.hasPrefix(String(pattern.dropLast())) }
        return pattern == candidate
    }

    /// Kubernetes label selector semantics (`matchLabels` and `matchExpressions`); an empty selector matches everything.
    static func selectorMatches(_ selector: Node, labels: [String: String]) -> Bool {
        for e in selector["matchLabels"]?.entries ?? [] where labels[e.key] != (e.value.scalarText ?? "") { return false }
        for expr in GatekeeperRego.elements(selector["matchExpressions"]) {
            guard let key = expr["key"]?.string else { return false }
            let values = GatekeeperRego.elements(expr["values"]).compactMap(\.scalarText)
            switch expr["operator"]?.string {
            case "In": guard let v = labels[key], values.contains(v) else { return false }
            case "NotIn": if let v = labels[key], values.contains(v) { return false }
            case "Exists": if labels[key] == nil { return false }
            case "DoesNotExist": if labels[key] != nil { return false }
            default: return false
            }
        }
        return true
    }

    /// Whether the constraint applies to the request (Gatekeeper's `match` criteria, all of which must hold).
    func matches(_ request: AdmissionRequest, source: String = "Original") -> Bool {
        let group = request.apiVersion.contains("/") ? String(request.apiVersion.split(separator: "/")[0]) : ""
        let isNamespace = request.kind == "Namespace" && group == ""
        let objectNamespace = isNamespace ? request.name : (request.namespace ?? "")
        if !kinds.isEmpty {
            let ok = kinds.contains { k in
                (k.kinds.isEmpty || k.kinds.contains("*") || k.kinds.contains(request.kind)) &&
                    (k.apiGroups.isEmpty || k.apiGroups.contains("*") || k.apiGroups.contains(group))
            }
            if !ok { return false }
        }
        let hasNamespace = !(request.namespace ?? "").isEmpty
        switch scope {
        case "Cluster": if !(isNamespace || !hasNamespace) { return false }
        case "Namespaced": if !(!isNamespace && hasNamespace) { return false }
        default: break
        }
        if !namespaces.isEmpty, !objectNamespace.isEmpty, !namespaces.contains(where: { Self.wildcard($0, objectNamespace) }) { return false }
        if !excludedNamespaces.isEmpty, !objectNamespace.isEmpty, excludedNamespaces.contains(where: { Self.wildcard($0, objectNamespace) }) { return false }
        if let labelSelector {
            let labels = Dictionary((request.object.at(["metadata", "labels"])?.entries ?? []).map { ($0.key, $0.value.scalarText ?? "") }, uniquingKeysWith: { a, _ in a })
            if !Self.selectorMatches(labelSelector, labels: labels) { return false }
        }
        if let namespaceSelector {
            if isNamespace {
                let labels = Dictionary((request.object.at(["metadata", "labels"])?.entries ?? []).map { ($0.key, $0.value.scalarText ?? "") }, uniquingKeysWith: { a, _ in a })
                if !Self.selectorMatches(namespaceSelector, labels: labels) { return false }
            } else if hasNamespace {
                if !Self.selectorMatches(namespaceSelector, labels: request.namespaceLabels) { return false }
            }
        }
        if let name, !name.isEmpty {
            let generateName = request.object.at(["metadata", "generateName"])?.string ?? ""
            let byGenerate = (name.hasSuffix("*") && !generateName.isEmpty && generateName.hasPrefix(String(name.dropLast())))
            if !Self.wildcard(name, request.name) && !byGenerate { return false }
        }
        let wanted = self.source ?? "Original"
        if wanted != "All" && wanted != source { return false }
        return true
    }
}

/// A constraint: an instance of a template's kind (constraints.gatekeeper.sh).
struct GatekeeperConstraint {
    var kind: String
    var name: String
    var match: GatekeeperMatch
    /// `deny` (default), `dryrun`, `warn`, or `scoped`.
    var enforcementAction: String
    /// Whether the webhook (enforcement point `validation.gatekeeper.sh`) denies.
    var webhookDenies: Bool
    var parameters: Node
    var location: Location
    var enforcementLocation: Location

    init?(_ object: KubernetesObject) {
        guard object.group == "constraints.gatekeeper.sh" else { return nil }
        kind = object.kind
        name = object.name
        location = object.location
        let spec = object.node["spec"]
        match = GatekeeperMatch(spec?["match"])
        let actionNode = spec?["enforcementAction"]
        enforcementAction = actionNode?.string ?? "deny"
        enforcementLocation = actionNode?.location ?? object.location
        switch enforcementAction.lowercased() {
        case "deny": webhookDenies = true
        case "scoped":
            webhookDenies = GatekeeperRego.elements(spec?["scopedEnforcementActions"]).contains { sea in
                guard sea["action"]?.string?.lowercased() == "deny" else { return false }
                let points = GatekeeperRego.elements(sea["enforcementPoints"]).compactMap { $0["name"]?.string }
                return points.contains("validation.gatekeeper.sh") || points.contains("*")
            }
        default: webhookDenies = false
        }
        parameters = spec?["parameters"] ?? Node(.mapping([]), location: object.location)
        if parameters.isNull { parameters = Node(.mapping([]), location: parameters.location) }
    }
}

/// The `Config` resource (config.gatekeeper.sh): namespaces exempted from the webhook.
struct GatekeeperConfig {
    var exemptions: [(namespaces: [String], location: Location)] = []

    init?(_ object: KubernetesObject) {
        guard object.group == "config.gatekeeper.sh", object.kind == "Config" else { return nil }
        for m in GatekeeperRego.elements(object.node.at(["spec", "match"])) {
            let processes = GatekeeperRego.strings(m["processes"])
            guard processes.contains("*") || processes.contains("webhook") else { continue }
            exemptions.append((GatekeeperRego.strings(m["excludedNamespaces"]), m.location))
        }
    }

    func exempts(namespace: String) -> Location? {
        for e in exemptions where e.namespaces.contains(where: { GatekeeperMatch.wildcard($0, namespace) }) { return e.location }
        return nil
    }
}
