import GuardpostDocuments
import GuardpostModel

/// Says once per cluster what cannot be verified because the GuardDuty settings are neither in the scan
/// nor declared in `.guardpost.yml` — instead of every dependent rule raising a false alarm.
public struct GuardDutySettingsUnknownRule: Rule {
    public init() {}
    public let metadata = RuleMetadata(
        id: "GP100", name: "guardduty-settings-unknown",
        title: "GuardDuty Runtime Monitoring settings for the cluster's account and region are not known",
        severity: .info, issueType: nil,
        rationale: "Whether GuardDuty monitors a cluster, and whether it creates the VPC endpoint and add-on itself (automated agent configuration), is decided by the account's detector, often in another repository. Without it, rules that depend on these settings cannot decide and stay silent; this finding says so once.",
        remediation: [
            .terraformPlan: "Scan the repository that configures GuardDuty together with this one, or declare the settings in .guardpost.yml:\n  accounts:\n    - id: \"111122223333\"\n      regions:\n        us-east-1: {runtimeMonitoring: enabled, automatedAgentConfiguration: enabled}",
        ],
        documentation: "docs/rules.md#gp100",
        examples: [
            RuleExample("cluster without any GuardDuty setting", format: .cloudFormation, file: "t.yaml", content: """
            Resources:
              Cluster:
                Type: AWS::EKS::Cluster
                Properties:
                  Name: prod
                  RoleArn: arn:aws:iam::111122223333:role/eks
                  ResourcesVpcConfig:
                    SubnetIds: [subnet-1, subnet-2]
            """, expect: [.init("Cluster")]),
            RuleExample("settings declared in .guardpost.yml", format: .cloudFormation, files: [
                (".guardpost.yml", "region: us-east-1\naccounts:\n  - id: \"111122223333\"\n    runtimeMonitoring: enabled\n    automatedAgentConfiguration: enabled\n"),
                ("t.yaml", "Resources:\n  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Name: prod\n      Version: \"1.31\"\n      RoleArn: r\n      ResourcesVpcConfig:\n        SubnetIds: [subnet-1]\n"),
            ], expect: []),
        ])

    public func check(_ context: CheckContext) -> [Finding] {
        var out: [Finding] = []
        // With Runtime Monitoring off, automated configuration does not matter (GP102 reports the cluster).
        for cc in context.clusterContexts where cc.runtimeMonitoring.toggle == .unknown
            || (cc.automatedAgent.toggle == .unknown && cc.runtimeMonitoring.toggle != .disabled) {
            let cluster = context.infrastructure.clusters[cc.cluster]
            var missing: [String] = []
            if cc.runtimeMonitoring.toggle == .unknown { missing.append("whether Runtime Monitoring is enabled") }
            if cc.automatedAgent.toggle == .unknown { missing.append("whether automated agent configuration (EKS_ADDON_MANAGEMENT) is enabled") }
            let where_ = [cc.account.map { "account \($0)" }, cc.region.map { "region \($0)" }].compactMap { $0 }.joined(separator: ", ")
            out.append(finding("cannot verify cluster '\(cluster.name.value ?? cluster.resource.address)'\(where_.isEmpty ? "" : " (\(where_))"): neither the scan nor \(AccountContextLoader.fileName) says \(missing.joined(separator: " or ")); checks that depend on it are skipped",
                               at: cluster.resource.location, resource: cluster.resource, clusterIndex: cc.cluster, in: context))
        }
        return out
    }
}
