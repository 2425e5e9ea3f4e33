import GuardpostDocuments
import GuardpostModel

/// `GuardDutyManaged=true` selects clusters for agent management; with automated configuration every cluster is already managed.
public struct InclusionTagWithoutEffectRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP108", name: "inclusion-tag-without-effect",
        title: "The tag GuardDutyManaged = true has no effect: automated agent configuration already covers every cluster",
        severity: .info, issueType: nil,
        rationale: "The inclusion tag GuardDutyManaged = true is how selected clusters are put under GuardDuty's agent management. With automated agent configuration enabled for the account and Region, GuardDuty already manages the agent on all clusters that are not excluded, so the tag is presumably redundant (GuardDuty's documentation describes the approaches but not this combination). It is worth knowing when automated configuration is later turned off: the tag then decides which clusters keep the agent.",
        remediation: [
            .terraformPlan: "Nothing to fix. Keep the tag if you plan to switch to selective inclusion; otherwise it can be removed.",
            .terraformJSON: "Nothing to fix; the tag can be removed or kept for selective inclusion.",
            .cloudFormation: "Nothing to fix; the tag can be removed or kept for selective inclusion.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/how-runtime-monitoring-works-eks.html",
        examples: InclusionTagWithoutEffectExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        var out: [Finding] = []
        for (index, cluster) in context.infrastructure.clusters.enumerated() {
            let cc = context.clusterContexts[index]
            guard cc.managementType == .autoManaged, cc.automatedAgent.toggle == .enabled,
                  let tag = ClusterFacts.managedTag(of: cluster), tag.state == .known, tag.value == "true" else { continue }
            let source = cc.automatedAgent.resource.map { " (\($0))" } ?? " (\(cc.automatedAgent.origin))"
            out.append(finding("cluster '\(ClusterFacts.displayName(cluster))': \(ClusterFacts.managedTag) = true has no effect while automated agent configuration is enabled\(source); every cluster is managed unless tagged false",
                               at: tag.location ?? cluster.resource.location, resource: cluster.resource, attribute: tag.name,
                               clusterIndex: index, in: context))
        }
        return out
    }
}

enum InclusionTagWithoutEffectExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var included = ClusterFixture()
        included.tags = [("GuardDutyManaged", "true")]
        out += included.examples("GuardDutyManaged = true with automated configuration") { f in
            [.init(F.cluster(f), attribute: F.attribute("tags.GuardDutyManaged", "Tags.GuardDutyManaged", f))]
        }
        // Automated configuration declared in .guardpost.yml: the detector lives in another repository.
        var declared = included
        declared.detector = false
        declared.features = []
        out += declared.examples("GuardDutyManaged = true, automated configuration declared in .guardpost.yml",
                                 config: "region: us-east-1\naccounts:\n  - id: \"111122223333\"\n    runtimeMonitoring: enabled\n    automatedAgentConfiguration: enabled\n") { f in
            [.init(F.cluster(f), attribute: F.attribute("tags.GuardDutyManaged", "Tags.GuardDutyManaged", f))]
        }
        var manual = included
        manual.features = [.init("RUNTIME_MONITORING", "ENABLED", addonManagement: "DISABLED")]
        out += manual.examples("GuardDutyManaged = true with manual management (the tag selects the cluster)") { _ in [] }
        out += ClusterFixture().examples("no tag") { _ in [] }
        return out
    }
}
