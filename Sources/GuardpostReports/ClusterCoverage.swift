import GuardpostDocuments
import GuardpostModel
import GuardpostChecks

/// What the GuardDuty-shaped outputs print for a value guardpost does not know (an account that no
/// `.guardpost.yml` maps, a detector id that only exists after apply). Never an invented id.
public enum CoveragePlaceholder {
    public static let unknown = "unknown"
}

/// One finding about a cluster, as the coverage formats show it (the cause behind an issue).
public struct CoverageCause: Sendable {
    public var ruleId: String
    public var ruleName: String?
    public var severity: String
    public var message: String
    public var file: String
    public var line: Int
    public var column: Int
    public var resource: String
    public var attribute: String?
    /// The GuardDuty issue this finding predicts (`Type: extra`), when it predicts one.
    public var issue: String?
    /// Whether the finding predicts that GuardDuty would not monitor the cluster.
    public var notMonitored: Bool = false
    public var remediation: String
    /// The source line the finding points at, when it could be read.
    public var sourceLine: String?
    public var suppressed: Bool
    /// Stable across line shifts (the JSON report's `fingerprint`).
    public var fingerprint: String
    /// The finding's index in the scan result (nil when read back from a saved result).
    public var findingIndex: Int?

    public var locationText: String { "\(file):\(line):\(column)" }
}

/// One cluster's predicted coverage in the terms of every API-shaped and HTML format. Built from a scan
/// (`init(result:accounts:)`) or read back from `guardpost scan --format json` (`ScanResultJSON`).
public struct ClusterCoverage: Sendable {
    public var clusterName: String
    /// The cluster's address in its input (`aws_eks_cluster.prod`, a logical id).
    public var clusterAddress: String
    public var file: String
    public var line: Int
    public var column: Int
    public var accountId: String?
    public var region: String?
    /// The GuardDuty detector id, when the scan knows it (an existing detector in a plan).
    public var detectorId: String?
    public var status: CoverageStatus
    /// `AUTO_MANAGED`, `MANUAL`, `DISABLED`, or nil when not known.
    public var managementType: String?
    public var addonVersion: String?
    public var issue: String?
    /// Why the cluster is not monitored (status NOT_MONITORED).
    public var reason: String?
    /// The sum of the node groups' desired sizes, when every one is known.
    public var desiredNodes: Int?
    public var cannotVerify: [String]
    /// Every finding about the cluster, in the scan's order.
    public var causes: [CoverageCause]

    public var locationText: String { "\(file):\(line):\(column)" }

    /// The findings behind the prediction: those whose issue is the cluster's issue (else every finding
    /// that predicts an issue), or those that make it not monitored. Suppressed findings are left out.
    public var issueCauses: [CoverageCause] {
        let active = causes.filter { !$0.suppressed }
        if status == .notMonitored { return active.filter(\.notMonitored) }
        if let issue {
            let exact = active.filter { $0.issue == issue }
            if !exact.isEmpty { return exact }
        }
        return active.filter { $0.issue != nil }
    }

    public init(clusterName: String, clusterAddress: String, file: String, line: Int, column: Int, accountId: String?,
                region: String?, detectorId: String?, status: CoverageStatus, managementType: String?, addonVersion: String?,
                issue: String?, reason: String?, desiredNodes: Int?, cannotVerify: [String], causes: [CoverageCause]) {
        self.clusterName = clusterName
        self.clusterAddress = clusterAddress
        self.file = file
        self.line = line
        self.column = column
        self.accountId = accountId
        self.region = region
        self.detectorId = detectorId
        self.status = status
        self.managementType = managementType
        self.addonVersion = addonVersion
        self.issue = issue
        self.reason = reason
        self.desiredNodes = desiredNodes
        self.cannotVerify = cannotVerify
        self.causes = causes
    }

    /// The clusters of a scan. `accounts` (the run's `.guardpost.yml`) lets the detector id be found
    /// through the GuardDuty features that govern each cluster; without it the id stays unknown.
    public static func all(_ result: ScanResult, accounts: AccountContext? = nil) -> [ClusterCoverage] {
        let names = Dictionary(result.rules.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let infra = result.infrastructure
        return result.predictions.enumerated().map { index, p in
            var detector: String?
            if let accounts, index < infra.clusters.count {
                detector = detectorId(cluster: index, infrastructure: infra, accounts: accounts)
            }
            let causes = p.findingIndexes.map { i -> CoverageCause in
                let f = result.findings[i]
                return CoverageCause(ruleId: f.ruleId, ruleName: names[f.ruleId], severity: f.severity.rawValue, message: f.message,
                                     file: f.location.file.path, line: f.location.line, column: f.location.column,
                                     resource: f.resource, attribute: f.attribute, issue: f.predictedIssue?.text,
                                     notMonitored: { if case .notMonitored = f.effect { return true }; return false }(),
                                     remediation: f.remediation, sourceLine: result.snippets["\(f.location.file.path):\(f.location.line)"],
                                     suppressed: f.suppression != nil, fingerprint: f.fingerprint, findingIndex: i)
            }
            return ClusterCoverage(clusterName: p.clusterName, clusterAddress: p.clusterAddress, file: p.location.file.path,
                                   line: p.location.line, column: p.location.column, accountId: p.accountId, region: p.region,
                                   detectorId: detector, status: p.status, managementType: p.managementType?.rawValue,
                                   addonVersion: p.addonVersion, issue: p.issue, reason: p.reason, desiredNodes: p.desiredNodes,
                                   cannotVerify: p.unverified, causes: causes)
        }
    }

    /// The detector id written in the scan for the features that govern the cluster: a feature's
    /// `detector_id`, or the `id` of the detector that holds the feature. Nil when none is known
    /// (a detector created by the same plan or template has no id before apply).
    static func detectorId(cluster index: Int, infrastructure infra: Infrastructure, accounts: AccountContext) -> String? {
        let cc = ClusterContext.resolve(cluster: index, infrastructure: infra, accounts: accounts)
        for f in cc.features.sorted() {
            if let id = infra.features[f].resource.attributes["detector_id"]?.string, !id.isEmpty { return id }
            if let d = infra.detectors.first(where: { $0.featureIndexes.contains(f) }),
               let id = d.resource.attributes["id"]?.string, !id.isEmpty {
                return id
            }
        }
        return nil
    }
}
