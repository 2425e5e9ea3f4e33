import GuardpostDocuments
import GuardpostModel
import GuardpostChecks

/// GitHub Actions workflow commands: one annotation per active finding
/// (`::error file=F,line=L,col=C,endLine=L,endColumn=C,title=T::message`), then a plain summary line.
///
/// Input text is escaped the way the runner unescapes it, so a resource name cannot end the command
/// early or start a new one: in the message `%` `\r` `\n` become `%25` `%0D` `%0A`; in a property also
/// `:` and `,` become `%3A` and `%2C`. Other control characters (ANSI escapes) are shown as `\u{1b}`.
/// Suppressed findings are not annotated; they are counted in the summary.
public struct GitHubReport: Sendable {
    public init() {}

    public func render(_ result: ScanResult) -> String {
        let names = Dictionary(result.rules.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var out = ""
        for f in result.findings where f.suppression == nil {
            out += annotation(f, ruleName: names[f.ruleId])
        }
        out += summary(result)
        return out
    }

    func annotation(_ f: Finding, ruleName: String?) -> String {
        let command: String
        switch f.severity {
        case .error: command = "error"
        case .warning: command = "warning"
        case .info: command = "notice"
        }
        var properties: [(String, String)] = []
        let l = f.location
        if l.file.path != "-" {
            properties.append(("file", l.file.path))
            let endLine = max(l.start.line, l.end.line)
            properties.append(("line", String(l.start.line)))
            // Columns only on a one-line region: GitHub ignores (or rejects) them across lines.
            if endLine == l.start.line {
                properties.append(("col", String(l.start.column)))
                properties.append(("endLine", String(endLine)))
                properties.append(("endColumn", String(max(l.start.column, l.end.column))))
            } else {
                properties.append(("endLine", String(endLine)))
            }
        }
        properties.append(("title", "\(f.ruleId)\(ruleName.map { " \($0)" } ?? "")"))
        var message = f.message
        if let issue = f.predictedIssue { message += "\nPredicted GuardDuty issue: \(issue.text)" }
        else if case .notMonitored(let why) = f.effect { message += "\nPredicted: not monitored (\(why))" }
        if !f.remediation.isEmpty { message += "\nFix: \(f.remediation)" }
        let props = properties.map { "\($0.0)=\(Self.escapeProperty($0.1))" }.joined(separator: ",")
        return "::\(command) \(props)::\(Self.escapeData(message))\n"
    }

    /// Counts only: a plain log line never carries input text.
    func summary(_ result: ScanResult) -> String {
        let active = result.findings.filter { $0.suppression == nil }
        let e = active.filter { $0.severity == .error }.count
        let w = active.filter { $0.severity == .warning }.count
        let i = active.filter { $0.severity == .info }.count
        var out = "guardpost: \(e) error\(e == 1 ? "" : "s"), \(w) warning\(w == 1 ? "" : "s"), \(i) info"
        let suppressed = result.findings.count - active.count
        if suppressed > 0 { out += ", \(suppressed) suppressed" }
        let s = result.statistics
        if s.total > 0 {
            out += "; coverage prediction: \(s.healthy) of \(s.total) cluster\(s.total == 1 ? "" : "s") healthy"
            if let pct = s.percentage { out += " (\(formatPercent(pct)))" }
        } else {
            out += "; no EKS cluster in the scan"
        }
        return out + ".\n"
    }

    /// A command's message: `%` -> `%25`, `\r` -> `%0D`, `\n` -> `%0A`.
    public static func escapeData(_ s: String) -> String { escape(s, property: false) }

    /// A command's property value: as data, plus `:` -> `%3A`, `,` -> `%2C`.
    public static func escapeProperty(_ s: String) -> String { escape(s, property: true) }

    static func escape(_ s: String, property: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            case ":" where property: out += "%3A"
            case "," where property: out += "%2C"
            default:
                if MarkdownText.isControl(scalar) && scalar != "\t" {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
