/// Every rule, listed explicitly. A test checks that every rule file is registered here, that ids are
/// unique and that each rule is documented with triggering and non-triggering examples.
public enum RuleRegistry {
    public static let all: [any Rule] = [
        InputUnreadableRule(),
        InputWarningRule(),
        GuardDutySettingsUnknownRule(),
        VPCDNSAttributesRule(),
        RuntimeMonitoringNotEnabledRule(),
        RuntimeMonitoringFeatureConflictRule(),
        GuardDutyFeatureInvalidValueRule(),
        OutpostsLocalClusterRule(),
        GuardDutyManagedTagInvalidRule(),
        ClusterExcludedByTagRule(),
        InclusionTagWithoutEffectRule(),
        AgentKubernetesVersionIncompatibleRule(),
        ClusterVersionNotKnownRule(),
        AddonVersionMalformedRule(),
        KubernetesVersionOutOfSupportRule(),
        NodePlatformVersionUnsupportedRule(),
        NodeOSNotVerifiedRule(),
        UnsupportedInstanceFamilyRule(),
        FargatePodsNotMonitoredRule(),
        HybridNodesNotMonitoredRule(),
        NoSupportedComputeRule(),
        ManualEndpointMissingRule(),
        EndpointServiceRegionRule(),
        EndpointTypeGatewayRule(),
        EndpointPrivateDNSRule(),
        EndpointSecurityGroupRule(),
        EndpointPolicyDeniesAgentRule(),
        SharedVPCOwnerAutomationRule(),
        SharedVPCEndpointDeletionRule(),
        AgentAddonConfigurationConflictRule(),
        AgentAddonConfigurationValuesRule(),
        AgentAddonWithAutomationRule(),
        NodeGroupZeroCapacityRule(),
        NodeGroupInstanceTooSmallRule(),
        AgentPreemptionNeverFullNodesRule(),
        SCPDeniesTelemetryRule(),
        SCPBlocksAgentAutomationRule(),
        KyvernoDeniesAgentRule(),
        GatekeeperDeniesAgentRule(),
        AddonClusterAdminBindingRule(),
    ]

    public static func rule(id: String) -> (any Rule)? {
        all.first { $0.metadata.id.caseInsensitiveCompare(id) || $0.metadata.name == id }
    }
}

extension String {
    func caseInsensitiveCompare(_ other: String) -> Bool { lowercased() == other.lowercased() }
}
