import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// Every agent version supports a range of Kubernetes versions; outside it EKS refuses to create the add-on.
public struct AgentKubernetesVersionIncompatibleRule: Rule {
    public init() {}
    static let issueType = "Addon Creation Failed"

    /// GuardDuty's extra information for this issue, with the cluster's name.
    static func issue(clusterName: String) -> GuardDutyIssue {
        GuardDutyIssue(type: issueType, extra: "Addon aws-guardduty-agent is not compatible with current cluster version of cluster \(clusterName). Addon specified is not supported.")
    }

    public let metadata = RuleMetadata(
        id: "GP109", name: "agent-kubernetes-version-incompatible",
        title: "The cluster's Kubernetes version is not supported by the GuardDuty agent that would be deployed",
        severity: .error, issueType: "Addon Creation Failed",
        rationale: "Each version of the EKS add-on aws-guardduty-agent supports a range of Kubernetes versions (GuardDuty's table: e.g. v1.16.0 supports 1.28 - 1.36, v1.10.0 supports 1.21 - 1.33; agents from v1.11.0 on no longer support anything below 1.28). With automated agent configuration GuardDuty deploys its newest agent; with manual management the add-on's addon_version decides, and when it is not set EKS picks a default version for the cluster's Kubernetes version — if there is none, nothing can be installed. Outside the range GuardDuty reports the cluster Unhealthy: \"Addon Creation Failed: Addon aws-guardduty-agent is not compatible with current cluster version of cluster <name>. Addon specified is not supported.\"",
        remediation: [
            .terraformPlan: "Use a Kubernetes version the agent supports (aws_eks_cluster.version), or pin an aws_eks_addon \"aws-guardduty-agent\" addon_version that supports the cluster's version (see `guardpost knowledge`).",
            .terraformJSON: "Set the cluster's \"version\" to one the agent supports, or pin \"addon_version\" of the aws-guardduty-agent add-on to an agent that supports it.",
            .cloudFormation: "Set AWS::EKS::Cluster Version to one the agent supports, or pin AWS::EKS::Addon AddonVersion (aws-guardduty-agent) to an agent that supports it.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-eks-support.html#gdu-agent-supported-k8-version",
        examples: AgentKubernetesVersionIncompatibleExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        let knowledge = context.knowledge
        var out: [Finding] = []
        for (index, cluster) in infra.clusters.enumerated() where !ClusterFacts.isOutpostsLocal(cluster) {
            let deployment = AgentDeployment.resolve(cluster: index, context: context)
            let k8s = deployment.kubernetes
            guard k8s.source == .written, let version = k8s.version else { continue } // GP110 speaks about the rest
            let name = ClusterFacts.displayName(cluster)
            let supporting = knowledge.agentsSupporting(kubernetes: version)
            let alternatives = supporting.isEmpty ? "no agent version in guardpost's table (checked \(knowledge.checkedDate)) supports Kubernetes \(version)"
                : "agents that support Kubernetes \(version): \(supporting.prefix(4).map(\.description).joined(separator: ", "))"
            let clusterVersionAt = k8s.attribute.location ?? cluster.resource.location
            switch deployment.choice {
            case .automatic(let agent):
                guard ClusterFacts.isMonitoringCandidate(index, context: context) else { continue }
                guard let range = knowledge.supportedKubernetes(agent: agent), !(range.min <= version && version <= range.max) else { continue }
                out.append(finding("cluster '\(name)' runs Kubernetes \(version); with automated agent configuration GuardDuty deploys its newest agent, \(agent), which supports Kubernetes \(range.min) - \(range.max)",
                                   at: clusterVersionAt, resource: cluster.resource, attribute: k8s.attribute.name, clusterIndex: index, in: context,
                                   effect: .unhealthy(Self.issue(clusterName: name)),
                                   remediation: fix(cluster.resource.format, alternatives)))
            case .pinned(let agent, let text):
                guard let addonIndex = deployment.addon else { continue }
                let addon = infra.addons[addonIndex]
                let at = addon.addonVersion.location ?? addon.resource.location
                guard let agent, knowledge.isKnownAgent(agent), let range = knowledge.supportedKubernetes(agent: agent) else {
                    out.append(finding("cannot verify: add-on \(addon.resource.address) pins \(knowledge.addonName) \(text), which is not in guardpost's agent table (checked \(knowledge.checkedDate)); its Kubernetes range is unknown",
                                       at: at, resource: addon.resource, attribute: addon.addonVersion.name, clusterIndex: index, in: context,
                                       severity: .info, remediation: "Check the agent's Kubernetes range in GuardDuty's documentation, or update the policies (--policies)."))
                    continue
                }
                guard !(range.min <= version && version <= range.max) else { continue }
                out.append(finding("add-on \(addon.resource.address) pins \(knowledge.addonName) \(text), which supports Kubernetes \(range.min) - \(range.max); cluster '\(name)' runs \(version)",
                                   at: at, resource: addon.resource, attribute: addon.addonVersion.name, clusterIndex: index, in: context,
                                   effect: .unhealthy(Self.issue(clusterName: name)),
                                   remediation: fix(addon.resource.format, alternatives)))
            case .eksDefault:
                guard supporting.isEmpty, let addonIndex = deployment.addon else { continue }
                let addon = infra.addons[addonIndex]
                out.append(finding("cluster '\(name)' runs Kubernetes \(version), which no version of \(knowledge.addonName) supports (add-on \(addon.resource.address) leaves the version to EKS)",
                                   at: clusterVersionAt, resource: cluster.resource, attribute: k8s.attribute.name, clusterIndex: index, in: context,
                                   effect: .unhealthy(Self.issue(clusterName: name)),
                                   remediation: fix(cluster.resource.format, alternatives)))
            case .malformed, .unknown:
                continue
            }
        }
        return out
    }

    func fix(_ format: InputFormat, _ alternatives: String) -> String {
        metadata.remediation(for: format) + "\n" + alternatives + "."
    }
}

enum AgentKubernetesVersionIncompatibleExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var old = ClusterFixture()
        old.version = "1.27"
        out += old.examples("Kubernetes 1.27 with automated configuration (newest agent supports 1.28+)") { f in
            [.init(F.cluster(f), attribute: F.attribute("version", "Version", f))]
        }
        var future = ClusterFixture()
        future.version = "1.37"
        out += future.examples("Kubernetes 1.37, newer than every agent", formats: [.terraformPlan]) { f in
            [.init(F.cluster(f), attribute: "version")]
        }
        var pinned = ClusterFixture()
        pinned.features = [.init("RUNTIME_MONITORING", "ENABLED", addonManagement: "DISABLED")]
        pinned.version = "1.34"
        pinned.addon = .some("v1.10.0-eksbuild.2")
        out += pinned.examples("manual add-on v1.10.0 (1.21 - 1.33) on Kubernetes 1.34") { f in
            [.init(F.addon(f), attribute: F.attribute("addon_version", "AddonVersion", f))]
        }
        var newOnOld = pinned
        newOnOld.version = "1.27"
        newOnOld.addon = .some("v1.16.0-eksbuild.2")
        out += newOnOld.examples("manual add-on v1.16.0 on Kubernetes 1.27 (agents from v1.11.0 need 1.28+)", formats: [.cloudFormation]) { f in
            [.init(F.addon(f), attribute: "AddonVersion")]
        }
        var unknownAgent = pinned
        unknownAgent.addon = .some("v1.13.0-eksbuild.1")
        out += unknownAgent.examples("manual add-on pins an agent not in the table (cannot verify, info)", formats: [.terraformJSON]) { f in
            [.init(F.addon(f), attribute: "addon_version")]
        }
        var noAgentAtAll = pinned
        noAgentAtAll.version = "1.20"
        noAgentAtAll.addon = .some(nil)
        out += noAgentAtAll.examples("add-on without a version on Kubernetes 1.20 (no agent supports it)", formats: [.terraformPlan, .cloudFormation]) { f in
            [.init(F.cluster(f), attribute: F.attribute("version", "Version", f))]
        }
        // Passing.
        out += ClusterFixture().examples("Kubernetes 1.33 with automated configuration") { _ in [] }
        var fits = pinned
        fits.version = "1.31"
        out += fits.examples("manual add-on v1.10.0 on Kubernetes 1.31") { _ in [] }
        var unpinned = pinned
        unpinned.version = "1.27"
        unpinned.addon = .some(nil)
        out += unpinned.examples("add-on without a version on Kubernetes 1.27 (EKS picks a compatible default)") { _ in [] }
        var excluded = old
        excluded.tags = [("GuardDutyManaged", "false")]
        out += excluded.examples("Kubernetes 1.27, cluster excluded by tag") { _ in [] }
        return out
    }
}
