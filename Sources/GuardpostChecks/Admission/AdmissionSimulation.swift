import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge
import GuardpostAdmission

/// Builds the requests the GuardDuty add-on would make in a cluster and runs them through the
/// admission engines. Shared by the Kyverno, Gatekeeper and RBAC rules; computed once per scan.
public struct AdmissionSimulation: Sendable {
    /// One target: a cluster in the scan, or the implicit cluster when only manifests are scanned.
    public struct Target: Sendable {
        public var clusterIndex: Int?
        public var clusterName: String
        public var region: String
        /// True when the region was not known and a default was assumed.
        public var regionAssumed: Bool
        public var agentVersion: String
        public var image: String?
        public var objects: [KubernetesObject]
        /// Targets with the same id have the same `objects` (the same manifests apply to them).
        var selectionID: Int = 0
    }

    public struct Evaluated: Sendable {
        public var target: Target
        public var request: AdmissionRequest
        public var decision: AdmissionDecision
    }

    public static let assumedRegion = "us-east-1"
    public static let daemonSetController = "system:serviceaccount:kube-system:daemon-set-controller"
    public static let namespace = "amazon-guardduty"

    /// Manifests that apply to cluster `name` (by `.guardpost.yml` mapping; unmapped manifests apply everywhere).
    static func objects(for clusterName: String?, context: CheckContext) -> [KubernetesObject] {
        var selector = ManifestSelector(context)
        return selector.objects(for: clusterName).objects
    }

    /// Whether manifest `object` applies to cluster `clusterName`: the membership test of `objects(for:)`.
    static func applies(_ object: KubernetesObject, toCluster clusterName: String?, _ context: CheckContext) -> Bool {
        guard !context.accounts.manifests.isEmpty, let clusterName else { return true }
        let path = object.location.file.path
        let mappings = context.accounts.manifests.filter { m in m.paths.contains { AccountContext.pathMatches(path, prefix: $0) } }
        return mappings.isEmpty || mappings.contains { $0.cluster == clusterName }
    }

    /// Decides once per object which clusters its manifest is mapped to, and once per distinct result
    /// which objects a cluster gets; clusters that get the same objects share one array and one id.
    struct ManifestSelector {
        let all: [KubernetesObject]
        /// Per object, the clusters its path is mapped to (empty: every cluster); nil when nothing is mapped.
        let mappedTo: [Set<String>]?
        let mappedNames: Set<String>
        var byName: [String: (id: Int, objects: [KubernetesObject])] = [:]
        var unmappedOnly: (id: Int, objects: [KubernetesObject])?
        var nextID = 1

        init(_ context: CheckContext) {
            all = context.infrastructure.kubernetesObjects
            let manifests = context.accounts.manifests
            guard !manifests.isEmpty else {
                mappedTo = nil
                mappedNames = []
                return
            }
            var perObject: [Set<String>] = []
            perObject.reserveCapacity(all.count)
            var names = Set<String>()
            for obj in all {
                let path = obj.location.file.path
                var clusters = Set<String>()
                for m in manifests where m.paths.contains(where: { AccountContext.pathMatches(path, prefix: $0) }) { clusters.insert(m.cluster) }
                names.formUnion(clusters)
                perObject.append(clusters)
            }
            mappedTo = perObject
            mappedNames = names
        }

        /// Id 0 is "every object".
        mutating func objects(for clusterName: String?) -> (id: Int, objects: [KubernetesObject]) {
            guard let mappedTo, let clusterName else { return (0, all) }
            if !mappedNames.contains(clusterName) {
                if let u = unmappedOnly { return u }
                let u = (id: nextID, objects: all.indices.filter { mappedTo[$0].isEmpty }.map { all[$0] })
                nextID += 1
                unmappedOnly = u
                return u
            }
            if let s = byName[clusterName] { return s }
            let s = (id: nextID, objects: all.indices.filter { mappedTo[$0].isEmpty || mappedTo[$0].contains(clusterName) }.map { all[$0] })
            nextID += 1
            byName[clusterName] = s
            return s
        }
    }

    public static func targets(_ context: CheckContext) -> [Target] {
        let infra = context.infrastructure
        var selector = ManifestSelector(context)
        var images: [String: String?] = [:]
        func target(_ index: Int?, name: String, region: String?, version: String) -> Target {
            let r = region ?? context.accounts.defaultRegion
            let regionValue = r ?? assumedRegion
            let imageKey = regionValue + "\u{0}" + version
            let image: String?
            if let cached = images[imageKey] { image = cached } else {
                image = AgentVersion(version).flatMap { context.knowledge.agentImage(region: regionValue, version: $0.description) }
                images[imageKey] = image
            }
            let selection = selector.objects(for: index == nil ? nil : name)
            var t = Target(clusterIndex: index, clusterName: name, region: regionValue, regionAssumed: r == nil,
                           agentVersion: version, image: image, objects: selection.objects)
            t.selectionID = selection.id
            return t
        }
        if infra.clusters.isEmpty {
            guard !infra.kubernetesObjects.isEmpty else { return [] }
            return [target(nil, name: "(cluster of the scanned manifests)", region: nil, version: context.knowledge.newestAgent.description)]
        }
        var out = infra.clusters.indices.map { i -> Target in
            let c = infra.clusters[i]
            let pinned = c.addons.map { infra.addons[$0] }.first { $0.addonName.value == "aws-guardduty-agent" }?.addonVersion.value
            return target(i, name: c.name.value ?? c.resource.address, region: context.clusterContexts[i].region,
                          version: pinned ?? context.knowledge.newestAgent.description)
        }
        // Manifests mapped (in .guardpost.yml) to a cluster that is not in the scan are checked against
        // that cluster as an implicit one, so they are never silently ignored.
        let scanned = Set(out.map(\.clusterName))
        var implicit: [String] = []
        for m in context.accounts.manifests where !scanned.contains(m.cluster) && !implicit.contains(m.cluster) { implicit.append(m.cluster) }
        for (k, name) in implicit.enumerated() {
            var t = target(nil, name: name, region: nil, version: context.knowledge.newestAgent.description)
            t.objects = infra.kubernetesObjects.filter { obj in
                context.accounts.manifests.contains { $0.cluster == name && $0.paths.contains { AccountContext.pathMatches(obj.location.file.path, prefix: $0) } }
            }
            t.selectionID = -(k + 1) // its own objects: never shares evaluations with another target
            if !t.objects.isEmpty { out.append(t) }
        }
        return out
    }

    /// The add-on's requests for one target: Namespace (unless the manifests create it first),
    /// ServiceAccount, PriorityClass, DaemonSet by `eks:addon-manager`, and the DaemonSet's Pod as
    /// the DaemonSet controller creates it.
    public static func requests(for target: Target, knowledge: Knowledge) -> [AdmissionRequest] {
        let nodes = knowledge.agentObjects(region: target.region, agentVersion: target.agentVersion)
        let existingNamespace = target.objects.first { $0.kind == "Namespace" && $0.name == namespace && $0.apiVersion == "v1" }
        let namespaceLabels = existingNamespace?.labels ?? [:]
        var out: [AdmissionRequest] = []
        for node in nodes {
            guard let kind = node["kind"]?.string, let apiVersion = node["apiVersion"]?.string else { continue }
            let name = node.at(["metadata", "name"])?.string ?? ""
            let ns = node.at(["metadata", "namespace"])?.string
            if kind == "Namespace" && existingNamespace != nil { continue }
            out.append(AdmissionRequest(object: node, apiVersion: apiVersion, kind: kind, name: name, namespace: ns,
                                        username: knowledge.agentRequestUser, groups: knowledge.agentRequestGroups,
                                        namespaceLabels: ns == nil ? [:] : namespaceLabels))
            if kind == "DaemonSet", let template = node.at(["spec", "template"]) {
                out.append(AdmissionRequest(object: pod(from: template, daemonSet: node, name: name, namespace: ns ?? namespace),
                                            apiVersion: "v1", kind: "Pod", name: name + "-", namespace: ns,
                                            username: daemonSetController, groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
                                            namespaceLabels: namespaceLabels))
            }
        }
        return out
    }

    static func pod(from template: Node, daemonSet: Node, name: String, namespace: String) -> Node {
        let loc = template.location
        func e(_ k: String, _ v: Node) -> Node.Entry { Node.Entry(key: k, keyLocation: loc, value: v) }
        var metadata: [Node.Entry] = [e("generateName", Node(.string(name + "-"), location: loc)), e("namespace", Node(.string(namespace), location: loc))]
        if let labels = template.at(["metadata", "labels"]) { metadata.append(e("labels", labels)) }
        return Node(.mapping([
            e("apiVersion", Node(.string("v1"), location: loc)),
            e("kind", Node(.string("Pod"), location: loc)),
            e("metadata", Node(.mapping(metadata), location: loc)),
            e("spec", template["spec"] ?? Node(.mapping([]), location: loc)),
        ]), location: loc)
    }

    /// Every decision of every admission policy for every target.
    /// Requests and decisions depend only on the target's manifests, region and agent version, so they
    /// are computed once per distinct combination, not once per cluster.
    struct EvaluationKey: Hashable {
        var selectionID: Int
        var region: String
        var agentVersion: String
    }

    /// The objects `include` accepts, tested in place (`filter` copies every object to test it).
    static func select(_ objects: [KubernetesObject], _ include: (KubernetesObject) -> Bool) -> [KubernetesObject] {
        objects.withUnsafeBufferPointer { buffer in
            var out: [KubernetesObject] = []
            for i in buffer.indices where include(buffer[i]) { out.append(buffer[i]) }
            return out
        }
    }

    public static func evaluate(_ context: CheckContext, engine: AdmissionEngineKind) -> [Evaluated] {
        var out: [Evaluated] = []
        var memo: [EvaluationKey: [(request: AdmissionRequest, decisions: [AdmissionDecision])]] = [:]
        // The policies of a manifest selection are read (parsed, autogen rules built, Rego recognised) once.
        var kyverno: [Int: KyvernoEngine.PreparedPolicies] = [:]
        var gatekeeper: [Int: GatekeeperEngine.PreparedPolicies] = [:]
        for target in targets(context) {
            let key = EvaluationKey(selectionID: target.selectionID, region: target.region, agentVersion: target.agentVersion)
            let evaluated: [(request: AdmissionRequest, decisions: [AdmissionDecision])]
            if let m = memo[key] {
                evaluated = m
            } else {
                let policies: [KubernetesObject]
                switch engine {
                case .kyverno: policies = select(target.objects, KyvernoEngine.isKyvernoPolicy)
                case .gatekeeper: policies = select(target.objects, GatekeeperEngine.isGatekeeperObject)
                default: policies = []
                }
                if policies.isEmpty {
                    evaluated = []
                } else if engine == .kyverno {
                    let prepared = kyverno[target.selectionID] ?? KyvernoEngine.prepare(policies)
                    kyverno[target.selectionID] = prepared
                    evaluated = requests(for: target, knowledge: context.knowledge).map { request in
                        (request, KyvernoEngine.evaluate(prepared: prepared, request: request))
                    }
                } else {
                    let prepared = gatekeeper[target.selectionID] ?? GatekeeperEngine.prepare(policies)
                    gatekeeper[target.selectionID] = prepared
                    evaluated = requests(for: target, knowledge: context.knowledge).map { request in
                        (request, GatekeeperEngine.evaluate(prepared: prepared, request: request))
                    }
                }
                memo[key] = evaluated
            }
            for (request, decisions) in evaluated {
                for d in decisions { out.append(Evaluated(target: target, request: request, decision: d)) }
            }
        }
        return out
    }
}

/// Turns admission decisions into findings.
enum AdmissionFindings {
    static let podIssue = "InsufficientNumberOfReplicas: The add-on is unhealthy because it doesn't have the desired number of replicas."

    static func make(_ evaluated: [AdmissionSimulation.Evaluated], rule: RuleMetadata, context: CheckContext,
                     fix: (AdmissionSimulation.Evaluated) -> String) -> [Finding] {
        var out: [Finding] = []
        // Keys are structs, not formatted strings: this loop runs once per decision per cluster.
        struct ClusterPolicy: Hashable { var cluster: Int; var policy: String }
        struct Seen: Hashable { var cluster: Int; var clusterName: String; var policy: String; var rule: String; var object: String; var outcome: String }
        var seen = Set<Seen>()
        // A policy that denies the DaemonSet also stops its pods from ever being created: report the DaemonSet.
        var deniedDaemonSets = Set<ClusterPolicy>()
        for e in evaluated where e.request.kind == "DaemonSet" && e.decision.outcome == .deny {
            deniedDaemonSets.insert(ClusterPolicy(cluster: e.target.clusterIndex ?? -1, policy: e.decision.policy))
        }
        let assumptionIDs = Set(context.knowledge.assumptions.map(\.id))
        // The same decision recurs for every cluster that gets the same manifests: decide its assumptions once.
        var assumptionsByDecision: [String: [String]] = [:]
        for e in evaluated {
            let d = e.decision
            switch d.outcome {
            case .pass, .notApplicable: continue // no finding (decided before building any text)
            default: break
            }
            if e.request.kind == "Pod", d.outcome == .deny, deniedDaemonSets.contains(ClusterPolicy(cluster: e.target.clusterIndex ?? -1, policy: d.policy)) { continue }
            let objectName = "\(e.request.kind)/\(e.request.namespace.map { $0 + "/" } ?? "")\(e.request.name)"
            // "Cannot evaluate" is said once per policy rule and cluster, not once per object it would see.
            let objectKey = { if case .cannotEvaluate = d.outcome { return "*" } else { return objectName } }()
            let key = Seen(cluster: e.target.clusterIndex ?? -1, clusterName: e.target.clusterName, policy: d.policy, rule: d.rule ?? "",
                           object: objectKey, outcome: outcomeKey(d.outcome))
            guard seen.insert(key).inserted else { continue }
            let clusterText = e.target.clusterIndex == nil && e.target.clusterName.hasPrefix("(") ? "" : " in cluster '\(e.target.clusterName)'"
            let regionNote = e.target.regionAssumed ? " (region unknown: registry of \(e.target.region) assumed; set `region` in .guardpost.yml)" : ""
            var severity = Severity.error
            var effect = CoverageEffect.none
            var message: String
            switch d.outcome {
            case .deny:
                if e.request.kind == "Pod" {
                    message = "\(d.policy)\(d.rule.map { " rule \($0)" } ?? "") would reject the GuardDuty agent's pods (created by the DaemonSet controller)\(clusterText): the DaemonSet never gets ready replicas. \(d.message)\(regionNote)"
                    effect = .unhealthy(GuardDutyIssue(type: "Addon Status Unhealthy", extra: "EKS Addon issue - \(podIssue)"))
                } else {
                    let first = d.message.split(separator: "\n").first.map(String.init) ?? d.message
                    let code = first.hasPrefix("AccessDenied") || d.engine != .kyverno ? "" : "AdmissionRequestDenied: "
                    let body = d.engine == .gatekeeper && !first.hasPrefix("AccessDenied") ? "AccessDenied: \(first)" : "\(code)\(first)"
                    if d.engine == .rbac {
                        let detail = d.message.split(separator: "\n").first { !$0.hasPrefix("AccessDenied") }.map(String.init) ?? first
                        message = "\(detail) EKS installs the GuardDuty add-on as \(RBACCheck.addonUser)\(clusterText): it could not create the add-on's namespace and priority class"
                    } else {
                        message = "\(d.policy)\(d.rule.map { " rule \($0)" } ?? "") would deny \(objectName), which the GuardDuty add-on creates\(clusterText)\(regionNote)"
                    }
                    effect = .unhealthy(GuardDutyIssue(type: "Addon Status Unhealthy", extra: "EKS Addon issue - \(body)"))
                }
            case .auditOnly:
                severity = .info
                message = "\(d.policy)\(d.rule.map { " rule \($0)" } ?? "") would flag \(objectName)\(clusterText) but only audits/warns: it does not block the add-on. \(d.message)"
            case .cannotEvaluate(let reason):
                severity = .info
                message = "\(d.policy)\(d.rule.map { " rule \($0)" } ?? ""): cannot evaluate against the GuardDuty agent's objects\(clusterText), check by hand: \(reason)"
            case .pass, .notApplicable:
                continue
            }
            func assumptionsOf(_ e: AdmissionSimulation.Evaluated) -> [String] {
                let key = e.request.kind + "\u{0}" + e.decision.message
                if let a = assumptionsByDecision[key] { return a }
                let a = assumptions(for: e, known: assumptionIDs)
                assumptionsByDecision[key] = a
                return a
            }
            var f = Finding(ruleId: rule.id, severity: severity, message: message, location: d.location, resource: d.policy,
                            attribute: d.rule, cluster: e.target.clusterIndex.map { context.infrastructure.clusters[$0].resource.address },
                            effect: effect, remediation: d.outcome == .deny ? fix(e) : "", assumptions: assumptionsOf(e))
            f.clusterIndex = e.target.clusterIndex
            out.append(f)
        }
        return out
    }

    static func outcomeKey(_ o: AdmissionOutcome) -> String {
        switch o {
        case .pass: return "pass"
        case .deny: return "deny"
        case .auditOnly: return "audit"
        case .notApplicable: return "na"
        case .cannotEvaluate: return "cannot"
        }
    }

    /// The agent objects rest on several UNCONFIRMED facts; name the ones that matter to the decision.
    static func assumptions(for e: AdmissionSimulation.Evaluated, context: CheckContext) -> [String] {
        assumptions(for: e, known: Set(context.knowledge.assumptions.map(\.id)))
    }

    static func assumptions(for e: AdmissionSimulation.Evaluated, known ids: Set<String>) -> [String] {
        var out: [String] = []
        let text = e.decision.message.lowercased()
        if text.contains("image") || text.contains("registr") || text.contains("repo") {
            out += ["agent-repository-path", "agent-image-registry-choice"]
        }
        if ["DaemonSet", "Pod"].contains(e.request.kind) && !(text.contains("image") || text.contains("repo")) {
            out += ["objects-security-context-current", "objects-hostpath-list", "objects-unconfirmed-fields"]
        }
        if e.request.kind == "Namespace" || text.contains("label") { out.append("objects-labels-selector") }
        return out.filter { ids.contains($0) }
    }
}
