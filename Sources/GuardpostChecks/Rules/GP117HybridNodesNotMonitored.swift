import GuardpostDocuments
import GuardpostModel

/// EKS Hybrid Nodes (on-premises machines joined to the cluster) get no GuardDuty agent.
public struct HybridNodesNotMonitoredRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP117", name: "hybrid-nodes-not-monitored",
        title: "The cluster is set up for EKS Hybrid Nodes, which Runtime Monitoring does not cover",
        severity: .warning, issueType: nil,
        rationale: "A cluster with a remote network configuration (remote_network_config / RemoteNetworkConfig) accepts EKS Hybrid Nodes: on-premises or edge machines. \"The GuardDuty agent and Runtime Monitoring aren't available for Amazon EKS Hybrid Nodes\", and GuardDuty's prerequisites list clusters with Hybrid Nodes as unsupported. Workloads on those nodes are not monitored; EC2 nodes of the same cluster still can be.",
        remediation: [
            .terraformPlan: "Keep workloads that need runtime monitoring on EC2 node groups or EKS Auto Mode (node affinity / taints keep them off hybrid nodes). If hybrid nodes are intended, suppress this finding with the justification.",
            .terraformJSON: "Keep monitored workloads on EC2 node groups or Auto Mode; remove remote_network_config if hybrid nodes are not needed.",
            .cloudFormation: "Keep monitored workloads on EC2 node groups or Auto Mode; remove RemoteNetworkConfig if hybrid nodes are not needed.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-eks-support.html",
        examples: HybridNodesNotMonitoredExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        var out: [Finding] = []
        for (index, cluster) in context.infrastructure.clusters.enumerated() where cluster.remoteNetworkConfig.state == .known {
            guard !ClusterFacts.isOutpostsLocal(cluster), ClusterFacts.isMonitoringCandidate(index, context: context) else { continue }
            let a = cluster.remoteNetworkConfig
            out.append(finding("cluster '\(ClusterFacts.displayName(cluster))' accepts EKS Hybrid Nodes (\(a.name)): workloads on hybrid nodes are not monitored by GuardDuty Runtime Monitoring",
                               at: a.location ?? cluster.resource.location, resource: cluster.resource, attribute: a.name,
                               clusterIndex: index, in: context))
        }
        return out
    }
}

enum HybridNodesNotMonitoredExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var hybrid = ClusterFixture()
        hybrid.hybridNodes = true
        out += hybrid.examples("remote network configuration") { f in
            [.init(F.cluster(f), attribute: F.attribute("remote_network_config", "RemoteNetworkConfig", f))]
        }
        out += ClusterFixture().examples("no remote network configuration") { _ in [] }
        var excluded = hybrid
        excluded.tags = [("GuardDutyManaged", "false")]
        out += excluded.examples("hybrid cluster excluded by tag") { _ in [] }
        return out
    }
}
