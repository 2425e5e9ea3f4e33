// The data of `policies/instance-types.json` and `policies/guardduty-integration.json`, and the accessors rules use.

struct InstanceTypesFile: Decodable, Sendable {
    struct Allocatable: Decodable, Sendable {
        struct CPUStep: Decodable, Sendable { var cores: Int; var percent: Double }
        var memoryReservedMiBBase: Int; var memoryReservedMiBPerPod: Int; var evictionHardMiB: Int
        var cpuReservedPercent: [CPUStep]
        var assumption: Bool?; var assumptionId: String?; var source: String; var checked: String
    }
    struct SystemPods: Decodable, Sendable {
        struct PerNode: Decodable, Sendable { var name: String; var cpu: String; var memory: String }
        struct PerCluster: Decodable, Sendable { var name: String; var replicas: Int; var cpu: String; var memory: String }
        var perNode: [PerNode]; var perCluster: [PerCluster]
        var assumption: Bool?; var assumptionId: String?; var source: String; var checked: String
    }
    struct Row: Decodable, Sendable { var name: String; var vcpu: Int; var memoryMiB: Int; var maxPods: Int }
    var description: String; var source: String; var checked: String
    var allocatable: Allocatable
    var systemPods: SystemPods
    var types: [Row]
    var assumptions: [AssumptionRow]
}

struct GuardDutyIntegrationFile: Decodable, Sendable {
    struct Telemetry: Decodable, Sendable { var action: String; var credentials: String; var source: String; var checked: String }
    struct Endpoint: Decodable, Sendable {
        var service: String; var fipsService: String; var type: String; var privateDns: Bool; var port: Int; var source: String; var checked: String
    }
    struct Automation: Decodable, Sendable {
        var serviceLinkedRole: String; var tagKey: String; var tagValue: String; var actions: [String]
        var assumption: Bool?; var assumptionId: String?; var source: String; var checked: String
    }
    struct Organizations: Decodable, Sendable {
        var serviceLinkedRolesExempt: Bool; var managementAccountExempt: Bool; var source: String; var checked: String
    }
    struct SharedVPC: Decodable, Sendable {
        var ownerNeeds: [String]; var participantFromShare: Bool
        var assumption: Bool?; var assumptionId: String?; var source: String; var checked: String
    }
    struct AddonConfiguration: Decodable, Sendable {
        var schemaValidated: Bool; var assumption: Bool?; var assumptionId: String?; var source: String; var checked: String
    }
    var description: String; var source: String; var checked: String
    var agentTelemetry: Telemetry
    var endpoint: Endpoint
    var automatedAgentConfiguration: Automation
    var organizations: Organizations
    var sharedVPC: SharedVPC
    var addonConfiguration: AddonConfiguration
    var assumptions: [AssumptionRow]
}

/// An EC2 instance size from `policies/instance-types.json`.
public struct InstanceType: Sendable, Hashable {
    public var name: String
    public var vcpu: Int
    public var memoryMiB: Int
    /// Pods per node with the VPC CNI's default settings.
    public var maxPods: Int
}

/// What a node offers to pods after EKS's reservations (assumption `node-allocatable-estimate`).
public struct NodeAllocatable: Sendable, Hashable {
    public var cpuMillicores: Double
    public var memoryMiB: Double
    public var pods: Int
}

/// A pod the platform runs without the user asking (assumption `eks-system-pods`).
public struct SystemPod: Sendable, Hashable {
    public var name: String
    /// 0 for a pod on every node (a DaemonSet); the replica count for a cluster-wide Deployment.
    public var replicas: Int
    public var cpuMillicores: Double
    public var memoryMiB: Double
}

/// Kubernetes resource quantities (`200m`, `1`, `0.5`, `256Mi`, `1Gi`, `512M`, `1e3`).
public enum ResourceQuantity {
    /// CPU in millicores; nil when the text is not a quantity.
    public static func cpuMillicores(_ text: String) -> Double? {
        let t = text.trimmingWhitespace()
        if t.hasSuffix("m") { return Double(t.dropLast()).flatMap { $0 >= 0 ? $0 : nil } }
        return number(t).map { $0 * 1000 }
    }

    /// Memory in MiB; nil when the text is not a quantity.
    public static func memoryMiB(_ text: String) -> Double? {
        let t = text.trimmingWhitespace()
        let binary: [(String, Double)] = [("Ki", 1024), ("Mi", 1024 * 1024), ("Gi", 1024 * 1024 * 1024), ("Ti", 1024 * 1024 * 1024 * 1024)]
        for (suffix, factor) in binary where t.hasSuffix(suffix) {
            return Double(t.dropLast(2)).flatMap { $0 >= 0 ? $0 * factor / 1_048_576 : nil }
        }
        let decimal: [(String, Double)] = [("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12)]
        for (suffix, factor) in decimal where t.hasSuffix(suffix) {
            return Double(t.dropLast()).flatMap { $0 >= 0 ? $0 * factor / 1_048_576 : nil }
        }
        return number(t).map { $0 / 1_048_576 }
    }

    private static func number(_ t: String) -> Double? {
        guard !t.isEmpty, t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-") }),
              let v = Double(t), v >= 0, v.isFinite else { return nil }
        return v
    }
}

extension Knowledge {
    // MARK: Instance types

    /// The instance size, nil when the table does not list it.
    public func instanceType(_ name: String) -> InstanceType? {
        guard let row = instanceTypesFile.types.first(where: { $0.name == name }) else { return nil }
        return InstanceType(name: row.name, vcpu: row.vcpu, memoryMiB: row.memoryMiB, maxPods: row.maxPods)
    }

    /// Every listed instance size, in file order.
    public var instanceTypes: [InstanceType] {
        instanceTypesFile.types.map { InstanceType(name: $0.name, vcpu: $0.vcpu, memoryMiB: $0.memoryMiB, maxPods: $0.maxPods) }
    }

    /// Allocatable CPU, memory and pods of a node of this size (EKS AMI reservations).
    public func allocatable(_ type: InstanceType) -> NodeAllocatable {
        let a = instanceTypesFile.allocatable
        let memory = Double(type.memoryMiB - a.memoryReservedMiBBase - a.memoryReservedMiBPerPod * type.maxPods - a.evictionHardMiB)
        var reservedCPU = 0.0
        var remaining = type.vcpu
        for step in a.cpuReservedPercent where remaining > 0 {
            let cores = step.cores == 0 ? remaining : min(step.cores, remaining)
            reservedCPU += Double(cores) * 1000 * step.percent / 100
            remaining -= cores
        }
        return NodeAllocatable(cpuMillicores: Double(type.vcpu) * 1000 - reservedCPU, memoryMiB: max(0, memory), pods: type.maxPods)
    }

    /// Pods EKS runs on every node (replicas 0) and per cluster (replicas > 0).
    public var systemPods: [SystemPod] {
        let s = instanceTypesFile.systemPods
        return s.perNode.map { SystemPod(name: $0.name, replicas: 0, cpuMillicores: ResourceQuantity.cpuMillicores($0.cpu) ?? 0,
                                         memoryMiB: ResourceQuantity.memoryMiB($0.memory) ?? 0) }
            + s.perCluster.map { SystemPod(name: $0.name, replicas: $0.replicas, cpuMillicores: ResourceQuantity.cpuMillicores($0.cpu) ?? 0,
                                           memoryMiB: ResourceQuantity.memoryMiB($0.memory) ?? 0) }
    }

    // MARK: GuardDuty integration

    /// `guardduty:SendSecurityTelemetry`, the call the agent makes with the node's instance role.
    public var telemetryAction: String { integrationFile.agentTelemetry.action }

    /// `com.amazonaws.<region>.guardduty-data` (and its FIPS variant) for a region.
    public func endpointServiceNames(region: String) -> [String] {
        [integrationFile.endpoint.service, integrationFile.endpoint.fipsService].map { $0.replacingOccurrences(of: "{region}", with: region) }
    }

    /// The region in a `guardduty-data` endpoint service name, nil when the name is not one.
    public func endpointServiceRegion(_ serviceName: String) -> String? {
        for template in [integrationFile.endpoint.fipsService, integrationFile.endpoint.service] {
            let parts = template.components(separatedBy: "{region}")
            guard parts.count == 2, serviceName.hasPrefix(parts[0]), serviceName.hasSuffix(parts[1]),
                  serviceName.count > parts[0].count + parts[1].count else { continue }
            let region = String(serviceName.dropFirst(parts[0].count).dropLast(parts[1].count))
            if !region.contains(".") { return region }
        }
        return nil
    }

    /// The endpoint type, private DNS and port the agent needs (`Interface`, true, 443).
    public var endpointRequirements: (type: String, privateDns: Bool, port: Int) {
        (integrationFile.endpoint.type, integrationFile.endpoint.privateDns, integrationFile.endpoint.port)
    }

    /// The calls GuardDuty's service-linked role makes for automated agent configuration, and the tag they carry.
    public var automationCalls: (actions: [String], tagKey: String, tagValue: String, serviceLinkedRole: String) {
        let a = integrationFile.automatedAgentConfiguration
        return (a.actions, a.tagKey, a.tagValue, a.serviceLinkedRole)
    }

    /// Whether SCPs leave service-linked roles and the management account alone (Organizations guide).
    public var scpExemptions: (serviceLinkedRoles: Bool, managementAccount: Bool) {
        (integrationFile.organizations.serviceLinkedRolesExempt, integrationFile.organizations.managementAccountExempt)
    }

    /// What the shared VPC owner account must enable.
    public var sharedVPCOwnerNeeds: [String] { integrationFile.sharedVPC.ownerNeeds }
}
