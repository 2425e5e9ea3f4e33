import GuardpostDocuments
import GuardpostModel

/// `GuardDutyManaged=false` excludes a cluster from automated agent configuration: it is not monitored, on purpose.
public struct ClusterExcludedByTagRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP107", name: "cluster-excluded-by-tag",
        title: "The cluster is excluded from GuardDuty Runtime Monitoring by the tag GuardDutyManaged = false",
        severity: .info, issueType: nil,
        rationale: "With automated agent configuration, GuardDuty deploys and manages its agent on every EKS cluster of the account except those tagged GuardDutyManaged = false. Such a cluster is NOT MONITORED — a choice, not a failure, reported so that it stays visible. The tag must be on the cluster before automated agent configuration is enabled (otherwise the agent is deployed until the tag is added), and tag changes \"may take some time to sync\". With manual agent management the exclusion tag is not documented to change anything.",
        remediation: [
            .terraformPlan: "Nothing to fix if the exclusion is intended. To monitor the cluster, remove the tag (or set tags = { GuardDutyManaged = \"true\" }).",
            .terraformJSON: "Nothing to fix if intended; to monitor the cluster remove \"GuardDutyManaged\": \"false\" from its tags.",
            .cloudFormation: "Nothing to fix if intended; to monitor the cluster remove the GuardDutyManaged tag (Key: GuardDutyManaged, Value: \"false\").",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/how-runtime-monitoring-works-eks.html",
        examples: ClusterExcludedByTagExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        var out: [Finding] = []
        for (index, cluster) in context.infrastructure.clusters.enumerated() {
            let cc = context.clusterContexts[index]
            guard let tag = ClusterFacts.managedTag(of: cluster), tag.state == .known, tag.value == "false" else { continue }
            // Runtime Monitoring off or the detector disabled: GP102 says so; the tag changes nothing.
            guard !ClusterFacts.isRuntimeMonitoringOff(index, context: context) else { continue }
            let name = ClusterFacts.displayName(cluster)
            let at = tag.location ?? cluster.resource.location
            if ClusterFacts.isExcludedByTag(index, context: context) {
                let how = cc.automatedAgent.toggle == .enabled ? "" : " (assuming automated agent configuration, which the scan does not show)"
                out.append(finding("cluster '\(name)' is excluded from GuardDuty Runtime Monitoring by \(ClusterFacts.managedTag) = false\(how): not monitored",
                                   at: at, resource: cluster.resource, attribute: tag.name, clusterIndex: index, in: context,
                                   effect: .notMonitored(reason: "excluded by tag \(ClusterFacts.managedTag)=false")))
            } else {
                out.append(finding("cluster '\(name)' has \(ClusterFacts.managedTag) = false, but the agent is managed manually (automated agent configuration off): the exclusion tag only applies to automated configuration and is not documented to change coverage",
                                   at: at, resource: cluster.resource, attribute: tag.name, clusterIndex: index, in: context))
            }
        }
        return out
    }
}

enum ClusterExcludedByTagExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var excluded = ClusterFixture()
        excluded.tags = [("GuardDutyManaged", "false")]
        out += excluded.examples("GuardDutyManaged = false with automated configuration") { f in
            [.init(F.cluster(f), attribute: F.attribute("tags.GuardDutyManaged", "Tags.GuardDutyManaged", f))]
        }
        var manual = excluded
        manual.features = [.init("RUNTIME_MONITORING", "ENABLED", addonManagement: "DISABLED")]
        out += manual.examples("GuardDutyManaged = false with manual management (no effect, said once)") { f in
            [.init(F.cluster(f), attribute: F.attribute("tags.GuardDutyManaged", "Tags.GuardDutyManaged", f))]
        }
        out += ClusterFixture().examples("no tag") { _ in [] }
        var included = ClusterFixture()
        included.tags = [("GuardDutyManaged", "true")]
        out += included.examples("GuardDutyManaged = true") { _ in [] }
        var off = excluded
        off.features = [.init("RUNTIME_MONITORING", "DISABLED")]
        out += off.examples("tag on a cluster whose account has Runtime Monitoring off (GP102's finding)") { _ in [] }
        return out
    }
}
