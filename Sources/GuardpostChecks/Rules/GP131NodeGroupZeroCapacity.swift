import GuardpostDocuments
import GuardpostModel

/// A node group sized 0/0 never has a node, so the agent never runs there; when it is all the cluster has, nothing
/// is monitored at all.
public struct NodeGroupZeroCapacityRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP131", name: "nodegroup-zero-capacity",
        title: "Node group with desired and maximum size 0: it never runs the agent",
        severity: .warning, issueType: nil,
        rationale: "The GuardDuty agent is a DaemonSet: it runs one pod per node. A managed node group whose desired and maximum sizes are both 0 never has a node, so there is nothing for the agent to run on. When these are the cluster's only nodes (no other node group with capacity, no EKS Auto Mode), GuardDuty has no node to cover; otherwise this is information.",
        remediation: [
            .terraformPlan: "Give the node group capacity (scaling_config { desired_size = 2, max_size = 3, min_size = 1 }), or remove it.",
            .terraformJSON: "Set \"scaling_config\": {\"desired_size\": 2, \"max_size\": 3, \"min_size\": 1}, or remove the node group.",
            .cloudFormation: "Set ScalingConfig: {DesiredSize: 2, MaxSize: 3, MinSize: 1}, or remove the node group.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eks-runtime-monitoring-coverage.html",
        examples: NodeGroupZeroCapacityExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var out: [Finding] = []
        for cc in context.clusterContexts where cc.runtimeMonitoring.toggle != .disabled {
            let cluster = infra.clusters[cc.cluster]
            let groups = cluster.nodeGroups.map { infra.nodeGroups[$0] }
            let empty = groups.filter { $0.maxSize.effective == 0 && $0.desiredSize.effective == 0 }
            guard !empty.isEmpty else { continue }
            let onlyCompute = empty.count == groups.count && cluster.autoMode.effective != true
            for g in empty {
                let label = GuardDutyEndpoints.clusterLabel(cc.cluster, infra)
                let message = onlyCompute
                    ? "\(g.resource.address) has desired and maximum size 0 and is the only compute of \(label): the agent's DaemonSet never gets a node, so GuardDuty covers no node of this cluster"
                    : "\(g.resource.address) of \(label) has desired and maximum size 0: it never has a node for the agent to run on"
                out.append(finding(message, at: g.maxSize.location ?? g.resource.location, resource: g.resource, attribute: g.maxSize.name,
                                   clusterIndex: cc.cluster, in: context, severity: onlyCompute ? .warning : .info))
            }
        }
        return out
    }
}

enum NodeGroupZeroCapacityExamples {
    typealias F = AgentAddonFixture
    static let all: [RuleExample] = [
        RuleExample("plan: the only node group is 0/0", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.desiredSize = 0; $0.maxSize = 0 }),
                    expect: [.init("aws_eks_node_group.workers", attribute: "scaling_config[0].max_size")]),
        RuleExample("plan: scaled to 0 but can grow to 3", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.desiredSize = 0; $0.maxSize = 3 }), expect: []),
        RuleExample("tf.json: the only node group is 0/0", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.desiredSize = 0; $0.maxSize = 0 }),
                    expect: [.init("aws_eks_node_group.workers", attribute: "scaling_config[0].max_size")]),
        RuleExample("tf.json: 2 nodes", format: .terraformJSON, file: "main.tf.json", content: F.tfJSON(), expect: []),
        RuleExample("cfn: the only node group is 0/0", format: .cloudFormation, file: "eks.yaml",
                    content: F.cloudFormation(F.options { $0.desiredSize = 0; $0.maxSize = 0 }),
                    expect: [.init("Workers", attribute: "ScalingConfig.MaxSize")]),
        RuleExample("cfn: 2 nodes", format: .cloudFormation, file: "eks.yaml", content: F.cloudFormation(), expect: []),
    ]
}
