import GuardpostDocuments

/// The one linked model of everything scanned, whatever format each piece came from.
public struct Infrastructure: Sendable {
    public var resources: [RawResource] = []
    public var detectors: [GuardDutyDetector] = []
    public var features: [GuardDutyFeature] = []
    public var vpcs: [VPC] = []
    public var subnets: [Subnet] = []
    public var securityGroups: [SecurityGroup] = []
    public var endpoints: [VPCEndpoint] = []
    public var resourceShares: [ResourceShare] = []
    public var clusters: [EKSCluster] = []
    public var nodeGroups: [NodeGroup] = []
    public var fargateProfiles: [FargateProfile] = []
    public var addons: [EKSAddon] = []
    public var organizationPolicies: [OrganizationPolicy] = []
    public var kubernetesObjects: [KubernetesObject] = []
    /// Resources a plan deletes (kept out of the entities above).
    public var removedResources: [RawResource] = []
    public var diagnostics: [Diagnostic] = []
    /// Every file read, with the format it was classified as (nil: parsed but not an infrastructure file).
    public var files: [(file: SourceFile, format: InputFormat?)] = []

    public init() {}

    /// The VPC a cluster runs in, through its subnets.
    public func vpc(of cluster: EKSCluster) -> VPC? { cluster.vpc.map { vpcs[$0] } }
}
