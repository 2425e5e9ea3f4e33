import GuardpostChecks

/// The ListCoverage response, as `aws guardduty list-coverage` prints it (PascalCase keys), so scripts
/// written for the real API read guardpost's prediction unchanged.
///
/// - `ResourceId` is the cluster name (GuardDuty's resource id for an EKS cluster).
/// - `AccountId` and `DetectorId` read `"unknown"` when the scan and `.guardpost.yml` do not say.
/// - `CompatibleNodes` is the sum of the node groups' desired sizes, when every one is known;
///   `CoveredNodes` equals it for a HEALTHY prediction. Both are left out when not known, and
///   `CoveredNodes` is left out for an UNHEALTHY prediction (how many nodes keep an agent is not predictable).
/// - `AddonStatus` is the EKS add-on status the prediction implies (`ACTIVE` when healthy,
///   `CREATE_FAILED` / `UPDATE_FAILED` / `DEGRADED` for the add-on issue types), else `"unknown"`.
/// - Clusters GuardDuty would not monitor at all (excluded by tag, Runtime Monitoring off, unsupported)
///   have no coverage record: they are not listed (the command says so on standard error).
public struct ListCoverageReport: Sendable {
    public var timestamp: CoverageTimestamp

    public init(timestamp: CoverageTimestamp) { self.timestamp = timestamp }

    /// Clusters that have a coverage record (HEALTHY or UNHEALTHY).
    public static func listed(_ clusters: [ClusterCoverage]) -> [ClusterCoverage] {
        clusters.filter { $0.status != .notMonitored }
    }

    public func render(_ clusters: [ClusterCoverage], query: CoverageQuery) throws -> String {
        try value(clusters, query: query).render()
    }

    public func value(_ clusters: [ClusterCoverage], query: CoverageQuery) throws -> JSONValue {
        let page = try query.page(Self.listed(clusters))
        var fields: [(String, JSONValue)] = [("Resources", .array(page.clusters.map(resource)))]
        if let token = page.nextToken { fields.append(("NextToken", .string(token))) }
        return .object(fields)
    }

    /// One `CoverageResource`.
    public func resource(_ c: ClusterCoverage) -> JSONValue {
        let unknown = CoveragePlaceholder.unknown
        var addon: [(String, JSONValue)] = [("AddonVersion", .string(c.addonVersion ?? unknown))]
        addon.append(("AddonStatus", .string(Self.addonStatus(c) ?? unknown)))
        var eks: [(String, JSONValue)] = [("ClusterName", .string(c.clusterName))]
        if let covered = Self.coveredNodes(c) { eks.append(("CoveredNodes", .int(covered))) }
        if let compatible = c.desiredNodes { eks.append(("CompatibleNodes", .int(compatible))) }
        eks.append(("AddonDetails", .object(addon)))
        eks.append(("ManagementType", .string(c.managementType ?? unknown)))
        var fields: [(String, JSONValue)] = [
            ("ResourceId", .string(c.clusterName)),
            ("DetectorId", .string(c.detectorId ?? unknown)),
            ("AccountId", .string(c.accountId ?? unknown)),
            ("ResourceDetails", .object([("EksClusterDetails", .object(eks)), ("ResourceType", "EKS")])),
            ("CoverageStatus", .string(c.status.rawValue)),
        ]
        if c.status == .unhealthy, let issue = c.issue { fields.append(("Issue", .string(issue))) }
        fields.append(("UpdatedAt", .string(timestamp.awsCLI)))
        return .object(fields)
    }

    static func coveredNodes(_ c: ClusterCoverage) -> Int? {
        c.status == .healthy ? c.desiredNodes : nil
    }

    /// The EKS add-on status implied by the predicted issue type; nil when the prediction does not tell.
    static func addonStatus(_ c: ClusterCoverage) -> String? {
        switch c.status {
        case .healthy: return "ACTIVE"
        case .notMonitored: return nil
        case .unhealthy:
            guard let issue = c.issue else { return nil }
            if issue.hasPrefix("Addon Creation Failed") { return "CREATE_FAILED" }
            if issue.hasPrefix("Addon Update Failed") { return "UPDATE_FAILED" }
            if issue.hasPrefix("Addon Status Unhealthy") { return "DEGRADED" }
            return nil
        }
    }
}

/// `COUNT_BY_COVERAGE_STATUS` and `COUNT_BY_RESOURCE_TYPE` of GetCoverageStatistics.
public enum CoverageStatisticsType: String, Sendable, CaseIterable {
    case countByResourceType = "COUNT_BY_RESOURCE_TYPE"
    case countByCoverageStatus = "COUNT_BY_COVERAGE_STATUS"
}

/// The GetCoverageStatistics response (`{"CoverageStatistics": {...}}`) over the clusters that match
/// the filters. Both statuses are always present (0 included) so `jq` arithmetic works; clusters
/// GuardDuty would not monitor are not counted (they have no coverage record).
public struct CoverageStatisticsReport: Sendable {
    public init() {}

    public func render(_ clusters: [ClusterCoverage], query: CoverageQuery, types: [CoverageStatisticsType]) -> String {
        value(clusters, query: query, types: types).render()
    }

    public func value(_ clusters: [ClusterCoverage], query: CoverageQuery, types: [CoverageStatisticsType]) -> JSONValue {
        let kept = ListCoverageReport.listed(clusters).filter(query.matches)
        var stats: [(String, JSONValue)] = []
        // The API's member order: CountByResourceType, then CountByCoverageStatus.
        if types.contains(.countByResourceType) {
            stats.append(("CountByResourceType", .object([("EKS", .int(kept.count))])))
        }
        if types.contains(.countByCoverageStatus) {
            let healthy = kept.filter { $0.status == .healthy }.count
            stats.append(("CountByCoverageStatus", .object([("HEALTHY", .int(healthy)), ("UNHEALTHY", .int(kept.count - healthy))])))
        }
        return .object([("CoverageStatistics", .object(stats))])
    }
}
