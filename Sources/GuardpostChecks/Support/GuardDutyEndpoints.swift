import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// The `guardduty-data` VPC endpoints a manually managed cluster depends on.
struct ClusterEndpoints {
    var cluster: Int
    var vpc: Int
    /// The cluster's region, when known.
    var region: String?
    /// Endpoints for `guardduty-data` in the cluster's region (or any region when the cluster's is unknown).
    var matching: [Int]
    /// Endpoints for `guardduty-data` in another region, with that region.
    var wrongRegion: [(endpoint: Int, region: String)]
    /// Endpoints whose service name is only known after apply.
    var unknownService: [Int]
}

enum GuardDutyEndpoints {
    /// Clusters managed manually (Runtime Monitoring on or unknown, automated agent configuration off) whose VPC is in
    /// the scan, with their `guardduty-data` endpoints.
    static func manualClusters(_ context: CheckContext) -> [ClusterEndpoints] {
        let infra = context.infrastructure
        return context.clusterContexts.compactMap { cc in
            guard cc.managementType == .manual, let vpc = infra.clusters[cc.cluster].vpc else { return nil }
            var result = ClusterEndpoints(cluster: cc.cluster, vpc: vpc, region: cc.region, matching: [], wrongRegion: [], unknownService: [])
            for e in infra.vpcs[vpc].endpointIndexes {
                let name = infra.endpoints[e].serviceName
                guard let value = name.value else {
                    if name.state == .unknown { result.unknownService.append(e) }
                    continue
                }
                guard let region = context.knowledge.endpointServiceRegion(value) else { continue }
                if let mine = cc.region, region != mine { result.wrongRegion.append((e, region)) } else { result.matching.append(e) }
            }
            return result
        }
    }

    /// `com.amazonaws.us-east-1.guardduty-data`, or with `<region>` when the region is not known.
    static func serviceName(_ region: String?, _ knowledge: Knowledge) -> String {
        knowledge.endpointServiceNames(region: region ?? "<region>")[0]
    }

    /// `cluster 'prod'`
    static func clusterLabel(_ index: Int, _ infra: Infrastructure) -> String {
        let c = infra.clusters[index]
        return "cluster '\(c.name.value ?? c.resource.address)'"
    }

    /// Why the cluster is managed manually, for messages.
    static func manualReason(_ cc: ClusterContext) -> String {
        "automated agent configuration is off in \(cc.automatedAgent.whereDecided)"
    }

    static let likelySymptom = "the likely symptom is \(GuardDutyIssues.insufficientReplicas.text)"
}

/// IPv4 CIDR blocks, for "does this rule admit the VPC".
struct IPv4CIDR: Equatable {
    var address: UInt32
    var prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let p = Int(parts[1]), (0...32).contains(p) else { return nil }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var a: UInt32 = 0
        for o in octets {
            guard let v = UInt32(o), v <= 255 else { return nil }
            a = a << 8 | v
        }
        address = a
        prefix = p
    }

    var mask: UInt32 { prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix) }

    /// Whether every address of `other` is in this block.
    func contains(_ other: IPv4CIDR) -> Bool {
        prefix <= other.prefix && (address & mask) == (other.address & mask)
    }
}
