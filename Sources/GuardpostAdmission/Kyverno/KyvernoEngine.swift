import Foundation
import GuardpostDocuments
import GuardpostModel

/// The Kyverno admission engine: decides, offline, what Kyverno's validating webhook would answer.
public enum KyvernoEngine {
    public static func isKyvernoPolicy(_ obj: KubernetesObject) -> Bool {
        obj.apiVersion.hasPrefix("kyverno.io/") || obj.apiVersion.hasPrefix("policies.kyverno.io/")
    }

    /// Kyverno policies parsed once (autogen rules included), to evaluate many requests against.
    public struct PreparedPolicies {
        struct Entry {
            var object: KubernetesObject
            var policy: KyvernoPolicy
        }
        var entries: [Entry]
    }

    public static func prepare(_ policies: [KubernetesObject]) -> PreparedPolicies {
        PreparedPolicies(entries: policies.filter(isKyvernoPolicy).map { PreparedPolicies.Entry(object: $0, policy: KyvernoPolicy($0)) })
    }

    /// One decision per rule that applies to the request (or that could not be evaluated).
    public static func evaluate(policies: [KubernetesObject], request: AdmissionRequest) -> [AdmissionDecision] {
        evaluate(prepared: prepare(policies), request: request)
    }

    /// `evaluate(policies:request:)` with the policies parsed beforehand.
    public static func evaluate(prepared: PreparedPolicies, request: AdmissionRequest) -> [AdmissionDecision] {
        let resource = KValue(request.object)
        let objectAddress = request.namespace.map { "\(request.kind)/\($0)/\(request.name)" } ?? "\(request.kind)/\(request.name)"
        let (group, version) = splitAPIVersion(request.apiVersion)
        let info = KyvernoRequestInfo(kind: request.kind, group: group, version: version, name: request.name,
                                      namespace: request.namespace,
                                      labels: stringMap(resource["metadata"]?["labels"]),
                                      annotations: stringMap(resource["metadata"]?["annotations"]),
                                      namespaceLabels: request.namespaceLabels, operation: request.operation,
                                      username: request.username, groups: request.groups)
        let ctx = context(resource: resource, info: info)
        var out: [AdmissionDecision] = []
        for entry in prepared.entries {
            let obj = entry.object
            let policy = entry.policy
            if let why = policy.unsupported {
                out.append(AdmissionDecision(engine: .kyverno, policy: policy.address, outcome: .cannotEvaluate(reason: why + "; check by hand"),
                                             message: why, location: obj.location, object: objectAddress))
                continue
            }
            for r in results(policy: policy, resource: resource, info: info, context: ctx, provided: []) {
                guard let result = r.result else { continue }
                let rule = r.rule
                if rule.kindOfRule == "mutate" || rule.kindOfRule == "generate" {
                    // Mutate and generate rules never reject a request; their effect is not simulated.
                    out.append(AdmissionDecision(engine: .kyverno, policy: policy.address, rule: rule.name, outcome: .notApplicable,
                                                 message: "\(rule.kindOfRule) rule: does not block admission (its changes are not simulated)",
                                                 location: rule.location, object: objectAddress))
                    continue
                }
                let location = r.location
                let outcome: AdmissionOutcome
                var message = result.message
                switch result.status {
                case .pass: outcome = .pass
                case .skip: outcome = .notApplicable
                case .error, .unsupported:
                    outcome = .cannotEvaluate(reason: result.message + "; check by hand")
                case .fail:
                    if policy.action(for: rule, namespace: request.namespace, namespaceLabels: request.namespaceLabels) == "Enforce" {
                        outcome = .deny
                        message = KyvernoMessages.webhookDenial(resource: objectAddress, failures: [(policy.name, rule.name, result.message)])
                    } else {
                        outcome = .auditOnly
                        message = "policy \(policy.name) rule \(rule.name) fails but its failure action is Audit: the request is admitted and a policy report records the violation (\(result.message))"
                    }
                }
                out.append(AdmissionDecision(engine: .kyverno, policy: policy.address, rule: rule.name, outcome: outcome,
                                             message: message, location: location, object: objectAddress))
            }
        }
        return out
    }

    /// The message Kyverno's webhook returns when several rules block one resource.
    public static func denialMessage(for decisions: [AdmissionDecision]) -> String? {
        let blocking = decisions.filter { $0.engine == .kyverno && $0.blocks }
        guard let first = blocking.first else { return nil }
        let failures = blocking.map { d -> (policy: String, rule: String, message: String) in
            let policyName = d.policy.split(separator: "/").last.map(String.init) ?? d.policy
            let prefix = "admission webhook \"validate.kyverno.svc-fail\" denied the request: policy \(d.object) for resource violation: \(policyName): \(d.rule ?? ""): "
            let text = d.message.hasPrefix(prefix) ? String(d.message.dropFirst(prefix.count)) : d.message
            return (policyName, d.rule ?? "", text)
        }
        return KyvernoMessages.webhookDenial(resource: first.object, failures: failures)
    }

    // MARK: Internals shared with the test runner

    struct RuleOutcome {
        var rule: KyvernoRule
        /// nil when match/exclude do not select the resource.
        var result: KyvernoRuleResult?
        var location: Location
    }

    static func results(policy: KyvernoPolicy, resource: KValue, info: KyvernoRequestInfo, context: KyvernoContext,
                        provided: Set<String>, ruleValues: [String: [String: KValue]] = [:]) -> [RuleOutcome] {
        var out: [RuleOutcome] = []
        for rule in policy.rules {
            if let ns = policy.namespace, (info.namespace ?? "default") != ns, info.kind != "Namespace" {
                out.append(RuleOutcome(rule: rule, result: nil, location: rule.location)); continue
            }
            guard KyvernoMatch.applies(rule.value, info) else {
                out.append(RuleOutcome(rule: rule, result: nil, location: rule.location)); continue
            }
            var ctx = context
            var prov = provided
            for (k, v) in ruleValues[rule.name] ?? ruleValues[rule.generatedFrom ?? ""] ?? [:] { ctx.set(path: k, v); prov.insert(k) }
            let result = KyvernoRuleEvaluator.evaluate(rule, resource: resource, context: ctx, providedVariables: prov)
            out.append(RuleOutcome(rule: rule, result: result, location: locate(rule, result)))
        }
        return out
    }

    /// The line of the pattern that failed, following the failing path in the rule's pattern; the rule's line otherwise.
    static func locate(_ rule: KyvernoRule, _ result: KyvernoRuleResult) -> Location {
        guard result.status == .fail, let path = result.path, var node = rule.node["validate"]?["pattern"] else {
            if let v = rule.node["validate"] { return v.location }
            return rule.location
        }
        var components = path.split(separator: "/").map(String.init)
        if rule.generatedFrom != nil {
            // Generated rules wrap the Pod pattern under the controller's template.
            if let i = components.firstIndex(of: "template") { components.removeFirst(i + 1) }
        }
        var best = node.location
        for c in components {
            if Int(c) != nil { if let first = node[0] { node = first; best = node.location }; continue }
            guard let entries = node.entries, let e = entries.first(where: { KyvernoPattern.anchor(of: $0.key).1 == c }) else { break }
            best = e.keyLocation
            node = e.value
        }
        return best
    }

    static func context(resource: KValue, info: KyvernoRequestInfo) -> KyvernoContext {
        var request: [String: KValue] = [
            "object": resource,
            "userInfo": .object(["username": .string(info.username), "groups": .array(info.groups.map { .string($0) })]),
            "kind": .object(["kind": .string(info.kind), "group": .string(info.group), "version": .string(info.version)]),
            "name": .string(info.name),
            "roles": .array(info.roles.map { .string($0) }),
            "clusterRoles": .array(info.clusterRoles.map { .string($0) }),
        ]
        if let op = info.operation { request["operation"] = .string(op) }
        if let ns = info.namespace { request["namespace"] = .string(ns) }
        var root: [String: KValue] = ["request": .object(request), "images": images(resource)]
        let parts = info.username.split(separator: ":")
        if parts.count == 4, parts[0] == "system", parts[1] == "serviceaccount" {
            root["serviceAccountName"] = .string(String(parts[3]))
            root["serviceAccountNamespace"] = .string(String(parts[2]))
        }
        return KyvernoContext(root: root)
    }

    /// Kyverno's `images` variable: `images.containers.<name>.registry` and friends.
    static func images(_ resource: KValue) -> KValue {
        let spec: KValue?
        switch resource["kind"]?.string ?? "" {
        case "Pod": spec = resource["spec"]
        case "CronJob": spec = resource["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]
        default: spec = resource["spec"]?["template"]?["spec"]
        }
        var out: [String: KValue] = [:]
        for group in ["containers", "initContainers", "ephemeralContainers"] {
            var byName: [String: KValue] = [:]
            for c in spec?[group]?.array ?? [] {
                guard let name = c["name"]?.string, let image = c["image"]?.string else { continue }
                byName[name] = imageInfo(image)
            }
            if !byName.isEmpty { out[group] = .object(byName) }
        }
        return .object(out)
    }

    static func imageInfo(_ image: String) -> KValue {
        var rest = image, digest = "", tag = ""
        if let at = rest.firstIndex(of: "@") { digest = String(rest[rest.index(after: at)...]); rest = String(rest[..<at]) }
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") { tag = String(rest[rest.index(after: colon)...]); rest = String(rest[..<colon]) }
        var registry = "docker.io", path = rest
        if let slash = rest.firstIndex(of: "/") {
            let first = rest[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" { registry = String(first); path = String(rest[rest.index(after: slash)...]) }
        }
        if registry == "docker.io", !path.contains("/") { path = "library/" + path }
        if tag.isEmpty && digest.isEmpty { tag = "latest" }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var ref = registry + "/" + path
        if !tag.isEmpty { ref += ":" + tag }
        if !digest.isEmpty { ref += "@" + digest }
        return .object(["registry": .string(registry), "path": .string(path), "name": .string(name), "tag": .string(tag),
                        "digest": .string(digest), "reference": .string(ref), "referenceWithTag": .string(registry + "/" + path + ":" + tag)])
    }

    static func splitAPIVersion(_ v: String) -> (String, String) {
        guard let slash = v.firstIndex(of: "/") else { return ("", v) }
        return (String(v[..<slash]), String(v[v.index(after: slash)...]))
    }

    static func stringMap(_ v: KValue?) -> [String: String] {
        var out: [String: String] = [:]
        for (k, x) in v?.object ?? [:] { out[k] = x.text }
        return out
    }
}
