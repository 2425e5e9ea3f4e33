import GuardpostDocuments
import GuardpostModel

/// EKS add-ons, the GuardDuty agent among them, do not run on local clusters on AWS Outposts.
public struct OutpostsLocalClusterRule: Rule {
    public init() {}
    /// GuardDuty's coverage issue, as its troubleshooting table prints it (English original of the
    /// source page's 「ローカル EKS クラスター — EKS アドオンはローカルのアウトポストクラスターではサポートされていません。」).
    static let issue = GuardDutyIssue(type: "Local EKS clusters", extra: "EKS addons are not supported on local outpost clusters.")

    public let metadata = RuleMetadata(
        id: "GP105", name: "outposts-local-cluster",
        title: "The cluster is a local cluster on AWS Outposts, where the GuardDuty add-on is not supported",
        severity: .error, issueType: "Local EKS clusters",
        rationale: "A cluster with an outpost configuration (outpost_config / OutpostConfig) runs its control plane on the Outpost: a local cluster. EKS add-ons are not supported there, so GuardDuty cannot deploy its agent and reports the cluster Unhealthy with \"Local EKS clusters: EKS addons are not supported on local outpost clusters.\" GuardDuty calls this not actionable: the cluster cannot be covered by Runtime Monitoring. (Extended clusters — control plane in the Region, nodes on the Outpost — have no outpost configuration and are not concerned.)",
        remediation: [
            .terraformPlan: "Runtime Monitoring cannot cover a local Outposts cluster. Either run the cluster in the Region (remove outpost_config; nodes may still run on the Outpost as an extended cluster), or exclude the cluster explicitly so coverage reports stay clean:\n  tags = { GuardDutyManaged = \"false\" }",
            .terraformJSON: "Remove outpost_config (run the control plane in the Region), or tag the cluster \"GuardDutyManaged\": \"false\" to exclude it from GuardDuty's agent management.",
            .cloudFormation: "Remove OutpostConfig (run the control plane in the Region), or exclude the cluster:\n  Tags:\n    - Key: GuardDutyManaged\n      Value: \"false\"",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eks-runtime-monitoring-coverage.html",
        examples: OutpostsLocalClusterExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        var out: [Finding] = []
        for (index, cluster) in context.infrastructure.clusters.enumerated() where ClusterFacts.isOutpostsLocal(cluster) {
            guard ClusterFacts.isMonitoringIntended(index, context: context) else { continue }
            let a = cluster.outpostConfig
            out.append(finding("cluster '\(ClusterFacts.displayName(cluster))' is a local cluster on AWS Outposts (\(a.name)): GuardDuty cannot install its EKS add-on there",
                               at: a.location ?? cluster.resource.location, resource: cluster.resource, attribute: a.name,
                               clusterIndex: index, in: context, effect: .unhealthy(Self.issue)))
        }
        return out
    }
}

enum OutpostsLocalClusterExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var local = ClusterFixture()
        local.outposts = true
        local.nodeGroups = []
        out += local.examples("local cluster on Outposts") { f in
            [.init(F.cluster(f), attribute: F.attribute("outpost_config", "OutpostConfig", f))]
        }
        out += ClusterFixture().examples("cluster in the Region") { _ in [] }
        var excluded = local
        excluded.tags = [("GuardDutyManaged", "false")]
        out += excluded.examples("local cluster excluded by tag") { _ in [] }
        var unknown = local
        unknown.detector = false
        unknown.features = []
        out += unknown.examples("local cluster, GuardDuty settings not known (GP100)") { _ in [] }
        return out
    }
}
