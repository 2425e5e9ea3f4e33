import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// A cluster whose only compute is Fargate, hybrid nodes, Windows or otherwise unsupported nodes — or none at
/// all — has nothing the agent can cover.
public struct NoSupportedComputeRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP118", name: "no-supported-compute",
        title: "The cluster has no compute Runtime Monitoring supports (only Fargate, hybrid, Windows or unsupported nodes, or none)",
        severity: .warning, issueType: nil,
        rationale: "Runtime Monitoring covers EKS clusters running on EC2 instances and EKS Auto Mode; it does not support clusters running on AWS Fargate or on EKS Hybrid Nodes, and it covers no Windows or A1 node. A cluster whose managed compute is only of those kinds — or which has no node group and no Auto Mode at all — has nothing the agent can run on: it is NOT MONITORED even if GuardDuty lists it. Self-managed node groups and Karpenter are not modelled by guardpost; when the scan contains any (Auto Scaling groups, Karpenter NodePools) this rule stays silent. If GuardDuty would also report an issue for the cluster (for example a failed VPC endpoint), that issue is what the coverage prediction shows.",
        remediation: [
            .terraformPlan: "Add an EC2 managed node group with a Linux AMI (aws_eks_node_group, ami_type AL2023_*), or enable EKS Auto Mode (compute_config { enabled = true }). If the nodes come from elsewhere (self-managed groups, Karpenter in another stack), suppress this finding with that justification.",
            .terraformJSON: "Add an aws_eks_node_group with a Linux \"ami_type\", or enable Auto Mode (\"compute_config\": {\"enabled\": true}).",
            .cloudFormation: "Add an AWS::EKS::Nodegroup with a Linux AmiType, or enable Auto Mode (ComputeConfig: {Enabled: true}).",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-eks-support.html",
        examples: NoSupportedComputeExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        guard !ClusterFacts.hasUnmodelledNodes(infra) else { return [] }
        var out: [Finding] = []
        for (index, cluster) in infra.clusters.enumerated() where !ClusterFacts.isOutpostsLocal(cluster) {
            guard ClusterFacts.isMonitoringIntended(index, context: context) else { continue }
            // Auto Mode on (or possibly on): EC2 capacity managed by EKS, supported.
            if cluster.autoMode.effective == true || cluster.autoMode.state == .unknown { continue }
            let deployment = AgentDeployment.resolve(cluster: index, context: context)
            let platforms = cluster.nodeGroups.map { NodePlatform.of(infra.nodeGroups[$0], deployment: deployment, knowledge: context.knowledge) }
            guard platforms.allSatisfy(\.isUnsupported) else { continue }
            var kinds: [String] = []
            var assumptions: [String] = []
            if !cluster.fargateProfiles.isEmpty { kinds.append("\(cluster.fargateProfiles.count) Fargate profile\(cluster.fargateProfiles.count == 1 ? "" : "s")") }
            if cluster.remoteNetworkConfig.state == .known { kinds.append("hybrid nodes") }
            if !platforms.isEmpty {
                var reasons: [String] = []
                for p in platforms {
                    for problem in p.problems {
                        switch problem {
                        case .windows: reasons.append("Windows"); assumptions.append("windows-nodes")
                        case .unsupportedInstances(_, true): reasons.append("A1 instances")
                        default: break
                        }
                    }
                }
                let unique = reasons.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                kinds.append("\(platforms.count) node group\(platforms.count == 1 ? "" : "s") GuardDuty does not cover (\(unique.joined(separator: ", ")))")
            }
            let what = kinds.isEmpty ? "no managed node group and no EKS Auto Mode in the scan" : "only \(kinds.joined(separator: " and "))"
            let reason = kinds.isEmpty ? "no supported compute (no node group, no Auto Mode)" : "no supported compute (\(what))"
            out.append(finding("cluster '\(ClusterFacts.displayName(cluster))' has \(what): the GuardDuty agent has no supported EC2 node to run on, so nothing in the cluster is monitored",
                               at: cluster.resource.location, resource: cluster.resource, clusterIndex: index, in: context,
                               effect: .notMonitored(reason: reason), assumptions: Array(Set(assumptions)).sorted()))
        }
        return out
    }
}

enum NoSupportedComputeExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var fargateOnly = ClusterFixture()
        fargateOnly.nodeGroups = []
        fargateOnly.fargateProfiles = [("default", "default"), ("system", "kube-system")]
        out += fargateOnly.examples("Fargate profiles only") { f in [.init(F.cluster(f))] }
        var windowsOnly = ClusterFixture()
        windowsOnly.nodeGroups = [.init("win", amiType: "WINDOWS_FULL_2022_x86_64")]
        out += windowsOnly.examples("Windows node group only") { f in [.init(F.cluster(f))] }
        var nothing = ClusterFixture()
        nothing.nodeGroups = []
        out += nothing.examples("no node group, no Auto Mode", formats: [.terraformPlan, .cloudFormation]) { f in [.init(F.cluster(f))] }
        var hybridOnly = nothing
        hybridOnly.hybridNodes = true
        out += hybridOnly.examples("hybrid nodes only", formats: [.terraformJSON]) { f in [.init(F.cluster(f))] }
        // Passing.
        out += ClusterFixture().examples("a Linux node group") { _ in [] }
        var auto = nothing
        auto.autoMode = true
        out += auto.examples("EKS Auto Mode, no node group") { _ in [] }
        // AL2023 with an old agent is an unverified combination (GP113), not an absence of compute.
        var oldAgent = ClusterFixture()
        oldAgent.features = [.init("RUNTIME_MONITORING", "ENABLED", addonManagement: "DISABLED")]
        oldAgent.version = "1.29"
        oldAgent.addon = .some("v1.5.0-eksbuild.1")
        out += oldAgent.examples("AL2023 node group with agent v1.5.0 (GP113's finding)", formats: [.cloudFormation]) { _ in [] }
        var unknown = nothing
        unknown.detector = false
        unknown.features = []
        out += unknown.examples("no node group, GuardDuty settings not known (GP100)", formats: [.cloudFormation]) { _ in [] }
        var mixed = fargateOnly
        mixed.nodeGroups = [.init("default")]
        out += mixed.examples("Fargate profiles and a Linux node group") { _ in [] }
        // Self-managed nodes in the same scan: not modelled, so no claim.
        let selfManaged = ExamplePlan.json([
            .init("aws_guardduty_detector_feature.rm", "aws_guardduty_detector_feature",
                  values: #"{"name":"RUNTIME_MONITORING","status":"ENABLED","additional_configuration":[{"name":"EKS_ADDON_MANAGEMENT","status":"ENABLED"}]}"#),
            .init("aws_eks_cluster.main", "aws_eks_cluster", values: #"{"name":"prod","version":"1.33","role_arn":"r","vpc_config":[{}]}"#),
            .init("aws_autoscaling_group.nodes", "aws_autoscaling_group",
                  values: #"{"name":"prod-nodes","max_size":3,"min_size":1,"tag":[{"key":"kubernetes.io/cluster/prod","value":"owned","propagate_at_launch":true}]}"#),
        ])
        out.append(RuleExample("plan: self-managed Auto Scaling group in the scan", format: .terraformPlan, file: "plan.json", content: selfManaged, expect: []))
        return out
    }
}
