import GuardpostDocuments
import GuardpostModel

/// In a shared VPC the endpoint lives in the owner account: GuardDuty only creates it when the owner has Runtime
/// Monitoring and automated agent configuration on.
public struct SharedVPCOwnerAutomationRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP126", name: "shared-vpc-owner-automation",
        title: "Cluster in a shared VPC whose owner account lacks Runtime Monitoring or automated agent configuration",
        severity: .error, issueType: "VPC Endpoint Creation Failed",
        rationale: "With automated agent configuration, GuardDuty creates the guardduty-data endpoint of a shared VPC in the VPC owner account, and only when the owner account itself has Runtime Monitoring and automated agent configuration enabled (for at least one resource type). A participant's cluster in a shared VPC whose owner lacks either is reported `VPC Endpoint Creation Failed: Owner account ID {111122223333} for shared VPC {vpcId} doesn't have either Runtime Monitoring, automated agent configuration, or both, enabled.` The sharing is read from a RAM share of the cluster's subnets in the scan, or from the accounts `.guardpost.yml` maps the files to.",
        remediation: [
            .terraformPlan: "In the VPC owner account, enable Runtime Monitoring with automated agent configuration:\n  resource \"aws_guardduty_detector_feature\" \"runtime_monitoring\" {\n    detector_id = aws_guardduty_detector.this.id\n    name        = \"RUNTIME_MONITORING\"\n    status      = \"ENABLED\"\n    additional_configuration {\n      name   = \"EKS_ADDON_MANAGEMENT\"\n      status = \"ENABLED\"\n    }\n  }",
            .terraformJSON: "In the VPC owner account's configuration, set the RUNTIME_MONITORING feature \"status\": \"ENABLED\" with \"additional_configuration\": {\"name\": \"EKS_ADDON_MANAGEMENT\", \"status\": \"ENABLED\"}.",
            .cloudFormation: "In the VPC owner account's AWS::GuardDuty::Detector:\n  Features:\n    - Name: RUNTIME_MONITORING\n      Status: ENABLED\n      AdditionalConfiguration:\n        - Name: EKS_ADDON_MANAGEMENT\n          Status: ENABLED",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring-shared-vpc.html",
        examples: SharedVPCOwnerAutomationExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var out: [Finding] = []
        for use in SharedVPC.uses(context) {
            let cluster = infra.clusters[use.cluster]
            let cc = context.clusterContexts[use.cluster]
            let assumptions = use.participantInferred ? [SharedVPC.assumptionId] : []
            // The participant's own settings decide whether GuardDuty tries to create the endpoint at all.
            let mine = AccountResolution.settings(account: use.participantAccount, scope: cluster.resource.scope, region: cc.region, context: context)
            let participantAutomated = mine.runtimeMonitoring.toggle != .unknown ? mine.automatedAgent.toggle : cc.automatedAgent.toggle
            let participantRM = mine.runtimeMonitoring.toggle != .unknown ? mine.runtimeMonitoring.toggle : cc.runtimeMonitoring.toggle
            guard participantAutomated == .enabled, participantRM != .disabled else { continue }
            let ownerScope = use.ownerScope == cluster.resource.scope ? nil : use.ownerScope
            let owner = AccountResolution.settings(account: use.ownerAccount, scope: ownerScope, region: cc.region, context: context)
            let clusterLabel = GuardDutyEndpoints.clusterLabel(use.cluster, infra)
            let ownerLabel = use.ownerAccount.map { "owner account \($0)" } ?? "the VPC owner account"
            let shareResource = use.share.map { infra.resourceShares[$0].resource } ?? cluster.resource
            let missing = [(owner.runtimeMonitoring, "Runtime Monitoring"), (owner.automatedAgent, "automated agent configuration")]
                .filter { $0.0.toggle == .disabled }
            if missing.isEmpty {
                guard owner.runtimeMonitoring.toggle == .unknown || owner.automatedAgent.toggle == .unknown else { continue }
                out.append(finding("cannot verify that \(ownerLabel) of \(use.vpcName), which \(clusterLabel) uses (\(use.evidence)), has Runtime Monitoring and automated agent configuration enabled: neither the scan nor \(AccountContextLoader.fileName) says; declare it under accounts in \(AccountContextLoader.fileName)",
                                   at: shareResource.location, resource: shareResource, clusterIndex: use.cluster, in: context,
                                   severity: .info, assumptions: assumptions))
                continue
            }
            let decisive = missing[0].0
            let feature = decisive.location.flatMap { loc in
                infra.features.first { f in f.status.location == loc || f.location == loc || f.additional.contains { $0.status.location == loc } }
            }
            let resource = feature?.resource ?? shareResource
            let attribute = feature.flatMap { f -> String? in
                if f.status.location == decisive.location { return f.status.name }
                return f.additional.first { $0.status.location == decisive.location }?.status.name
            }
            let issue = GuardDutyIssues.sharedVPCOwner(owner: use.ownerAccount, vpc: use.vpcIdForIssue)
            out.append(finding("\(clusterLabel) runs in \(use.vpcName), shared by \(ownerLabel) (\(use.evidence)); the owner has \(missing.map(\.1).joined(separator: " and ")) off (\(decisive.whereDecided)), so GuardDuty cannot create the shared guardduty-data endpoint for the participant's automated agent configuration",
                               at: decisive.location ?? resource.location, resource: resource, attribute: attribute,
                               clusterIndex: use.cluster, in: context, effect: .unhealthy(issue), assumptions: assumptions))
        }
        return out
    }
}

enum SharedVPCOwnerAutomationExamples {
    typealias F = SharedVPCFixture
    static let planConfig = F.config(ownerPath: "owner", participantPath: "participant")
    static let all: [RuleExample] = [
        RuleExample("plan: owner has automated agent configuration off", format: .terraformPlan, files: [
            planConfig, ("owner/plan.json", F.ownerPlan(automated: "DISABLED")), ("participant/plan.json", F.participantPlan()),
        ], expect: [.init("aws_guardduty_detector_feature.runtime", attribute: "additional_configuration[0].status")]),
        RuleExample("plan: owner has Runtime Monitoring and automated agent configuration on", format: .terraformPlan, files: [
            planConfig, ("owner/plan.json", F.ownerPlan(automated: "ENABLED")), ("participant/plan.json", F.participantPlan()),
        ], expect: []),
        RuleExample("plan: participant manages the agent manually (no endpoint creation)", format: .terraformPlan, files: [
            planConfig, ("owner/plan.json", F.ownerPlan(automated: "DISABLED")), ("participant/plan.json", F.participantPlan(automated: "DISABLED")),
        ], expect: []),
        RuleExample("plan: owner settings unknown (info)", format: .terraformPlan, files: [
            planConfig, ("participant/plan.json", F.participantPlan()),
            ("owner/plan.json", F.ownerPlan().replacingOccurrences(of: "RUNTIME_MONITORING", with: "S3_DATA_EVENTS")),
        ], expect: [.init("aws_ram_resource_share.subnets")]),
        RuleExample("tf.json: owner file has automated agent configuration off", format: .terraformJSON,
                    files: F.tfJSON(ownerAutomated: "DISABLED"),
                    expect: [.init("aws_guardduty_detector_feature.network", attribute: "additional_configuration[0].status")]),
        RuleExample("tf.json: owner file has both on", format: .terraformJSON, files: F.tfJSON(ownerAutomated: "ENABLED"), expect: []),
        RuleExample("cfn: owner stack shares the subnet, automated agent configuration off", format: .cloudFormation,
                    files: F.cloudFormation(ownerAutomated: "DISABLED"),
                    expect: [.init("Detector", attribute: "Features[0].AdditionalConfiguration[0].Status")]),
        RuleExample("cfn: accounts read from the ARNs (no account mapping)", format: .cloudFormation,
                    files: F.cloudFormation(ownerAutomated: "DISABLED", withConfig: false),
                    expect: [.init("Detector", attribute: "Features[0].AdditionalConfiguration[0].Status")]),
        RuleExample("cfn: owner stack has both on", format: .cloudFormation, files: F.cloudFormation(ownerAutomated: "ENABLED"), expect: []),
    ]
}
