import GuardpostDocuments
import GuardpostModel

/// A participant that turns Runtime Monitoring (or automated agent configuration) off cannot remove the shared
/// endpoint: it lives in the owner account.
public struct SharedVPCEndpointDeletionRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP127", name: "shared-vpc-endpoint-deletion",
        title: "A shared VPC participant turns Runtime Monitoring or automated agent configuration off in a plan",
        severity: .warning, issueType: "Shared VPC Endpoint Deletion Failed",
        rationale: "The guardduty-data endpoint and security group of a shared VPC belong to the VPC owner account. Disabling Runtime Monitoring or automated agent configuration in a participant account does not remove them: the participant cannot delete them, and GuardDuty reports `Shared VPC Endpoint Deletion Failed: Shared VPC endpoint deletion not allowed for account ID {…}, shared VPC {vpcId}, owner account ID {…}`. They go away only when the owner account disables Runtime Monitoring or automated agent configuration. Only a plan shows such a change (an update to DISABLED, or the detector's deletion); deleting an aws_guardduty_detector_feature does not disable the feature at all.",
        remediation: [
            .terraformPlan: "Expect the shared endpoint to stay: it is the owner account's. To remove it, disable Runtime Monitoring or automated agent configuration in the VPC owner account (its aws_guardduty_detector_feature), not in the participant. To really turn the feature off here, set status = \"DISABLED\" (deleting aws_guardduty_detector_feature leaves it enabled).",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring-shared-vpc.html",
        examples: SharedVPCEndpointDeletionExamples.all)

    struct Change {
        var resource: RawResource
        var location: Location
        var attribute: String?
        var what: String
        /// False for a feature resource's deletion, which leaves the feature on.
        var disables: Bool
    }

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var changes: [Change] = []
        for f in infra.features where f.scope == .account && f.resource.action == .update {
            guard let name = f.name.value, ClusterContext.runtimeFeatureNames.contains(name) else { continue }
            if f.status.value?.uppercased() == "DISABLED" {
                changes.append(Change(resource: f.resource, location: f.status.location ?? f.location, attribute: f.status.name,
                                      what: "sets \(name) to DISABLED", disables: true))
            } else if let add = f.additional.first(where: { $0.name.value == "EKS_ADDON_MANAGEMENT" && $0.status.value?.uppercased() == "DISABLED" }),
                      let before = f.resource.previousAdditionalStatus("EKS_ADDON_MANAGEMENT"), before.uppercased() == "ENABLED" {
                changes.append(Change(resource: f.resource, location: add.status.location ?? f.location, attribute: add.status.name,
                                      what: "turns automated agent configuration (EKS_ADDON_MANAGEMENT) off", disables: true))
            }
        }
        for raw in infra.removedResources {
            switch raw.type {
            case "aws_guardduty_detector":
                changes.append(Change(resource: raw, location: raw.location, attribute: nil, what: "deletes the GuardDuty detector (Runtime Monitoring stops)", disables: true))
            case "aws_guardduty_detector_feature":
                let name = raw.attributes["name"]?.string ?? ""
                guard ClusterContext.runtimeFeatureNames.contains(name) else { continue }
                changes.append(Change(resource: raw, location: raw.location, attribute: nil, what: "deletes the \(name) feature resource", disables: false))
            default: continue
            }
        }
        guard !changes.isEmpty else { return [] }
        let uses = SharedVPC.uses(context)
        var out: [Finding] = []
        for change in changes {
            let account = AccountResolution.account(ofPath: change.resource.location.file.path, context.accounts)
            // The participant's clusters in shared VPCs: same account, or (inputs not mapped) the same plan.
            let affected = uses.filter { use in
                if let account, account.explicit { return use.participantAccount == account.id }
                return infra.clusters[use.cluster].resource.scope == change.resource.scope
            }
            for use in affected {
                let issue = GuardDutyIssues.sharedVPCDeletion(account: use.participantAccount, vpc: use.vpcIdForIssue, owner: use.ownerAccount)
                let participant = use.participantAccount.map { "account \($0)" } ?? "this account"
                let owner = use.ownerAccount.map { "owner account \($0)" } ?? "the VPC owner account"
                let message: String
                if change.disables {
                    message = "\(change.resource.address) \(change.what) in \(participant), a participant of shared VPC \(use.vpcName) (\(use.evidence)): the shared guardduty-data endpoint and security group belong to \(owner) and stay; GuardDuty reports \(issue.text). Disable Runtime Monitoring or automated agent configuration in \(owner) to remove them"
                } else {
                    message = "\(change.resource.address) \(change.what) in \(participant), a participant of shared VPC \(use.vpcName): deleting the resource does not disable the feature, so nothing changes in GuardDuty; if the intent is to turn it off, set status = \"DISABLED\" — and the shared endpoint in \(owner) still stays (\(issue.type))"
                }
                out.append(finding(message, at: change.location, resource: change.resource, attribute: change.attribute,
                                   clusterIndex: use.cluster, in: context, severity: change.disables ? .warning : .info,
                                   assumptions: use.participantInferred ? [SharedVPC.assumptionId] : []))
            }
        }
        return out
    }
}

extension RawResource {
    /// The status an additional configuration had before the plan (`resource_changes[].change.before`), when the plan says.
    func previousAdditionalStatus(_ name: String) -> String? {
        before?["additional_configuration"]?.items?.first { $0["name"]?.string == name }?["status"]?.string
    }
}

enum SharedVPCEndpointDeletionExamples {
    typealias F = SharedVPCFixture
    static let config = F.config(ownerPath: "owner", participantPath: "participant")
    static let all: [RuleExample] = [
        RuleExample("plan: participant updates RUNTIME_MONITORING to DISABLED", format: .terraformPlan, files: [
            config, ("owner/plan.json", F.ownerPlan(automated: "ENABLED")),
            ("participant/plan.json", F.participantPlan(runtime: "DISABLED", featureAction: "update")),
        ], expect: [.init("aws_guardduty_detector_feature.runtime", attribute: "status")]),
        RuleExample("plan: participant deletes its detector", format: .terraformPlan, files: [
            config, ("owner/plan.json", F.ownerPlan(automated: "ENABLED")),
            ("participant/plan.json", F.participantPlan(extra: [.init("aws_guardduty_detector.this", "aws_guardduty_detector", values: #"{"enable":true}"#, action: "delete")])),
        ], expect: [.init("aws_guardduty_detector.this")]),
        RuleExample("plan: participant turns automated agent configuration off", format: .terraformPlan, files: [
            config, ("owner/plan.json", F.ownerPlan(automated: "ENABLED")),
            ("participant/plan.json", F.participantPlan(automated: "DISABLED", featureAction: "update")
                .replacingOccurrences(of: #""before":{"detector_id":"12abc34d567e8fa901bc2d34e56789f0","name":"RUNTIME_MONITORING","status":"ENABLED","additional_configuration":[{"name":"EKS_ADDON_MANAGEMENT","status":"DISABLED"}]}"#,
                                      with: #""before":{"detector_id":"12abc34d567e8fa901bc2d34e56789f0","name":"RUNTIME_MONITORING","status":"ENABLED","additional_configuration":[{"name":"EKS_ADDON_MANAGEMENT","status":"ENABLED"}]}"#)),
        ], expect: [.init("aws_guardduty_detector_feature.runtime", attribute: "additional_configuration[0].status")]),
        RuleExample("plan: participant keeps Runtime Monitoring on", format: .terraformPlan, files: [
            config, ("owner/plan.json", F.ownerPlan(automated: "ENABLED")),
            ("participant/plan.json", F.participantPlan(featureAction: "update")),
        ], expect: []),
        RuleExample("plan: Runtime Monitoring off in an account without shared VPC", format: .terraformPlan, files: [
            ("plan.json", ManualClusterFixture.plan()
                .replacingOccurrences(of: #""status":"ENABLED""#, with: #""status":"DISABLED""#)
                .replacingOccurrences(of: #""actions":["create"]"#, with: #""actions":["update"]"#)),
        ], expect: []),
    ]
}
