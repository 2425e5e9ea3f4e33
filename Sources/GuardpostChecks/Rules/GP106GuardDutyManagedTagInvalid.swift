import GuardpostDocuments
import GuardpostModel

/// The inclusion/exclusion tag only works with the exact key `GuardDutyManaged` and the exact values `true` / `false`.
public struct GuardDutyManagedTagInvalidRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP106", name: "guardduty-managed-tag-invalid",
        title: "The cluster's GuardDutyManaged tag is not exactly GuardDutyManaged = true or false",
        severity: .error, issueType: nil,
        rationale: "GuardDuty includes (GuardDutyManaged = true) or excludes (GuardDutyManaged = false) an EKS cluster from its agent management by this tag. Tag keys and values are case-sensitive strings: \"If the value of the GuardDutyManaged tag is not set to true, the inclusion tag will not work as expected.\" A value such as \"False\", \"no\" or \" false\", or a key spelt differently, is ignored: a cluster meant to be excluded gets the agent, or one meant to be included does not.",
        remediation: [
            .terraformPlan: "Write the tag exactly:\n  tags = { GuardDutyManaged = \"false\" }   # exclude\n  tags = { GuardDutyManaged = \"true\" }    # include",
            .terraformJSON: "Write \"tags\": {\"GuardDutyManaged\": \"false\"} (exclude) or \"true\" (include), lower case.",
            .cloudFormation: "Write the tag exactly:\n  Tags:\n    - Key: GuardDutyManaged\n      Value: \"false\"",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/how-runtime-monitoring-works-eks.html",
        examples: GuardDutyManagedTagInvalidExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        var out: [Finding] = []
        let key = ClusterFacts.managedTag
        for (index, cluster) in context.infrastructure.clusters.enumerated() {
            for (tagKey, tag) in cluster.tags.sorted(by: { $0.key < $1.key }) {
                let name = ClusterFacts.displayName(cluster)
                if tagKey == key {
                    guard tag.state == .known, let value = tag.value, value != "true", value != "false" else { continue }
                    let meant = ["true", "false"].first { $0 == value.lowercased().trimmingSpaces } ?? "true or false"
                    out.append(finding("cluster '\(name)': tag \(key) = \"\(value)\" is neither \"true\" nor \"false\"; GuardDuty ignores it (write \(meant))",
                                       at: tag.location ?? cluster.resource.location, resource: cluster.resource, attribute: tag.name,
                                       clusterIndex: index, in: context))
                } else if tagKey.lowercased().trimmingSpaces == key.lowercased() {
                    out.append(finding("cluster '\(name)': tag key \"\(tagKey)\" is not \(key) (tag keys are case-sensitive); GuardDuty ignores it",
                                       at: tag.location ?? cluster.resource.location, resource: cluster.resource, attribute: tag.name,
                                       clusterIndex: index, in: context))
                }
            }
        }
        return out
    }
}

private extension String {
    /// Without leading and trailing spaces.
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

enum GuardDutyManagedTagInvalidExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var capital = ClusterFixture()
        capital.tags = [("GuardDutyManaged", "False")]
        out += capital.examples("value \"False\"") { f in
            [.init(F.cluster(f), attribute: F.attribute("tags.GuardDutyManaged", "Tags.GuardDutyManaged", f))]
        }
        var no = ClusterFixture()
        no.tags = [("GuardDutyManaged", "no")]
        out += no.examples("value \"no\"", formats: [.terraformPlan]) { f in
            [.init(F.cluster(f), attribute: "tags.GuardDutyManaged")]
        }
        var key = ClusterFixture()
        key.tags = [("guarddutymanaged", "false")]
        out += key.examples("key in lower case") { f in
            [.init(F.cluster(f), attribute: F.attribute("tags.guarddutymanaged", "Tags.guarddutymanaged", f))]
        }
        var ok = ClusterFixture()
        ok.tags = [("GuardDutyManaged", "false"), ("team", "payments")]
        out += ok.examples("exact GuardDutyManaged = false") { _ in [] }
        var yes = ClusterFixture()
        yes.tags = [("GuardDutyManaged", "true")]
        out += yes.examples("exact GuardDutyManaged = true") { _ in [] }
        return out
    }
}
