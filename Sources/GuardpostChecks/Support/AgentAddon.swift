import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// The `aws-guardduty-agent` add-on of a cluster, its `configurationValues`, and the other places its DaemonSet
/// may be managed from.
enum AgentAddon {
    static let namespace = "amazon-guardduty"
    static let daemonSet = "aws-guardduty-agent"

    /// The cluster's agent add-on (index into `infrastructure.addons`).
    static func addon(of cluster: Int, _ context: CheckContext) -> Int? {
        context.infrastructure.clusters[cluster].addons.first { context.infrastructure.addons[$0].addonName.value == context.knowledge.addonName }
    }

    /// Every agent add-on in the scan, with its cluster when linked.
    static func all(_ context: CheckContext) -> [Int] {
        context.infrastructure.addons.indices.filter { context.infrastructure.addons[$0].addonName.value == context.knowledge.addonName }
    }

    /// `configurationValues` parsed: JSON (what Terraform and CloudFormation document), or else YAML.
    enum Configuration {
        case object(Node, yaml: Bool)
        case invalid(String)
    }

    static func configuration(_ addon: EKSAddon) -> Configuration? {
        guard let text = addon.configurationValues.value else { return nil }
        let file = addon.configurationValues.location?.file ?? addon.resource.location.file
        if text.trimmingWhitespaceAndNewlines().isEmpty { return nil }
        do {
            let node = try JSONReader.parse(Array(text.utf8), file: file)
            guard node.entries != nil else { return .invalid("it is JSON but not an object (\(node.kindName))") }
            return .object(node, yaml: false)
        } catch let jsonError as ParseError {
            if let docs = try? YAMLReader.parse(Array(text.utf8), file: file).documents, docs.count == 1, let doc = docs.first, doc.entries != nil {
                return .object(doc, yaml: true)
            }
            return .invalid("it is not valid JSON (line \(jsonError.location.line), column \(jsonError.location.column) of the value: \(jsonError.message))")
        } catch {
            return .invalid("it is not valid JSON")
        }
    }

    /// The agent's requests (CPU millicores, memory MiB): configured in the add-on's `configurationValues`, else the defaults.
    static func requests(_ addon: EKSAddon?, _ knowledge: Knowledge) -> (cpu: Double, memory: Double, configured: Bool) {
        let r = knowledge.agentResources
        var cpu = ResourceQuantity.cpuMillicores(r.requestsCPU) ?? 200
        var memory = ResourceQuantity.memoryMiB(r.requestsMemory) ?? 256
        var configured = false
        if let addon, case .object(let node, _)? = configuration(addon) {
            if let c = node.at(["resources", "requests", "cpu"])?.scalarText.flatMap(ResourceQuantity.cpuMillicores) { cpu = c; configured = true }
            if let m = node.at(["resources", "requests", "memory"])?.scalarText.flatMap(ResourceQuantity.memoryMiB) { memory = m; configured = true }
        }
        return (cpu, memory, configured)
    }

    /// The `priorityClassName` the agent's pods get (configured or the default).
    static func priorityClassName(_ addon: EKSAddon?, _ knowledge: Knowledge) -> (name: String, configured: Bool) {
        if let addon, case .object(let node, _)? = configuration(addon), let name = node["priorityClassName"]?.scalarText {
            return (name, true)
        }
        return (knowledge.agentResources.priorityClassDefault, false)
    }

    /// A place outside the add-on that manages DaemonSet `amazon-guardduty/aws-guardduty-agent`.
    struct SelfManaged {
        var address: String
        var location: Location
        var how: String
    }

    /// Manifests (mapped to the cluster, or unmapped) and Terraform/CloudFormation Kubernetes resources that
    /// declare the agent's DaemonSet for cluster `index`.
    static func selfManagedDaemonSets(for index: Int, _ context: CheckContext) -> [SelfManaged] {
        selfManagedDaemonSets(for: index, context, SelfManagedSources(context))
    }

    /// What `selfManagedDaemonSets` looks at, found once per scan (not once per cluster): the agent
    /// DaemonSets among the manifests, the resources that can declare Kubernetes objects with what each
    /// declares, and the scopes that have such resources.
    struct SelfManagedSources {
        var manifests: [KubernetesObject] = []
        var resources: [(raw: RawResource, how: String?)] = []
        var scopes = Set<String>()

        init(_ context: CheckContext) {
            for obj in context.infrastructure.kubernetesObjects where isAgentDaemonSet(obj.node) { manifests.append(obj) }
            for raw in context.infrastructure.resources where kubernetesResourceTypes.contains(raw.type) {
                resources.append((raw, declaresAgentDaemonSet(raw)))
                scopes.insert(raw.scope)
            }
        }
    }

    static func selfManagedDaemonSets(for index: Int, _ context: CheckContext, _ sources: SelfManagedSources) -> [SelfManaged] {
        let infra = context.infrastructure
        let cluster = infra.clusters[index]
        let name = cluster.name.value ?? cluster.resource.address
        var out: [SelfManaged] = []
        for obj in sources.manifests where AdmissionSimulation.applies(obj, toCluster: name, context) {
            out.append(SelfManaged(address: obj.address, location: obj.location, how: "the Kubernetes manifest \(obj.location.file.path)"))
        }
        let sameScope = sources.scopes.contains(cluster.resource.scope)
        for (raw, how) in sources.resources {
            if sameScope && raw.scope != cluster.resource.scope { continue }
            if raw.type == "AWSQS::Kubernetes::Resource", let target = raw.attributes["ClusterName"]?.scalarText, target != name { continue }
            if let how { out.append(SelfManaged(address: raw.address, location: raw.location, how: how)) }
        }
        return out
    }

    static let kubernetesResourceTypes: Set<String> = ["kubernetes_manifest", "kubernetes_daemonset", "kubernetes_daemon_set_v1",
                                                       "helm_release", "kubectl_manifest", "AWSQS::Kubernetes::Resource"]

    static func isAgentDaemonSet(_ node: Node) -> Bool {
        node["kind"]?.string == "DaemonSet" && node.at(["metadata", "name"])?.scalarText == daemonSet
            && node.at(["metadata", "namespace"])?.scalarText == namespace
    }

    /// Why a Terraform/CloudFormation resource declares the agent's DaemonSet, nil when it does not.
    static func declaresAgentDaemonSet(_ raw: RawResource) -> String? {
        let a = raw.attributes
        switch raw.type {
        case "kubernetes_manifest":
            if let m = a["manifest"], isAgentDaemonSet(m) { return "\(raw.address) (kubernetes_manifest)" }
        case "kubernetes_daemonset", "kubernetes_daemon_set_v1":
            let meta = a["metadata"]?.items?.first ?? a["metadata"]
            if meta?["name"]?.scalarText == daemonSet, meta?["namespace"]?.scalarText == namespace { return "\(raw.address) (\(raw.type))" }
        case "helm_release":
            let chart = (a["chart"]?.scalarText ?? "").lowercased()
            let release = (a["name"]?.scalarText ?? "").lowercased()
            if chart.contains(daemonSet) || release == daemonSet || (a["namespace"]?.scalarText == namespace && chart.contains("guardduty")) {
                return "\(raw.address) (helm_release of chart \(a["chart"]?.scalarText ?? "?"))"
            }
        case "kubectl_manifest", "AWSQS::Kubernetes::Resource":
            let text = (raw.type == "kubectl_manifest" ? a["yaml_body"] : a["Manifest"])?.string
            guard let text, let docs = try? YAMLReader.parse(Array(text.utf8), file: raw.location.file).documents else { return nil }
            if docs.contains(where: isAgentDaemonSet) { return "\(raw.address) (\(raw.type))" }
        default: break
        }
        return nil
    }
}

extension String {
    func trimmingWhitespaceAndNewlines() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
