import GuardpostDocuments
import GuardpostModel

/// GuardDuty's coverage status, plus the ways a cluster can be left unmonitored.
public enum CoverageStatus: String, Sendable, Codable {
    case healthy = "HEALTHY"
    case unhealthy = "UNHEALTHY"
    /// Not monitored at all: excluded by tag, Runtime Monitoring off, or unsupported.
    case notMonitored = "NOT_MONITORED"
}

/// The predicted coverage of one cluster.
public struct CoveragePrediction: Sendable {
    public var clusterName: String
    /// The cluster's address in its input (`aws_eks_cluster.main`, a logical id).
    public var clusterAddress: String
    public var location: Location
    public var accountId: String?
    public var region: String?
    public var status: CoverageStatus
    public var managementType: ManagementType?
    /// The add-on version that would run (pinned, or the newest for automated configuration).
    public var addonVersion: String?
    /// The first issue, in GuardDuty's form `Issue type: Extra information`.
    public var issue: String?
    /// Why not monitored, when status is NOT_MONITORED.
    public var reason: String?
    /// What could not be verified (no detector in the scan and no configuration...).
    public var unverified: [String]
    /// Ids of the findings about this cluster.
    public var findingIndexes: [Int]
    public var desiredNodes: Int?
}

public struct CoverageStatistics: Sendable {
    public var total: Int
    public var healthy: Int
    public var unhealthy: Int
    public var notMonitored: Int
    /// (healthy / all) x 100, as the GuardDuty console computes it; nil when there is no cluster.
    public var percentage: Double? { total == 0 ? nil : Double(healthy) / Double(total) * 100 }

    public init(_ predictions: [CoveragePrediction]) {
        total = predictions.count
        healthy = predictions.filter { $0.status == .healthy }.count
        unhealthy = predictions.filter { $0.status == .unhealthy }.count
        notMonitored = predictions.filter { $0.status == .notMonitored }.count
    }
}
