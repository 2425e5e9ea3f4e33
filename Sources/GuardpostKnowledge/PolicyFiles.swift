// Decodable shapes of the policies/*.json files. Internal: the public API is on `Knowledge`.

struct Sourced: Decodable, Sendable { var source: String; var checked: String }

struct AssumptionRow: Decodable, Sendable {
    var id: String; var path: String; var text: String; var source: String; var checked: String
}

struct AgentVersionsFile: Decodable, Sendable {
    struct Named: Decodable, Sendable { var value: String; var source: String; var checked: String }
    struct Newest: Decodable, Sendable { var version: String; var source: String; var checked: String }
    struct Row: Decodable, Sendable { var version: String; var latestBuild: String?; var kubernetesMin: String; var kubernetesMax: String }
    var description: String; var source: String; var checked: String
    var addonName: Named
    var newest: Newest
    var versions: [Row]
    var notes: [String]?
    var assumptions: [AssumptionRow]
}

struct EKSVersionsFile: Decodable, Sendable {
    struct Lifecycle: Decodable, Sendable {
        var standardSupportMonths: Int; var extendedSupportMonths: Int; var extendedSupportEnabledByDefault: Bool
        var text: String; var source: String; var checked: String
    }
    struct Default: Decodable, Sendable {
        var version: String; var assumption: Bool?; var assumptionId: String?; var source: String; var checked: String
    }
    struct Row: Decodable, Sendable {
        var version: String; var upstreamRelease: String?; var eksRelease: String?
        var endOfStandardSupport: String?; var endOfExtendedSupport: String?
        var assumption: Bool?; var assumptionId: String?; var source: String; var checked: String
    }
    var description: String; var source: String; var checked: String
    var lifecycle: Lifecycle
    var defaultVersion: Default
    var versions: [Row]
    var notes: [String]?
    var assumptions: [AssumptionRow]
}

struct AgentRegistriesFile: Decodable, Sendable {
    struct Repository: Decodable, Sendable {
        var path: String; var imageTemplate: String; var tagTemplate: String
        var assumption: Bool?; var assumptionId: String?; var source: String; var checked: String
    }
    struct RegionRow: Decodable, Sendable { var region: String; var name: String; var registries: [String] }
    struct RegistrySet: Decodable, Sendable {
        var id: String; var title: String; var agentMin: String?; var agentMax: String?; var builds: [String]
        var assumption: Bool?; var assumptionId: String?; var source: String; var checked: String
        var regions: [RegionRow]
    }
    var description: String; var source: String; var checked: String
    var repository: Repository
    var sets: [RegistrySet]
    var notes: [String]?
    var assumptions: [AssumptionRow]
}

struct AgentResourcesFile: Decodable, Sendable {
    struct CPUMemory: Decodable, Sendable { var cpu: String; var memory: String }
    struct MinMax: Decodable, Sendable { var min: String; var max: String }
    struct Defaults: Decodable, Sendable { var requests: CPUMemory; var limits: CPUMemory; var source: String; var checked: String }
    struct Bounds: Decodable, Sendable {
        var cpu: MinMax; var memory: MinMax; var requestsNotBelowDefaults: Bool
        var assumption: Bool?; var assumptionId: String?; var source: String; var checked: String
    }
    struct ConfigurationValues: Decodable, Sendable { var minimumAgent: String; var keys: [String]; var example: String; var source: String; var checked: String }
    struct DisableCpuLimits: Decodable, Sendable { var minimumAgent: String; var configurationValues: String; var olderAgents: String; var source: String; var checked: String }
    struct DNSPolicy: Decodable, Sendable { var `default`: String; var values: [String]; var source: String; var checked: String }
    struct PriorityClassName: Decodable, Sendable {
        var `default`: String; var values: [String]; var defaultPreemptionPolicy: String; var source: String; var checked: String
    }
    struct Platforms: Decodable, Sendable {
        var al2023MinimumAgent: String; var bottlerocketMinimumKubernetes: String; var fedora40And41MinimumKubernetes: String
        var unsupportedComputeTypes: [String]; var unsupportedInstanceFamilies: [String]; var architectures: [String]
        var kernelRequirement: String; var source: String; var checked: String
    }
    struct VerifiedPlatform: Decodable, Sendable {
        var os: String; var kernels: [String]; var kubernetesMin: String; var kubernetesMax: String; var minimumAgent: String?
    }
    struct AMIMapping: Decodable, Sendable {
        struct Prefix: Decodable, Sendable { var prefix: String; var os: String? }
        var prefixes: [Prefix]; var assumption: Bool?; var assumptionId: String?; var source: String; var checked: String
    }
    var description: String; var source: String; var checked: String
    var defaults: Defaults
    var bounds: Bounds
    var configurationValues: ConfigurationValues
    var disableCpuLimits: DisableCpuLimits
    var dnsPolicy: DNSPolicy
    var priorityClassName: PriorityClassName
    var platforms: Platforms
    var verifiedPlatforms: [VerifiedPlatform]
    var amiTypeToOS: AMIMapping
    var assumptions: [AssumptionRow]
}

struct AgentObjectsFile: Decodable, Sendable {
    struct Request: Decodable, Sendable {
        var username: String; var groups: [String]; var operation: String
        var clusterRoleBinding: String; var clusterRole: String; var source: String; var checked: String
    }
    /// The object itself is read by `PolicyJSONReader` to keep key order; only its provenance is decoded here.
    struct ObjectRow: Decodable, Sendable { var source: String; var checked: String }
    var description: String; var source: String; var checked: String
    var request: Request
    var objects: [ObjectRow]
    var assumptions: [AssumptionRow]
}
