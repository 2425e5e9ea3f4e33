import GuardpostDocuments
import GuardpostModel
import GuardpostChecks

/// The full result as JSON. Schema documented in docs/json-report.md; `schemaVersion` changes when a
/// field changes meaning or is removed (additions keep the version).
public struct JSONReport: Sendable {
    public static let schema = "https://guardpost.dev/schemas/scan-result"
    public static let schemaVersion = "1.0"

    public init() {}

    public func render(_ result: ScanResult) -> String { value(result).render() }

    public func value(_ result: ScanResult) -> JSONValue {
        let active = result.findings.filter { $0.suppression == nil }
        let tool: JSONValue = .object([("name", "guardpost"), ("version", .string(GuardpostVersion.current))])
        let byFormat: [(String, JSONValue)] = result.fileCounts.map { ($0.format, JSONValue.int($0.count)) }
        let errors = active.filter { $0.severity == .error }.count
        let warnings = active.filter { $0.severity == .warning }.count
        let infos = active.filter { $0.severity == .info }.count
        let summary: JSONValue = .object([
            ("files", .int(result.infrastructure.files.count)),
            ("filesByFormat", .object(byFormat)),
            ("errors", .int(errors)),
            ("warnings", .int(warnings)),
            ("infos", .int(infos)),
            ("suppressed", .int(result.findings.count - active.count)),
        ])
        let clusters: [JSONValue] = result.predictions.map { ReportEncoding.prediction($0, result: result) }
        let coverage: JSONValue = .object([("statistics", ReportEncoding.statistics(result.statistics)), ("clusters", .array(clusters))])
        let findings: [JSONValue] = result.findings.map(ReportEncoding.finding)
        let diagnostics: [JSONValue] = result.diagnostics.map(ReportEncoding.diagnostic)
        var fields: [(String, JSONValue)] = []
        fields.append(("schema", .string(Self.schema)))
        fields.append(("schemaVersion", .string(Self.schemaVersion)))
        fields.append(("tool", tool))
        fields.append(("knowledgeDate", .string(result.knowledgeDate)))
        fields.append(("summary", summary))
        fields.append(("coverage", coverage))
        fields.append(("findings", .array(findings)))
        fields.append(("diagnostics", .array(diagnostics)))
        return .object(fields)
    }
}

public enum GuardpostVersion {
    public static let current = "0.1.0"
}

/// Shared JSON shapes, so every JSON-based format describes a finding the same way.
public enum ReportEncoding {
    public static func location(_ l: Location) -> JSONValue {
        .object([("file", .string(l.file.path)), ("line", .int(l.start.line)), ("column", .int(l.start.column)),
                 ("endLine", .int(l.end.line)), ("endColumn", .int(l.end.column))])
    }

    public static func finding(_ f: Finding) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("ruleId", .string(f.ruleId)),
            ("severity", .string(f.severity.rawValue)),
            ("message", .string(f.message)),
            ("location", location(f.location)),
            ("resource", .string(f.resource)),
            ("attribute", .optional(f.attribute)),
            ("cluster", .optional(f.cluster)),
        ]
        switch f.effect {
        case .unhealthy(let issue):
            fields.append(("effect", .object([("kind", "unhealthy"), ("issueType", .string(issue.type)), ("issue", .string(issue.text))])))
        case .notMonitored(let why):
            fields.append(("effect", .object([("kind", "not-monitored"), ("reason", .string(why))])))
        case .none:
            fields.append(("effect", .object([("kind", "none")])))
        }
        fields.append(("remediation", .string(f.remediation)))
        fields.append(("assumptions", .array(f.assumptions.map { .string($0) })))
        fields.append(("fingerprint", .string(f.fingerprint)))
        fields.append(("suppression", f.suppression.map { .object([("justification", .string($0.justification)), ("source", .string($0.source))]) } ?? .null))
        return .object(fields)
    }

    public static func diagnostic(_ d: Diagnostic) -> JSONValue {
        .object([("kind", .string(d.kind.rawValue)), ("severity", .string(d.severity.rawValue)),
                 ("message", .string(d.message)), ("location", location(d.location))])
    }

    public static func statistics(_ s: CoverageStatistics) -> JSONValue {
        .object([("total", .int(s.total)), ("healthy", .int(s.healthy)), ("unhealthy", .int(s.unhealthy)),
                 ("notMonitored", .int(s.notMonitored)), ("healthyPercentage", s.percentage.map { .double(($0 * 100).rounded() / 100) } ?? .null)])
    }

    public static func prediction(_ p: CoveragePrediction, result: ScanResult) -> JSONValue {
        .object([
            ("clusterName", .string(p.clusterName)),
            ("clusterAddress", .string(p.clusterAddress)),
            ("location", location(p.location)),
            ("accountId", .optional(p.accountId)),
            ("region", .optional(p.region)),
            ("coverageStatus", .string(p.status.rawValue)),
            ("managementType", .optional(p.managementType?.rawValue)),
            ("addonVersion", .optional(p.addonVersion)),
            ("issue", .optional(p.issue)),
            ("reason", .optional(p.reason)),
            ("cannotVerify", .array(p.unverified.map { .string($0) })),
            ("findings", .array(p.findingIndexes.map { .string(result.findings[$0].fingerprint) })),
        ])
    }
}
