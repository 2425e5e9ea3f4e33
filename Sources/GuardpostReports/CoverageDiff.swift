import GuardpostChecks

/// How one cluster's predicted coverage differs between two scans (BASE and HEAD of a change).
public struct CoverageChange: Sendable {
    public enum Kind: String, Sendable {
        /// HEALTHY (or new, or not monitored before) -> UNHEALTHY.
        case becomesUnhealthy = "becomes-unhealthy"
        /// UNHEALTHY -> HEALTHY.
        case becomesHealthy = "becomes-healthy"
        /// Unhealthy before and after, with another issue.
        case issueChanges = "issue-changes"
        /// Monitored before, not monitored after (excluded by tag, Runtime Monitoring off...).
        case stopsBeingMonitored = "stops-being-monitored"
        /// Not monitored before, HEALTHY after.
        case startsBeingMonitored = "starts-being-monitored"
        /// New in HEAD and HEALTHY or not monitored.
        case added
        /// In BASE, not in HEAD.
        case removed
    }
    public var kind: Kind
    public var base: ClusterCoverage?
    public var head: ClusterCoverage?

    public var cluster: ClusterCoverage { head ?? base! }

    /// The status GuardDuty would move from, as the event's `previousStatus`: `ABSENT` for a cluster
    /// that only HEAD has.
    public var previousStatus: String { base?.status.rawValue ?? CoverageDiff.absent }
    public var currentStatus: String { head?.status.rawValue ?? CoverageDiff.absent }
}

/// Compares the predictions of two scans. Clusters are matched by account, region and name (in the
/// order they appear when one key repeats). Only a status change is an event, as in GuardDuty.
public enum CoverageDiff {
    public static let absent = "ABSENT"

    public static func changes(base: [ClusterCoverage], head: [ClusterCoverage]) -> [CoverageChange] {
        func key(_ c: ClusterCoverage) -> String {
            "\(c.accountId ?? CoveragePlaceholder.unknown)\u{1F}\(c.region ?? CoveragePlaceholder.unknown)\u{1F}\(c.clusterName)"
        }
        var remaining: [String: [ClusterCoverage]] = [:]
        var order: [String] = []
        for c in base {
            let k = key(c)
            if remaining[k] == nil { order.append(k) }
            remaining[k, default: []].append(c)
        }
        var out: [CoverageChange] = []
        for h in head {
            let k = key(h)
            var before: ClusterCoverage?
            if var list = remaining[k], !list.isEmpty {
                before = list.removeFirst()
                remaining[k] = list
            }
            if let kind = kind(before, h) { out.append(CoverageChange(kind: kind, base: before, head: h)) }
        }
        for k in order {
            for b in remaining[k] ?? [] { out.append(CoverageChange(kind: .removed, base: b, head: nil)) }
        }
        return out.sorted { a, b in
            let ka = [a.cluster.clusterName, a.cluster.accountId ?? "", a.cluster.region ?? "", a.kind.rawValue]
            let kb = [b.cluster.clusterName, b.cluster.accountId ?? "", b.cluster.region ?? "", b.kind.rawValue]
            return ka.lexicographicallyPrecedes(kb)
        }
    }

    static func kind(_ base: ClusterCoverage?, _ head: ClusterCoverage) -> CoverageChange.Kind? {
        guard let base else { return head.status == .unhealthy ? .becomesUnhealthy : .added }
        switch (base.status, head.status) {
        case (.unhealthy, .unhealthy): return base.issue == head.issue ? nil : .issueChanges
        case (_, .unhealthy): return .becomesUnhealthy
        case (.unhealthy, .healthy): return .becomesHealthy
        case (.notMonitored, .healthy): return .startsBeingMonitored
        case (.healthy, .notMonitored), (.unhealthy, .notMonitored): return .stopsBeingMonitored
        case (.healthy, .healthy), (.notMonitored, .notMonitored): return nil
        }
    }

    /// Whether the change makes a cluster unhealthy (`guardpost diff` exits 1).
    public static func makesUnhealthy(_ changes: [CoverageChange]) -> Bool {
        changes.contains { $0.kind == .becomesUnhealthy }
    }
}

/// The EventBridge events GuardDuty would publish for the status changes, exactly in the schema of
/// the coverage page (`GuardDuty Runtime Protection Unhealthy` / `Healthy`, source `aws.guardduty`).
///
/// - `account` and `detail.resourceAccountId` are the cluster's account, `"unknown"` when not mapped;
///   `region` likewise.
/// - `id` is derived from the event's content (a UUID-shaped hash), so the output is deterministic.
/// - `time` and `detail.lastUpdatedAt` are the `--timestamp` (default: the knowledge date, 00:00:00Z).
/// - `desiredNodes` is the sum of the node groups' desired sizes; `availableNodes` equals it for a
///   healthy cluster; each is `"unknown"` when not predictable. `issue` is empty for a Healthy event.
/// - `previousStatus` is `ABSENT` for a cluster that is new in HEAD, `NOT_MONITORED` for one that was not monitored.
public struct CoverageEventsReport: Sendable {
    public var timestamp: CoverageTimestamp
    public init(timestamp: CoverageTimestamp) { self.timestamp = timestamp }

    public static let unhealthyDetailType = "GuardDuty Runtime Protection Unhealthy"
    public static let healthyDetailType = "GuardDuty Runtime Protection Healthy"

    public func render(_ changes: [CoverageChange]) -> String { value(changes).render() }

    public func value(_ changes: [CoverageChange]) -> JSONValue {
        .array(changes.compactMap(event))
    }

    public func event(_ change: CoverageChange) -> JSONValue? {
        let detailType: String
        switch change.kind {
        case .becomesUnhealthy: detailType = Self.unhealthyDetailType
        case .becomesHealthy, .startsBeingMonitored: detailType = Self.healthyDetailType
        case .issueChanges, .stopsBeingMonitored, .added, .removed: return nil
        }
        guard let c = change.head else { return nil }
        let unknown = CoveragePlaceholder.unknown
        let account = c.accountId ?? unknown
        let region = c.region ?? unknown
        let desired = c.desiredNodes.map(String.init) ?? unknown
        let available = c.status == .healthy ? desired : unknown
        let issue = c.status == .unhealthy ? (c.issue ?? "") : ""
        let id = Self.eventId([detailType, account, region, c.clusterName, c.clusterAddress, change.previousStatus,
                               change.currentStatus, issue, timestamp.iso8601])
        return .object([
            ("version", "0"),
            ("id", .string(id)),
            ("detail-type", .string(detailType)),
            ("source", "aws.guardduty"),
            ("account", .string(account)),
            ("time", .string(timestamp.iso8601)),
            ("region", .string(region)),
            ("resources", .array([])),
            ("detail", .object([
                ("schemaVersion", "1.0"),
                ("resourceAccountId", .string(account)),
                ("currentStatus", .string(change.currentStatus)),
                ("previousStatus", .string(change.previousStatus)),
                ("resourceDetails", .object([
                    ("resourceType", "EKS"),
                    ("eksClusterDetails", .object([
                        ("clusterName", .string(c.clusterName)),
                        ("availableNodes", .string(available)),
                        ("desiredNodes", .string(desired)),
                        ("addonVersion", .string(c.addonVersion ?? unknown)),
                    ])),
                ])),
                ("issue", .string(issue)),
                ("lastUpdatedAt", .string(timestamp.iso8601)),
            ])),
        ])
    }

    /// A UUID-shaped id (8-4-4-4-12 hex) from two FNV-1a hashes of the parts: stable for the same event.
    static func eventId(_ parts: [String]) -> String {
        let text = parts.joined(separator: "\u{1F}")
        let all = Array(ReportHash.hex(ReportHash.fnv1a(text)) + ReportHash.hex(ReportHash.fnv1a(text, seed: 0x84222325cbf29ce4)))
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32]
        return groups.map { String(all[$0]) }.joined(separator: "-")
    }
}
