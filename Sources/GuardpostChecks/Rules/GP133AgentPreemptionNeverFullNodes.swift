import GuardpostDocuments
import GuardpostModel

/// The agent's default PriorityClass never preempts: on nodes that other pods already fill, its pod waits forever.
public struct AgentPreemptionNeverFullNodesRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP133", name: "agent-preemption-never-full-nodes",
        title: "The agent keeps its default PriorityClass (preemptionPolicy Never) on nodes that are already full",
        severity: .warning, issueType: "Addon Status Unhealthy",
        rationale: "The agent's pods get PriorityClass aws-guardduty-agent.priorityclass, whose preemptionPolicy is Never: when a node has no free pod slot, CPU or memory, the agent's pod cannot evict anything and stays Pending. GuardDuty then reports `Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas` with `0/x nodes are available: x Insufficient cpu | x Too many pods | x Insufficient memory. preemption: not eligible due to preemptionPolicy=Never`. The estimate counts EKS's reservations, aws-node, kube-proxy, CoreDNS and the DaemonSets in the scanned manifests on each node (other workloads only make it worse). The documented fix: a PriorityClass whose preemptionPolicy is PreemptLowerPriority, set through the add-on's priorityClassName, or more or larger nodes.",
        remediation: [
            .terraformPlan: "Let the agent preempt: in the aws_eks_addon set\n  configuration_values = jsonencode({ priorityClassName = \"system-node-critical\" })\n(or a PriorityClass of your own with preemptionPolicy: PreemptLowerPriority), or use larger instance types / more nodes.",
            .terraformJSON: "Set the add-on's \"configuration_values\" to \"{\\\"priorityClassName\\\":\\\"system-node-critical\\\"}\" (or a PriorityClass with preemptionPolicy PreemptLowerPriority), or use larger instance types.",
            .cloudFormation: "Set the AWS::EKS::Addon's ConfigurationValues to '{\"priorityClassName\":\"system-node-critical\"}' (or a PriorityClass with preemptionPolicy PreemptLowerPriority), or use larger instance types.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eks-runtime-monitoring-coverage.html",
        examples: AgentPreemptionNeverFullNodesExamples.all)

    /// Built-in PriorityClasses that preempt (Kubernetes' default policy).
    static let preempting: Set<String> = ["system-node-critical", "system-cluster-critical"]

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        let k = context.knowledge
        var out: [Finding] = []
        var scanDaemonSets: [KubernetesObject]? // found once, on first need
        for cc in context.clusterContexts where cc.runtimeMonitoring.toggle != .disabled {
            let addon = AgentAddon.addon(of: cc.cluster, context).map { infra.addons[$0] }
            let priority = AgentAddon.priorityClassName(addon, k)
            guard preemption(priority.name, context) == "Never" else { continue }
            let req = AgentAddon.requests(addon, k)
            let nodes = NodeCapacity.nodeCount(cc.cluster, infra)
            if scanDaemonSets == nil { scanDaemonSets = NodeCapacity.daemonSetsInScan(context) }
            let daemonSets = NodeCapacity.otherDaemonSets(cc.cluster, context, among: scanDaemonSets!)
            for gi in infra.clusters[cc.cluster].nodeGroups {
                let g = infra.nodeGroups[gi]
                guard NodeCapacity.canHaveNodes(g), let names = g.instanceTypes.effective, !names.isEmpty else { continue }
                var full: [String] = []
                for name in names {
                    guard let t = k.instanceType(name) else { continue }
                    let cap = NodeCapacity.estimate(t, nodes: nodes, daemonSets: daemonSets, context: context)
                    let fits = cap.agentFits(cpu: req.cpu, memory: req.memory)
                    guard fits.cpu && fits.memory else { continue } // the agent alone does not fit: GP132
                    let lacks = cap.shortfalls(cpu: req.cpu, memory: req.memory)
                    if !lacks.isEmpty { full.append("\(name): \(lacks.joined(separator: ", ")) with \(cap.counted.joined(separator: ", "))") }
                }
                guard !full.isEmpty else { continue }
                let why = priority.configured ? "priorityClassName \(priority.name) (preemptionPolicy Never)" : "the default PriorityClass \(priority.name) (preemptionPolicy \(k.agentResources.defaultPreemptionPolicy))"
                out.append(finding("\(g.resource.address) of \(GuardDutyEndpoints.clusterLabel(cc.cluster, infra)): its nodes are already full before the agent — \(full.joined(separator: "; ")) — and the agent's pod, with \(why), cannot preempt: risk of \(GuardDutyIssues.insufficientReplicas.text)",
                                   at: g.instanceTypes.location ?? g.resource.location, resource: g.resource, attribute: g.instanceTypes.name,
                                   clusterIndex: cc.cluster, in: context, assumptions: NodeCapacity.assumptions))
            }
        }
        return out
    }

    /// The preemption policy of a PriorityClass name: the add-on's default is Never; built-in critical classes
    /// preempt; a PriorityClass in the manifests says; others are unknown (nil).
    func preemption(_ name: String, _ context: CheckContext) -> String? {
        if name == context.knowledge.agentResources.priorityClassDefault { return context.knowledge.agentResources.defaultPreemptionPolicy }
        if Self.preempting.contains(name) { return "PreemptLowerPriority" }
        if let pc = context.infrastructure.kubernetesObjects.first(where: { $0.kind == "PriorityClass" && $0.name == name }) {
            return pc.node["preemptionPolicy"]?.scalarText ?? "PreemptLowerPriority"
        }
        return nil
    }
}

enum AgentPreemptionNeverFullNodesExamples {
    typealias F = AgentAddonFixture
    static let loggingDaemonSet = (name: "logging.yaml", content: """
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: log-shipper
      namespace: logging
    spec:
      selector:
        matchLabels: {app: log-shipper}
      template:
        metadata:
          labels: {app: log-shipper}
        spec:
          containers:
            - name: shipper
              image: example.com/log-shipper:1.0
              resources:
                requests: {cpu: 500m, memory: 7200Mi}
    """ + "\n")

    static let all: [RuleExample] = [
        RuleExample("plan: one t3.micro node (4 pod slots) with the default PriorityClass", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.instanceTypes = ["t3.micro"]; $0.desiredSize = 1 }),
                    expect: [.init("aws_eks_node_group.workers", attribute: "instance_types")]),
        RuleExample("plan: same nodes, priorityClassName system-node-critical", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.instanceTypes = ["t3.micro"]; $0.desiredSize = 1; $0.configurationValues = #"{"priorityClassName":"system-node-critical"}"# }),
                    expect: []),
        RuleExample("tf.json: m5.large nodes filled by a DaemonSet requesting 7200Mi", format: .terraformJSON,
                    files: [("main.tf.json", F.tfJSON()), loggingDaemonSet], expect: [.init("aws_eks_node_group.workers", attribute: "instance_types")]),
        RuleExample("tf.json: m5.large nodes without other DaemonSets", format: .terraformJSON, file: "main.tf.json", content: F.tfJSON(), expect: []),
        RuleExample("cfn: one t3.micro node with the default PriorityClass", format: .cloudFormation, file: "eks.yaml",
                    content: F.cloudFormation(F.options { $0.instanceTypes = ["t3.micro"]; $0.desiredSize = 1 }),
                    expect: [.init("Workers", attribute: "InstanceTypes")]),
        RuleExample("cfn: three t3.micro nodes (CoreDNS spreads out)", format: .cloudFormation, file: "eks.yaml",
                    content: F.cloudFormation(F.options { $0.instanceTypes = ["t3.micro"]; $0.desiredSize = 3 }), expect: []),
    ]
}
