import GuardpostDocuments
import GuardpostChecks

/// `CoverageFilterCriterionKey` of the GuardDuty API, every value of the model (botocore
/// `guardduty/2017-11-28`), including the deprecated `CLUSTER_NAME` (same as `EKS_CLUSTER_NAME`).
public enum CoverageFilterKey: String, Sendable, CaseIterable {
    case accountId = "ACCOUNT_ID"
    case resourceType = "RESOURCE_TYPE"
    case coverageStatus = "COVERAGE_STATUS"
    case addonVersion = "ADDON_VERSION"
    case clusterName = "CLUSTER_NAME"
    case ecsClusterName = "ECS_CLUSTER_NAME"
    case managementType = "MANAGEMENT_TYPE"
    case eksClusterName = "EKS_CLUSTER_NAME"
    case agentVersion = "AGENT_VERSION"
    case instanceId = "INSTANCE_ID"
    case clusterArn = "CLUSTER_ARN"
}

/// `CoverageSortKey` of the GuardDuty API.
public enum CoverageSortKey: String, Sendable, CaseIterable {
    case accountId = "ACCOUNT_ID"
    case coverageStatus = "COVERAGE_STATUS"
    case issue = "ISSUE"
    case addonVersion = "ADDON_VERSION"
    case updatedAt = "UPDATED_AT"
    case clusterName = "CLUSTER_NAME"
    case eksClusterName = "EKS_CLUSTER_NAME"
    case ecsClusterName = "ECS_CLUSTER_NAME"
    case instanceId = "INSTANCE_ID"
}

/// One `CoverageFilterCriterion`: every listed criterion must hold. `Equals` holds when the
/// resource's value is one of the list; `NotEquals` when it is none of them.
public struct CoverageFilter: Sendable, Hashable {
    public var key: CoverageFilterKey
    public var equals: [String]?
    public var notEquals: [String]?
    public init(key: CoverageFilterKey, equals: [String]? = nil, notEquals: [String]? = nil) {
        self.key = key
        self.equals = equals
        self.notEquals = notEquals
    }
}

public struct CoverageSort: Sendable, Hashable {
    public var key: CoverageSortKey
    public var descending: Bool
    public init(key: CoverageSortKey, descending: Bool = false) {
        self.key = key
        self.descending = descending
    }
}

/// A usage error in `--filter-criteria`, `--sort-criteria`, `--max-results` or `--next-token`.
public struct CoverageQueryError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The request side of ListCoverage / GetCoverageStatistics, applied to guardpost's predictions.
public struct CoverageQuery: Sendable {
    public var filters: [CoverageFilter] = []
    public var sort: CoverageSort?
    /// 1...50, as the API; nil returns every resource (what the AWS CLI's automatic pagination prints).
    public var maxResults: Int?
    public var nextToken: String?

    public init(filters: [CoverageFilter] = [], sort: CoverageSort? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
        self.filters = filters
        self.sort = sort
        self.maxResults = maxResults
        self.nextToken = nextToken
    }

    public static let maxResultsRange = 1...50
    public static let maxCriteria = 50

    // MARK: Parsing the AWS CLI's JSON arguments

    /// Parses `--filter-criteria`: `{"FilterCriterion":[{"CriterionKey":"ACCOUNT_ID","FilterCondition":{"Equals":["111122223333"]}}]}`.
    /// Also reads the request's camelCase spelling (`filterCriterion`, `criterionKey`, `equals`...) and
    /// the user guide's `"EqualsValue": "111122223333"` (a single string or a list).
    public static func parseFilterCriteria(_ text: String) throws -> [CoverageFilter] {
        let root = try json(text, name: "--filter-criteria")
        guard let entries = root.entries else { throw located(root, "--filter-criteria must be a JSON object with FilterCriterion") }
        var out: [CoverageFilter] = []
        for e in entries {
            guard e.key == "FilterCriterion" || e.key == "filterCriterion" else {
                throw located(e.value, "unknown field '\(e.key)' in --filter-criteria (expected FilterCriterion)", e.keyLocation)
            }
            guard let items = e.value.items else { throw located(e.value, "FilterCriterion must be a list") }
            guard items.count <= maxCriteria else { throw located(e.value, "FilterCriterion has \(items.count) entries; the API allows at most \(maxCriteria)") }
            for item in items { out.append(try criterion(item)) }
        }
        return out
    }

    static func criterion(_ item: Node) throws -> CoverageFilter {
        guard let entries = item.entries else { throw located(item, "a filter criterion must be an object with CriterionKey and FilterCondition") }
        var key: CoverageFilterKey?
        var equals: [String]?
        var notEquals: [String]?
        var sawCondition = false
        for e in entries {
            switch e.key {
            case "CriterionKey", "criterionKey":
                guard let s = e.value.string else { throw located(e.value, "CriterionKey must be a string") }
                guard let k = CoverageFilterKey(rawValue: s) else {
                    throw located(e.value, "unknown CriterionKey '\(s)' (expected one of \(CoverageFilterKey.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                key = k
            case "FilterCondition", "filterCondition":
                sawCondition = true
                guard let conditions = e.value.entries else { throw located(e.value, "FilterCondition must be an object with Equals or NotEquals") }
                for c in conditions {
                    switch c.key {
                    case "Equals", "equals", "EqualsValue":
                        equals = (equals ?? []) + (try strings(c.value, c.key))
                    case "NotEquals", "notEquals":
                        notEquals = (notEquals ?? []) + (try strings(c.value, c.key))
                    default:
                        throw located(c.value, "unknown condition '\(c.key)' in FilterCondition (expected Equals, NotEquals or EqualsValue)", c.keyLocation)
                    }
                }
            default:
                throw located(e.value, "unknown field '\(e.key)' in a filter criterion (expected CriterionKey, FilterCondition)", e.keyLocation)
            }
        }
        guard let key else { throw located(item, "a filter criterion needs a CriterionKey") }
        guard sawCondition, equals != nil || notEquals != nil else { throw located(item, "filter on \(key.rawValue) needs a FilterCondition with Equals or NotEquals") }
        return CoverageFilter(key: key, equals: equals, notEquals: notEquals)
    }

    static func strings(_ node: Node, _ field: String) throws -> [String] {
        if let s = node.scalarText, node.isScalar, !node.isNull { return [s] }
        guard let items = node.items else { throw located(node, "\(field) must be a list of strings") }
        return try items.map { item in
            guard item.isScalar, !item.isNull, let s = item.scalarText else { throw located(item, "\(field) must be a list of strings") }
            return s
        }
    }

    /// Parses `--sort-criteria`: `{"AttributeName": "EKS_CLUSTER_NAME", "OrderBy": "DESC"}` (OrderBy defaults to ASC).
    public static func parseSortCriteria(_ text: String) throws -> CoverageSort {
        let root = try json(text, name: "--sort-criteria")
        guard let entries = root.entries else { throw located(root, "--sort-criteria must be a JSON object with AttributeName and OrderBy") }
        var key: CoverageSortKey?
        var descending = false
        for e in entries {
            switch e.key {
            case "AttributeName", "attributeName":
                guard let s = e.value.string, let k = CoverageSortKey(rawValue: s) else {
                    throw located(e.value, "unknown AttributeName \(e.value.scalarText.map { "'\($0)'" } ?? e.value.kindName) (expected one of \(CoverageSortKey.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                key = k
            case "OrderBy", "orderBy":
                switch e.value.string {
                case "ASC": descending = false
                case "DESC": descending = true
                default: throw located(e.value, "OrderBy must be ASC or DESC")
                }
            default:
                throw located(e.value, "unknown field '\(e.key)' in --sort-criteria (expected AttributeName, OrderBy)", e.keyLocation)
            }
        }
        guard let key else { throw located(root, "--sort-criteria needs an AttributeName") }
        return CoverageSort(key: key, descending: descending)
    }

    public static func validateMaxResults(_ n: Int) throws {
        guard maxResultsRange.contains(n) else {
            throw CoverageQueryError("--max-results must be between \(maxResultsRange.lowerBound) and \(maxResultsRange.upperBound) (the ListCoverage API's range), not \(n)")
        }
    }

    static func json(_ text: String, name: String) throws -> Node {
        do { return try JSONReader.parse(text, file: SourceFile(path: name)) } catch let e as ParseError {
            throw CoverageQueryError("\(name): line \(e.location.line), column \(e.location.column): \(e.message)")
        }
    }

    static func located(_ node: Node, _ message: String, _ at: Location? = nil) -> CoverageQueryError {
        let l = at ?? node.location
        return CoverageQueryError("\(l.file.path): line \(l.line), column \(l.column): \(message)")
    }

    // MARK: Applying

    /// The value a criterion key takes for an EKS cluster; nil when the key does not apply to EKS
    /// (ECS cluster name, EC2 agent version, instance id, the ECS cluster ARN of an EC2 instance).
    public static func value(_ key: CoverageFilterKey, of c: ClusterCoverage) -> String? {
        switch key {
        case .accountId: return c.accountId ?? CoveragePlaceholder.unknown
        case .resourceType: return "EKS"
        case .coverageStatus: return c.status.rawValue
        case .addonVersion: return c.addonVersion ?? CoveragePlaceholder.unknown
        case .clusterName, .eksClusterName: return c.clusterName
        case .managementType: return c.managementType ?? CoveragePlaceholder.unknown
        case .ecsClusterName, .agentVersion, .instanceId, .clusterArn: return nil
        }
    }

    public func matches(_ c: ClusterCoverage) -> Bool {
        for f in filters {
            let v = Self.value(f.key, of: c)
            if let eq = f.equals, !(v.map { eq.contains($0) } ?? false) { return false }
            if let ne = f.notEquals, let v, ne.contains(v) { return false }
        }
        return true
    }

    static func sortValue(_ key: CoverageSortKey, of c: ClusterCoverage) -> String? {
        switch key {
        case .accountId: return c.accountId ?? CoveragePlaceholder.unknown
        case .coverageStatus: return c.status.rawValue
        case .issue: return c.issue
        case .addonVersion: return c.addonVersion ?? CoveragePlaceholder.unknown
        case .updatedAt: return nil // every prediction carries the same timestamp
        case .clusterName, .eksClusterName: return c.clusterName
        case .ecsClusterName, .instanceId: return nil
        }
    }

    /// The natural order when no sort is asked, and the tie-breaker of every sort: cluster name,
    /// account, region, then where the cluster is declared.
    static func naturalKey(_ c: ClusterCoverage) -> [String] {
        [c.clusterName, c.accountId ?? "", c.region ?? "", c.file, String(repeating: "0", count: max(0, 10 - String(c.line).count)) + String(c.line), c.clusterAddress]
    }

    /// Filters and sorts (the whole result, before paging).
    public func select(_ clusters: [ClusterCoverage]) -> [ClusterCoverage] {
        let kept = clusters.filter(matches)
        return kept.sorted { a, b in
            if let sort {
                let va = Self.sortValue(sort.key, of: a), vb = Self.sortValue(sort.key, of: b)
                if va != vb {
                    // A missing value sorts before any value in ascending order.
                    switch (va, vb) {
                    case (nil, _): return !sort.descending
                    case (_, nil): return sort.descending
                    case let (x?, y?): return sort.descending ? x > y : x < y
                    }
                }
            }
            return Self.naturalKey(a).lexicographicallyPrecedes(Self.naturalKey(b))
        }
    }

    /// One page: the clusters from the token's offset, at most `maxResults`, and the token of the next page.
    public func page(_ clusters: [ClusterCoverage]) throws -> (clusters: [ClusterCoverage], nextToken: String?) {
        let all = select(clusters)
        var start = 0
        if let nextToken { start = try Self.offset(token: nextToken, fingerprint: fingerprint) }
        guard start < all.count else { return ([], nil) }
        guard let maxResults else { return (Array(all[start...]), nil) }
        let end = min(all.count, start + maxResults)
        return (Array(all[start..<end]), end < all.count ? Self.token(offset: end, fingerprint: fingerprint) : nil)
    }

    // MARK: Tokens

    /// What a token is bound to: the filters and the sort (not the page size, which may change between pages).
    var fingerprint: String {
        var text = ""
        for f in filters {
            text += "f:\(f.key.rawValue)|eq:\(f.equals?.joined(separator: "\u{1F}") ?? "-")|ne:\(f.notEquals?.joined(separator: "\u{1F}") ?? "-");"
        }
        if let sort { text += "s:\(sort.key.rawValue):\(sort.descending ? "DESC" : "ASC")" }
        return ReportHash.hex(ReportHash.fnv1a(text))
    }

    static let tokenPrefix = "gp1."

    /// `gp1.<offset>.<fingerprint>`: opaque to scripts, but checked, so a token from another query is refused.
    static func token(offset: Int, fingerprint: String) -> String { "\(tokenPrefix)\(offset).\(fingerprint)" }

    static func offset(token: String, fingerprint: String) throws -> Int {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.hasPrefix(tokenPrefix), parts.count == 3, let n = Int(parts[1]), n >= 0 else {
            throw CoverageQueryError("--next-token '\(token)' is not a token guardpost wrote (use the NextToken of the previous page)")
        }
        guard parts[2] == Substring(fingerprint) else {
            throw CoverageQueryError("--next-token was written for other --filter-criteria or --sort-criteria; repeat the same criteria as the first page")
        }
        return n
    }
}
