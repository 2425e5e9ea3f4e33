import GuardpostModel

/// GuardDuty's coverage issues, in its own words, as the rules predict them.
enum GuardDutyIssues {
    static let addonUnhealthy = "Addon Status Unhealthy"
    static let endpointCreationFailed = "VPC Endpoint Creation Failed"
    static let sharedEndpointDeletionFailed = "Shared VPC Endpoint Deletion Failed"
    static let addonCreationFailed = "Addon Creation Failed"
    static let addonUpdateFailed = "Addon Update Failed"

    static let insufficientReplicasMessage = "The add-on is unhealthy because it doesn't have the desired number of replicas."

    /// `Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas: The add-on is unhealthy ...`
    static let insufficientReplicas = GuardDutyIssue(type: addonUnhealthy,
                                                     extra: "EKS Addon issue - InsufficientNumberOfReplicas: \(insufficientReplicasMessage)")

    /// `Addon Status Unhealthy: EKS Addon issue - ConfigurationConflict: Conflicts found ...`
    static let configurationConflict = GuardDutyIssue(
        type: addonUnhealthy,
        extra: "EKS Addon issue - ConfigurationConflict: Conflicts found when trying to apply. Will not continue due to resolve conflicts mode. Conflicts: DaemonSet.apps aws-guardduty-agent - .spec.template.spec.containers[name=\"aws-guardduty-agent\"].image")

    /// `VPC Endpoint Creation Failed: Owner account ID ... doesn't have either Runtime Monitoring, automated agent configuration, or both, enabled.`
    static func sharedVPCOwner(owner: String?, vpc: String) -> GuardDutyIssue {
        GuardDutyIssue(type: endpointCreationFailed,
                       extra: "Owner account ID \(owner ?? "{owner account}") for shared VPC \(vpc) doesn't have either Runtime Monitoring, automated agent configuration, or both, enabled.")
    }

    /// `Shared VPC Endpoint Deletion Failed: Shared VPC endpoint deletion not allowed for account ID ...`
    static func sharedVPCDeletion(account: String?, vpc: String, owner: String?) -> GuardDutyIssue {
        GuardDutyIssue(type: sharedEndpointDeletionFailed,
                       extra: "Shared VPC endpoint deletion not allowed for account ID \(account ?? "{participant account}"), shared VPC \(vpc), owner account ID \(owner ?? "{owner account}")")
    }

    /// The add-on's create or update fails: which issue type depends on whether the plan creates or updates it.
    static func addonChangeFailed(_ addon: EKSAddon) -> GuardDutyIssue {
        GuardDutyIssue(type: addon.resource.action == .update ? addonUpdateFailed : addonCreationFailed, extra: "")
    }
}
