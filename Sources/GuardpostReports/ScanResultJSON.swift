import GuardpostDocuments
import GuardpostChecks

/// An input a report command could not use: what, and where (file:line:column when known).
public struct ReportInputError: Error, Sendable, CustomStringConvertible {
    public var location: Location?
    public var message: String
    public init(_ message: String, at location: Location? = nil) {
        self.location = location
        self.message = message
    }
    public var description: String { location.map { "\($0): \(message)" } ?? message }
}

/// Reads back the clusters of a `guardpost scan --format json` result (so `guardpost diff` can compare
/// results saved by CI runs). Accepts the fields `detectorId` and `desiredNodes` on a cluster when a
/// producer adds them; without them those values stay unknown.
public enum ScanResultJSON {
    public struct Parsed: Sendable {
        public var clusters: [ClusterCoverage]
        public var knowledgeDate: String?
    }

    /// Whether `node` looks like a guardpost scan result (its `schema`).
    public static func isScanResult(_ node: Node) -> Bool {
        node["schema"]?.string == JSONReport.schema
    }

    public static func parse(_ bytes: [UInt8], path: String) throws -> Parsed {
        let file = SourceFile(path: path)
        let root: Node
        do { root = try JSONReader.parse(bytes, file: file) } catch let e as ParseError {
            throw ReportInputError(e.message, at: e.location)
        }
        return try parse(root)
    }

    public static func parse(_ root: Node) throws -> Parsed {
        guard isScanResult(root) else {
            throw ReportInputError("not a guardpost scan result (expected \"schema\": \"\(JSONReport.schema)\"; write one with `guardpost scan --format json`)", at: root.location)
        }
        if let v = root["schemaVersion"]?.string, !v.hasPrefix("1.") {
            throw ReportInputError("scan result schemaVersion \(v) is not supported (this guardpost reads 1.x)", at: root["schemaVersion"]?.location)
        }
        guard let clusters = root["coverage"]?["clusters"] else {
            throw ReportInputError("the scan result has no coverage.clusters", at: root.location)
        }
        guard let items = clusters.items else {
            throw ReportInputError("coverage.clusters must be an array", at: clusters.location)
        }
        var byFingerprint: [String: CoverageCause] = [:]
        for f in root["findings"]?.items ?? [] {
            guard let fp = f["fingerprint"]?.string else { continue }
            let loc = f["location"]
            byFingerprint[fp] = CoverageCause(
                ruleId: f["ruleId"]?.string ?? "", ruleName: nil, severity: f["severity"]?.string ?? "",
                message: f["message"]?.string ?? "", file: loc?["file"]?.string ?? "", line: loc?["line"]?.int ?? 0,
                column: loc?["column"]?.int ?? 0, resource: f["resource"]?.string ?? "", attribute: f["attribute"]?.string,
                issue: f["effect"]?["issue"]?.string, notMonitored: f["effect"]?["kind"]?.string == "not-monitored",
                remediation: f["remediation"]?.string ?? "", sourceLine: nil,
                suppressed: !(f["suppression"]?.isNull ?? true), fingerprint: fp)
        }
        var out: [ClusterCoverage] = []
        for c in items {
            guard let name = c["clusterName"]?.string else {
                throw ReportInputError("a cluster without clusterName", at: c.location)
            }
            guard let statusText = c["coverageStatus"]?.string, let status = CoverageStatus(rawValue: statusText) else {
                throw ReportInputError("cluster '\(name)': coverageStatus must be HEALTHY, UNHEALTHY or NOT_MONITORED", at: c["coverageStatus"]?.location ?? c.location)
            }
            let loc = c["location"]
            let causes = (c["findings"]?.items ?? []).compactMap { $0.string.flatMap { byFingerprint[$0] } }
            out.append(ClusterCoverage(
                clusterName: name, clusterAddress: c["clusterAddress"]?.string ?? name, file: loc?["file"]?.string ?? "",
                line: loc?["line"]?.int ?? 0, column: loc?["column"]?.int ?? 0, accountId: c["accountId"]?.string,
                region: c["region"]?.string, detectorId: c["detectorId"]?.string, status: status,
                managementType: c["managementType"]?.string, addonVersion: c["addonVersion"]?.string, issue: c["issue"]?.string,
                reason: c["reason"]?.string, desiredNodes: c["desiredNodes"]?.int,
                cannotVerify: (c["cannotVerify"]?.items ?? []).compactMap(\.string), causes: causes))
        }
        return Parsed(clusters: out, knowledgeDate: root["knowledgeDate"]?.string)
    }
}
