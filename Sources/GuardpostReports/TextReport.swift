import GuardpostDocuments
import GuardpostModel
import GuardpostChecks

/// Human output that reads like a good compiler: `file:line:col: severity: [ID name] message`, the
/// source line with a caret, the predicted GuardDuty issue and the fix; then a coverage summary.
public struct TextReport: Sendable {
    public var color: Bool
    public var showInfo: Bool

    public init(color: Bool = false, showInfo: Bool = true) {
        self.color = color
        self.showInfo = showInfo
    }

    func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    public func render(_ result: ScanResult) -> String {
        var out = ""
        let names = Dictionary(result.rules.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var shown = 0
        // Many findings share a remediation (one per cluster for the same policy): render each once.
        var renderedFixes: [String: String] = [:]
        for f in result.findings where showInfo || f.severity != .info {
            shown += 1
            let sev: String
            switch f.severity {
            case .error: sev = paint("error", "1;31")
            case .warning: sev = paint("warning", "1;33")
            case .info: sev = paint("info", "1;36")
            }
            let rule = "[\(f.ruleId)\(names[f.ruleId].map { " \($0)" } ?? "")]"
            out += "\(Sanitize.terminal(f.location.description)): \(sev): \(rule) \(Sanitize.terminal(f.message))"
            if let s = f.suppression { out += " (suppressed: \(Sanitize.terminal(s.justification)))" }
            out += "\n"
            if let line = result.snippets["\(f.location.file.path):\(f.location.line)"] {
                let number = String(f.location.line)
                let pad = String(repeating: " ", count: number.count)
                let text = Sanitize.terminal(line)
                out += " \(number) | \(text)\n"
                let caretColumn = max(1, f.location.column)
                let prefix = caretPrefix(line, caretColumn - 1)
                out += " \(pad) | \(prefix)\(paint("^", "1;32"))\n"
            }
            if let issue = f.predictedIssue {
                out += "  = predicted GuardDuty issue: \(Sanitize.terminal(issue.text))\n"
            } else if case .notMonitored(let why) = f.effect {
                out += "  = predicted: not monitored (\(Sanitize.terminal(why)))\n"
            }
            if !f.assumptions.isEmpty { out += "  = rests on assumption: \(f.assumptions.joined(separator: ", "))\n" }
            if f.severity != .info || !f.remediation.isEmpty {
                let fix = renderedFixes[f.remediation] ?? Sanitize.terminalLines(f.remediation).replacingNewlines(with: "\n         ")
                renderedFixes[f.remediation] = fix
                if !fix.isEmpty { out += "  = fix: \(fix)\n" }
            }
            out += "\n"
        }
        out += coverage(result)
        out += summary(result, shown: shown)
        return out
    }

    /// The first `count` characters of `line` as blanks (tabs kept), so that a caret lines up.
    func caretPrefix(_ line: String, _ count: Int) -> String {
        // ASCII (the usual case): one byte per character.
        let bytes = line.utf8.prefix(max(0, count))
        if bytes.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: bytes.map { $0 == 0x09 ? 0x09 : 0x20 }, as: UTF8.self)
        }
        return String(line.prefix(count)).map { $0 == "\t" ? "\t" : " " }.joined()
    }

    func coverage(_ result: ScanResult) -> String {
        guard !result.predictions.isEmpty else { return "Coverage prediction: no EKS cluster in the scan.\n" }
        var out = "Coverage prediction (\(result.predictions.count) cluster\(result.predictions.count == 1 ? "" : "s")"
        if let pct = result.statistics.percentage { out += ", \(formatPercent(pct)) healthy" }
        out += "):\n"
        for p in result.predictions {
            let status: String
            switch p.status {
            case .healthy: status = paint("HEALTHY", "1;32")
            case .unhealthy: status = paint("UNHEALTHY", "1;31")
            case .notMonitored: status = paint("NOT MONITORED", "1;33")
            }
            out += "  \(Sanitize.terminal(p.clusterName))  \(status)  \(p.managementType?.rawValue ?? "management unknown")"
            if let v = p.addonVersion { out += "  agent \(Sanitize.terminal(v))" }
            out += "  (\(Sanitize.terminal(p.clusterAddress)), \(Sanitize.terminal(p.location.description)))\n"
            if let issue = p.issue { out += "      issue: \(Sanitize.terminal(issue))\n" }
            if let reason = p.reason { out += "      reason: \(Sanitize.terminal(reason))\n" }
            for u in p.unverified { out += "      cannot verify: \(Sanitize.terminal(u))\n" }
        }
        return out
    }

    func summary(_ result: ScanResult, shown: Int) -> String {
        let counts = Dictionary(grouping: result.findings.filter { $0.suppression == nil }, by: \.severity).mapValues(\.count)
        let suppressed = result.findings.filter { $0.suppression != nil }.count
        let files = result.infrastructure.files.count
        let unreadable = result.diagnostics.filter { $0.severity == .error }.count
        let skipped = result.diagnostics.filter { $0.kind == .unsupported && $0.severity == .warning }.count
        var out = "\n\(files) file\(files == 1 ? "" : "s") scanned"
        let perFormat = result.fileCounts.map { "\($0.count) \($0.format)" }.joined(separator: ", ")
        if !perFormat.isEmpty { out += " (\(perFormat))" }
        out += "; \(counts[.error] ?? 0) error\((counts[.error] ?? 0) == 1 ? "" : "s"), \(counts[.warning] ?? 0) warning\((counts[.warning] ?? 0) == 1 ? "" : "s"), \(counts[.info] ?? 0) info"
        if suppressed > 0 { out += ", \(suppressed) suppressed" }
        if unreadable > 0 { out += "; \(unreadable) file problem\(unreadable == 1 ? "" : "s") (see GP001): \(problemKinds(result))" }
        if skipped > 0 { out += "; \(skipped) file\(skipped == 1 ? "" : "s") skipped (unsupported)" }
        out += ".\n"
        return out
    }
}

/// Why files were not (fully) checked: `2 unreadable, 1 not parsed`, from the error diagnostics.
func problemKinds(_ result: ScanResult) -> String {
    var counts: [String: Int] = [:]
    for d in result.diagnostics where d.severity == .error {
        switch d.kind {
        case .unreadable: counts["unreadable", default: 0] += 1
        case .parseError: counts["not parsed", default: 0] += 1
        case .unsupported: counts["not usable", default: 0] += 1
        case .evaluation: counts["not evaluated", default: 0] += 1
        }
    }
    return counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
}

func formatPercent(_ d: Double) -> String {
    let rounded = (d * 10).rounded() / 10
    if rounded == rounded.rounded() { return "\(Int(rounded))%" }
    return "\(rounded)%"
}

extension String {
    func replacingNewlines(with s: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: s)
    }
}
