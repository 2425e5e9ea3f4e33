import GuardpostDocuments
import GuardpostModel
import GuardpostChecks

/// SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps, IDE viewers).
///
/// One run: every rule with its whole documentation, one result per finding with a content fingerprint
/// (so an alert survives line shifts), suppressed findings carried as SARIF `suppressions`, and input
/// problems (parse errors...) as tool execution notifications. No timestamps: same scan, same bytes.
public struct SARIFReport: Sendable {
    public static let version = "2.1.0"
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    /// The `partialFingerprints` key. Its value is `Finding.fingerprint` (rule, resource, attribute,
    /// cluster); bump the `/v1` if that computation ever changes, so consumers do not mix the two.
    public static let fingerprintKey = "guardpostFindingHash/v1"
    /// Relative paths are relative to the checkout root; code scanning resolves this base itself.
    public static let sourceRoot = "%SRCROOT%"

    /// The run's category (`automationDetails.id` is `category/`): distinguishes several guardpost
    /// uploads to the same repository.
    public var category: String

    public init(category: String = "guardpost") {
        self.category = category
    }

    public func render(_ result: ScanResult) -> String { value(result).render() }

    public func value(_ result: ScanResult) -> JSONValue {
        let rules = Self.ruleTable(result)
        let ruleIndex = Dictionary(rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })

        var seen: [String: Int] = [:]
        let results: [JSONValue] = result.findings.map { f in
            // Two findings with the same content (two parse errors in one file) get distinct fingerprints,
            // numbered in the findings' total order.
            seen[f.fingerprint, default: 0] += 1
            let n = seen[f.fingerprint]!
            return self.result(f, ruleIndex: ruleIndex[f.ruleId], fingerprint: n == 1 ? f.fingerprint : "\(f.fingerprint):\(n)")
        }

        let notifications: [JSONValue] = result.diagnostics.map { notification($0, gp001Index: ruleIndex["GP001"]) }
        let invocation: JSONValue = .object([
            ("executionSuccessful", .bool(true)),
            ("toolExecutionNotifications", .array(notifications)),
        ])

        var driver: [(String, JSONValue)] = [
            ("name", "guardpost"),
            ("fullName", "guardpost: GuardDuty EKS Runtime Monitoring coverage checker"),
            ("version", .string(GuardpostVersion.current)),
            ("semanticVersion", .string(GuardpostVersion.current)),
        ]
        driver.append(("rules", .array(rules.map(ruleDescriptor))))
        driver.append(("notifications", .array(Self.notificationKinds.map { kind, text in
            .object([("id", .string(kind.rawValue)), ("shortDescription", .object([("text", .string(text))]))])
        })))

        let run: JSONValue = .object([
            ("tool", .object([("driver", .object(driver))])),
            ("automationDetails", .object([("id", .string("\(category)/"))])),
            ("invocations", .array([invocation])),
            ("columnKind", "unicodeCodePoints"),
            ("results", .array(results)),
            ("properties", .object([
                ("knowledgeDate", .string(result.knowledgeDate)),
                ("coverage", ReportEncoding.statistics(result.statistics)),
            ])),
        ])
        return .object([
            ("$schema", .string(Self.schemaURI)),
            ("version", .string(Self.version)),
            ("runs", .array([run])),
        ])
    }

    // MARK: Rules

    /// Every rule of the scan, by id; a rule that only appears in a finding gets a bare entry so that
    /// every `ruleIndex` points somewhere.
    static func ruleTable(_ result: ScanResult) -> [RuleMetadata] {
        var byId: [String: RuleMetadata] = [:]
        for r in result.rules where byId[r.id] == nil { byId[r.id] = r }
        for f in result.findings where byId[f.ruleId] == nil {
            byId[f.ruleId] = RuleMetadata(id: f.ruleId, name: f.ruleId, title: f.ruleId, severity: f.severity, issueType: nil,
                                          rationale: "", remediation: [:], documentation: "", examples: [])
        }
        return byId.values.sorted { $0.id < $1.id }
    }

    func ruleDescriptor(_ r: RuleMetadata) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("id", .string(r.id)),
            ("name", .string(r.name)),
            ("shortDescription", .object([("text", .string(r.title))])),
            ("fullDescription", .object([("text", .string(r.rationale.isEmpty ? r.title : r.rationale))])),
            ("help", .object([("text", .string(RuleHelp.text(r))), ("markdown", .string(RuleHelp.markdown(r)))])),
        ]
        if RuleHelp.isAbsoluteURL(r.documentation) { fields.append(("helpUri", .string(r.documentation))) }
        fields.append(("defaultConfiguration", .object([("level", .string(Self.level(r.severity)))])))
        var properties: [(String, JSONValue)] = [
            ("security-severity", .string(Self.securitySeverity(r.severity))),
            ("tags", ["security", "guardduty", "eks"]),
            ("precision", "high"),
        ]
        if let issue = r.issueType { properties.append(("guarddutyIssueType", .string(issue))) }
        fields.append(("properties", .object(properties)))
        return .object(fields)
    }

    /// error -> `error`, warning -> `warning`, info -> `note`.
    public static func level(_ s: Severity) -> String {
        switch s {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }

    /// GitHub's `security-severity` (0.0-10.0; above 7.0 is "high", 4.0-6.9 "medium", below "low").
    public static func securitySeverity(_ s: Severity) -> String {
        switch s {
        case .error: return "8.0"
        case .warning: return "5.0"
        case .info: return "2.0"
        }
    }

    // MARK: Results

    func result(_ f: Finding, ruleIndex: Int?, fingerprint: String) -> JSONValue {
        var fields: [(String, JSONValue)] = [("ruleId", .string(f.ruleId))]
        if let i = ruleIndex { fields.append(("ruleIndex", .int(i))) }
        fields.append(("level", .string(Self.level(f.severity))))
        var text = f.message
        if let issue = f.predictedIssue { text += ". Predicted GuardDuty coverage issue: \(issue.text)" }
        else if case .notMonitored(let why) = f.effect { text += ". Predicted: not monitored (\(why))" }
        fields.append(("message", .object([("text", .string(text))])))
        var location: [(String, JSONValue)] = []
        if let physical = Self.physicalLocation(f.location) { location.append(("physicalLocation", physical)) }
        location.append(("logicalLocations", .array([.object([("fullyQualifiedName", .string(f.resource)), ("kind", "resource")])])))
        fields.append(("locations", .array([.object(location)])))
        fields.append(("partialFingerprints", .object([(Self.fingerprintKey, .string(fingerprint))])))
        if let s = f.suppression {
            fields.append(("suppressions", .array([.object([
                ("kind", "external"),
                ("status", "accepted"),
                ("justification", .string(s.justification)),
                ("properties", .object([("source", .string(s.source))])),
            ])])))
        }
        var properties: [(String, JSONValue)] = [("resource", .string(f.resource))]
        if let a = f.attribute { properties.append(("attribute", .string(a))) }
        if let c = f.cluster { properties.append(("cluster", .string(c))) }
        switch f.effect {
        case .unhealthy(let issue):
            properties.append(("coverageEffect", "unhealthy"))
            properties.append(("guarddutyIssueType", .string(issue.type)))
            properties.append(("guarddutyIssue", .string(issue.text)))
        case .notMonitored(let why):
            properties.append(("coverageEffect", "not-monitored"))
            properties.append(("notMonitoredReason", .string(why)))
        case .none:
            properties.append(("coverageEffect", "none"))
        }
        if !f.remediation.isEmpty { properties.append(("remediation", .string(f.remediation))) }
        if !f.assumptions.isEmpty { properties.append(("assumptions", .array(f.assumptions.map { .string($0) }))) }
        fields.append(("properties", .object(properties)))
        return .object(fields)
    }

    /// nil for standard input, which has no artifact to point at.
    static func physicalLocation(_ l: Location) -> JSONValue? {
        guard l.file.path != "-" else { return nil }
        return .object([("artifactLocation", artifactLocation(l.file.path)), ("region", region(l))])
    }

    /// Columns are 1-based code points (`columnKind`); the end is exclusive, as SARIF wants it.
    static func region(_ l: Location) -> JSONValue {
        let startLine = max(1, l.start.line)
        let startColumn = max(1, l.start.column)
        var endLine = max(startLine, l.end.line)
        var endColumn = max(1, l.end.column)
        if endLine == startLine && endColumn < startColumn { endLine = startLine; endColumn = startColumn }
        return .object([("startLine", .int(startLine)), ("startColumn", .int(startColumn)),
                        ("endLine", .int(endLine)), ("endColumn", .int(endColumn))])
    }

    /// The path as given, percent-encoded: relative paths against `%SRCROOT%`, absolute ones as `file://`.
    static func artifactLocation(_ path: String) -> JSONValue {
        if path.hasPrefix("/") { return .object([("uri", .string("file://" + percentEncoded(path)))]) }
        var p = Substring(path)
        while p.hasPrefix("./") { p = p.dropFirst(2) }
        return .object([("uri", .string(percentEncoded(String(p)))), ("uriBaseId", .string(sourceRoot))])
    }

    /// Keeps RFC 3986 unreserved characters and `/`; encodes every other byte of the UTF-8 form.
    static func percentEncoded(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        let hex = Array("0123456789ABCDEF")
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out.append("%")
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0F)])
            }
        }
        return out
    }

    // MARK: Notifications

    static let notificationKinds: [(Diagnostic.Kind, String)] = [
        (.parseError, "An input file could not be parsed (syntax, encoding or a size/depth limit)."),
        (.unreadable, "An input file could not be read."),
        (.unsupported, "An input file, or part of it, is not something guardpost reads."),
        (.evaluation, "A value in an input could not be evaluated and is treated as unknown."),
    ]

    func notification(_ d: Diagnostic, gp001Index: Int?) -> JSONValue {
        let level: String
        switch d.severity {
        case .error: level = "error"
        case .warning: level = "warning"
        case .info: level = "note"
        }
        var fields: [(String, JSONValue)] = [("level", .string(level)), ("message", .object([("text", .string(d.message))]))]
        if let physical = Self.physicalLocation(d.location) { fields.append(("locations", .array([.object([("physicalLocation", physical)])]))) }
        var descriptor: [(String, JSONValue)] = [("id", .string(d.kind.rawValue))]
        if let i = Self.notificationKinds.firstIndex(where: { $0.0 == d.kind }) { descriptor.append(("index", .int(i))) }
        fields.append(("descriptor", .object(descriptor)))
        // Error-level input problems are also results of GP001 (fail closed).
        if d.severity == .error, let i = gp001Index { fields.append(("associatedRule", .object([("id", "GP001"), ("index", .int(i))]))) }
        return .object(fields)
    }
}

/// A rule's documentation as plain text and as Markdown (SARIF `help`, pull-request comments).
enum RuleHelp {
    static func isAbsoluteURL(_ s: String) -> Bool { s.hasPrefix("https://") || s.hasPrefix("http://") }

    static func text(_ r: RuleMetadata) -> String {
        var out = "\(r.id) \(r.name): \(r.title)\n"
        if !r.rationale.isEmpty { out += "\nWhy: \(r.rationale)\n" }
        if let issue = r.issueType { out += "\nPredicted GuardDuty coverage issue: \(issue)\n" }
        for format in InputFormat.allCases {
            guard let fix = r.remediation[format] else { continue }
            out += "\nFix (\(format.displayName)):\n\(fix)\n"
        }
        if !r.documentation.isEmpty { out += "\nDocumentation: \(r.documentation)\n" }
        return out
    }

    static func markdown(_ r: RuleMetadata) -> String {
        var out = "**\(r.id) \(r.name)**: \(MarkdownText.escape(r.title))\n"
        if !r.rationale.isEmpty { out += "\n\(MarkdownText.escape(r.rationale))\n" }
        if let issue = r.issueType { out += "\nPredicted GuardDuty coverage issue: \(MarkdownText.code(issue))\n" }
        for format in InputFormat.allCases {
            guard let fix = r.remediation[format] else { continue }
            out += "\n#### Fix (\(format.displayName))\n\n\(MarkdownText.codeBlock(fix))\n"
        }
        if isAbsoluteURL(r.documentation) { out += "\n[Documentation](\(r.documentation))\n" }
        else if !r.documentation.isEmpty { out += "\nDocumentation: \(MarkdownText.code(r.documentation))\n" }
        return out
    }
}
