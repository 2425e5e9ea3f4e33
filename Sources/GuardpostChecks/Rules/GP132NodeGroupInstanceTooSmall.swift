import GuardpostDocuments
import GuardpostModel

/// Instance types whose allocatable memory or CPU is below what the agent requests: the agent's pod never schedules
/// on those nodes.
public struct NodeGroupInstanceTooSmallRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP132", name: "nodegroup-instance-too-small",
        title: "Node group instance types too small for the agent's CPU or memory requests",
        severity: .error, issueType: "Addon Status Unhealthy",
        rationale: "The agent's pod requests 200m CPU and 256Mi memory by default (more when configuration_values raise them). A node whose allocatable resources — its size minus what EKS reserves for the kubelet and eviction — are below the requests can never run it, so the DaemonSet stays short of its desired replicas: `Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas` (`0/x nodes are available: x Insufficient memory`). The instance sizes come from policies/instance-types.json; types not listed are not judged.",
        remediation: [
            .terraformPlan: "Use a larger instance type in instance_types (t3.micro or larger keeps 256Mi free for the agent), or lower the agent's requests in the add-on's configuration_values (not below 200m / 256Mi).",
            .terraformJSON: "Use a larger instance type in \"instance_types\" (with the default requests the agent needs 200m CPU and 256Mi memory free: t3.micro or larger), or lower requests raised in the add-on's \"configuration_values\".",
            .cloudFormation: "Use a larger instance type in InstanceTypes (with the default requests the agent needs 200m CPU and 256Mi memory free: t3.micro or larger), or lower requests raised in the add-on's ConfigurationValues.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eks-runtime-monitoring-coverage.html",
        examples: NodeGroupInstanceTooSmallExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var out: [Finding] = []
        for cc in context.clusterContexts where cc.runtimeMonitoring.toggle != .disabled {
            let addon = AgentAddon.addon(of: cc.cluster, context).map { infra.addons[$0] }
            let req = AgentAddon.requests(addon, context.knowledge)
            for gi in infra.clusters[cc.cluster].nodeGroups {
                let g = infra.nodeGroups[gi]
                guard NodeCapacity.canHaveNodes(g), let names = g.instanceTypes.effective, !names.isEmpty else { continue }
                let known = names.compactMap { context.knowledge.instanceType($0) }
                guard known.count == names.count else { continue } // a type the table does not list: not judged
                var small: [String] = []
                for t in known {
                    let a = context.knowledge.allocatable(t)
                    var lacks: [String] = []
                    if a.memoryMiB < req.memory { lacks.append("\(Int(a.memoryMiB))Mi allocatable memory < \(Int(req.memory))Mi requested") }
                    if a.cpuMillicores < req.cpu { lacks.append("\(Int(a.cpuMillicores))m allocatable CPU < \(Int(req.cpu))m requested") }
                    if !lacks.isEmpty { small.append("\(t.name) (\(lacks.joined(separator: ", ")))") }
                }
                guard !small.isEmpty else { continue }
                let all = small.count == known.count
                let source = req.configured ? "the requests configured in \(addon?.resource.address ?? "the add-on")" : "the agent's default requests"
                let label = GuardDutyEndpoints.clusterLabel(cc.cluster, infra)
                let message = all
                    ? "\(g.resource.address) of \(label) uses \(small.joined(separator: "; ")): its nodes can never run the agent's pod with \(source); the DaemonSet stays short of its desired replicas"
                    : "\(g.resource.address) of \(label) may launch \(small.joined(separator: "; ")), which cannot run the agent's pod with \(source); nodes of the other types can"
                out.append(finding(message, at: g.instanceTypes.location ?? g.resource.location, resource: g.resource, attribute: g.instanceTypes.name,
                                   clusterIndex: cc.cluster, in: context, effect: all ? .unhealthy(GuardDutyIssues.insufficientReplicas) : .none,
                                   severity: all ? .error : .warning, assumptions: ["node-allocatable-estimate", "minimum-node-size"]))
            }
        }
        return out
    }
}

enum NodeGroupInstanceTooSmallExamples {
    typealias F = AgentAddonFixture
    static let all: [RuleExample] = [
        RuleExample("plan: t3.nano nodes (113Mi allocatable)", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.instanceTypes = ["t3.nano"] }), expect: [.init("aws_eks_node_group.workers", attribute: "instance_types")]),
        RuleExample("plan: t3.micro nodes with 1024Mi requested", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.instanceTypes = ["t3.micro"]; $0.configurationValues = #"{"resources":{"requests":{"memory":"1024Mi"}}}"# }),
                    expect: [.init("aws_eks_node_group.workers", attribute: "instance_types")]),
        RuleExample("plan: a mix of t3.nano and m5.large (warning)", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.instanceTypes = ["t3.nano", "m5.large"] }), expect: [.init("aws_eks_node_group.workers", attribute: "instance_types")]),
        RuleExample("plan: m5.large nodes", format: .terraformPlan, file: "plan.json", content: F.plan(), expect: []),
        RuleExample("plan: an instance type the table does not list", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.instanceTypes = ["x9.tiny"] }), expect: []),
        RuleExample("tf.json: t4g.nano nodes", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.instanceTypes = ["t4g.nano"] }), expect: [.init("aws_eks_node_group.workers", attribute: "instance_types")]),
        RuleExample("tf.json: t3.small nodes", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.instanceTypes = ["t3.small"] }), expect: []),
        RuleExample("cfn: t3.nano nodes", format: .cloudFormation, file: "eks.yaml",
                    content: F.cloudFormation(F.options { $0.instanceTypes = ["t3.nano"] }), expect: [.init("Workers", attribute: "InstanceTypes")]),
        RuleExample("cfn: t3.small nodes", format: .cloudFormation, file: "eks.yaml",
                    content: F.cloudFormation(F.options { $0.instanceTypes = ["t3.small"] }), expect: []),
    ]
}
