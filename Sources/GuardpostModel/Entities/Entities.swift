import GuardpostDocuments

/// Index of an entity in its `Infrastructure` array.
public typealias EntityIndex = Int

/// A GuardDuty feature setting (`RUNTIME_MONITORING`, `EKS_RUNTIME_MONITORING`) with its
/// additional configuration (`EKS_ADDON_MANAGEMENT` = automated agent configuration).
public struct GuardDutyFeature: Sendable {
    public enum Scope: String, Sendable, Codable {
        /// A detector feature of one account (`aws_guardduty_detector_feature`, `AWS::GuardDuty::Detector` Features).
        case account
        /// An organization auto-enable setting (`aws_guardduty_organization_configuration_feature`).
        case organization
    }
    public var resource: RawResource
    public var scope: Scope
    public var name: Attribute<String>
    /// `status` (ENABLED/DISABLED) for detector features; `auto_enable` (ALL/NEW/NONE) for the organization.
    public var status: Attribute<String>
    /// Additional configuration: name -> status (`EKS_ADDON_MANAGEMENT` -> ENABLED) with where it is written.
    public var additional: [(name: Attribute<String>, status: Attribute<String>)]
    /// Where this feature element is written (the feature block or list item).
    public var location: Location
    /// The region of the provider or stack, when known.
    public var region: String?
}

public struct GuardDutyDetector: Sendable {
    public var resource: RawResource
    public var enable: Attribute<Bool>
    public var featureIndexes: [EntityIndex] = []
}

public struct VPC: Sendable {
    public var resource: RawResource
    public var cidr: Attribute<String>
    public var enableDnsSupport: Attribute<Bool>
    public var enableDnsHostnames: Attribute<Bool>
    /// True for `aws_default_vpc` (AWS default VPCs have DNS hostnames on).
    public var isDefaultVPC: Bool
    public var subnetIndexes: [EntityIndex] = []
    public var endpointIndexes: [EntityIndex] = []
    /// The `aws_vpc_dns_*`-style attribute resources are not modelled; the VPC's own attributes are.
    public var ownerAccount: String?
}

public struct Subnet: Sendable {
    public var resource: RawResource
    public var vpc: EntityIndex?
    public var cidr: Attribute<String>
}

public struct SecurityGroupRule: Sendable {
    public var location: Location
    public var direction: String // ingress / egress
    public var fromPort: Int?
    public var toPort: Int?
    public var proto: String?
    public var cidrs: [String]
    /// Whether the sources include other security groups or prefix lists (we cannot tell their addresses).
    public var hasNonCIDRSource: Bool
    /// Whether any part is unknown until apply.
    public var hasUnknown: Bool
    /// References written in the rule's sources (`cidr_blocks = [aws_vpc.main.cidr_block]`): a CIDR read from
    /// another resource, known only after apply but still telling where it comes from.
    public var sourceReferences: [Reference] = []
}

public struct SecurityGroup: Sendable {
    public var resource: RawResource
    public var vpc: EntityIndex?
    public var rules: [SecurityGroupRule]
    /// True when rules may also come from resources we could not link (then "cannot verify").
    public var rulesIncomplete: Bool
}

public struct VPCEndpoint: Sendable {
    public var resource: RawResource
    public var serviceName: Attribute<String>
    public var endpointType: Attribute<String>
    public var privateDnsEnabled: Attribute<Bool>
    public var vpc: EntityIndex?
    public var securityGroups: [EntityIndex]
    /// Security groups referenced but not found in the scan (literal ids or unresolved references).
    public var unresolvedSecurityGroups: Bool
    public var policy: Attribute<Node>
}

public struct ResourceShare: Sendable {
    public var resource: RawResource
    public var name: Attribute<String>
    public var allowExternalPrincipals: Attribute<Bool>
    public var principals: [String]
    /// Link keys of resources shared (subnets).
    public var sharedSubnetIndexes: [EntityIndex]
    /// Resource ARNs shared, as written (`arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0abc`): subnets that are
    /// not in the scan, or are in another scope, are matched by the id at the end of their ARN.
    public var sharedResourceARNs: [String] = []
    /// Whether some principals or shared resources are only known after apply (references we could not follow).
    public var hasUnknownPrincipals: Bool = false
    /// The `aws_ram_resource_association` / `aws_ram_principal_association` resources linked to this share.
    public var associationAddresses: [String] = []
}

public struct EKSCluster: Sendable {
    public var resource: RawResource
    public var name: Attribute<String>
    public var version: Attribute<String>
    public var subnets: [EntityIndex]
    public var vpc: EntityIndex?
    public var outpostConfig: Attribute<Node>
    /// EKS Auto Mode (`compute_config` / `ComputeConfig` enabled).
    public var autoMode: Attribute<Bool>
    /// Hybrid Nodes (`remote_network_config` / `RemoteNetworkConfig`).
    public var remoteNetworkConfig: Attribute<Node>
    /// Tags (`GuardDutyManaged`), name -> value with location.
    public var tags: [String: Attribute<String>]
    public var nodeGroups: [EntityIndex] = []
    public var fargateProfiles: [EntityIndex] = []
    public var addons: [EntityIndex] = []
    public var region: String?
    /// Subnet ids written literally in the cluster's subnet list (`subnet-0abc`), for links across inputs.
    public var literalSubnetIds: [String] = []
}

public struct NodeGroup: Sendable {
    public var resource: RawResource
    public var cluster: EntityIndex?
    public var amiType: Attribute<String>
    public var instanceTypes: Attribute<[String]>
    public var desiredSize: Attribute<Int>
    public var maxSize: Attribute<Int>
    public var minSize: Attribute<Int>
    public var releaseVersion: Attribute<String>
    public var launchTemplate: Attribute<Node>
}

public struct FargateProfile: Sendable {
    public var resource: RawResource
    public var cluster: EntityIndex?
    public var namespaces: [String]
}

public struct EKSAddon: Sendable {
    public var resource: RawResource
    public var cluster: EntityIndex?
    public var addonName: Attribute<String>
    public var addonVersion: Attribute<String>
    public var configurationValues: Attribute<String>
    /// `resolve_conflicts_on_update` (Terraform) / `ResolveConflicts` (CloudFormation) / legacy `resolve_conflicts`.
    public var resolveConflicts: Attribute<String>
    public var resolveConflictsOnCreate: Attribute<String>
}

/// An AWS Organizations policy (SCP) in the scan.
public struct OrganizationPolicy: Sendable {
    public var resource: RawResource
    /// The policy document, parsed from its JSON string when possible.
    public var document: Node?
}

/// A Kubernetes object with the file it came from.
public struct KubernetesManifest: Sendable {
    public var object: KubernetesObject
    public var format: InputFormat { .kubernetes }
}
