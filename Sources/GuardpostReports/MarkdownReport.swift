import GuardpostDocuments
import GuardpostModel
import GuardpostChecks

/// A pull-request comment: the coverage table, then the findings grouped by cluster, capped so the
/// comment stays readable (the rest is counted, not dropped silently). Every piece of input text is
/// escaped or put in a code span: a resource name cannot inject HTML, links, mentions or table cells.
public struct MarkdownReport: Sendable {
    /// Most findings listed (errors first, then warnings, then info); the rest are counted.
    public var maxFindings: Int
    /// Most clusters in the coverage table.
    public var maxClusters: Int
    /// Longest message shown, in characters.
    public var maxMessageLength: Int

    public init(maxFindings: Int = 25, maxClusters: Int = 30, maxMessageLength: Int = 300) {
        self.maxFindings = maxFindings
        self.maxClusters = maxClusters
        self.maxMessageLength = maxMessageLength
    }

    public func render(_ result: ScanResult) -> String {
        var out = "## guardpost: GuardDuty Runtime Monitoring coverage\n\n"
        out += summaryLine(result) + "\n\n"
        out += coverageTable(result)
        out += findingsSection(result)
        out += suppressedSection(result)
        out += "<sub>guardpost \(GuardpostVersion.current), knowledge as of \(MarkdownText.escape(result.knowledgeDate)). "
        out += "Run `guardpost scan` locally for every finding with its source line and fix.</sub>\n"
        return out
    }

    func summaryLine(_ result: ScanResult) -> String {
        let active = result.findings.filter { $0.suppression == nil }
        let errors = active.filter { $0.severity == .error }.count
        let warnings = active.filter { $0.severity == .warning }.count
        let infos = active.filter { $0.severity == .info }.count
        let suppressed = result.findings.count - active.count
        var parts: [String] = []
        let s = result.statistics
        if s.total == 0 {
            parts.append("**No EKS cluster in the scan**")
        } else {
            let pct = s.percentage.map { " (\(formatPercent($0)))" } ?? ""
            parts.append("**\(s.healthy) of \(s.total) cluster\(s.total == 1 ? "" : "s") healthy\(pct)**")
        }
        parts.append(plural(errors, "error"))
        parts.append(plural(warnings, "warning"))
        parts.append("\(infos) info")
        if suppressed > 0 { parts.append("\(suppressed) suppressed") }
        parts.append(plural(result.infrastructure.files.count, "file") + " scanned")
        let problems = result.diagnostics.filter { $0.severity == .error }.count
        if problems > 0 { parts.append(plural(problems, "file problem")) }
        return parts.joined(separator: " · ")
    }

    func coverageTable(_ result: ScanResult) -> String {
        guard !result.predictions.isEmpty else { return "" }
        var out = "| Cluster | Predicted status | Management | Agent | GuardDuty issue |\n| --- | --- | --- | --- | --- |\n"
        for p in result.predictions.prefix(maxClusters) {
            let issue = p.issue ?? p.reason.map { "not monitored: \($0)" } ?? ""
            out += "| \(MarkdownText.tableCode(p.clusterName)) | \(status(p.status)) | \(p.managementType?.rawValue ?? "unknown") | "
            out += "\(p.addonVersion.map(MarkdownText.tableCode) ?? "") | \(MarkdownText.escape(MarkdownText.truncated(issue, maxMessageLength))) |\n"
        }
        if result.predictions.count > maxClusters {
            out += "\n\(plural(result.predictions.count - maxClusters, "more cluster")) not shown.\n"
        }
        let unverified = result.predictions.filter { !$0.unverified.isEmpty }.count
        if unverified > 0 {
            out += "\n\(plural(unverified, "cluster")) rest\(unverified == 1 ? "s" : "") on settings guardpost could not verify (see the info findings).\n"
        }
        return out + "\n"
    }

    func status(_ s: CoverageStatus) -> String {
        switch s {
        case .healthy: return "✅ HEALTHY"
        case .unhealthy: return "❌ UNHEALTHY"
        case .notMonitored: return "⚪ NOT MONITORED"
        }
    }

    func findingsSection(_ result: ScanResult) -> String {
        let active = result.findings.indices.filter { result.findings[$0].suppression == nil }
        guard !active.isEmpty else { return "No findings.\n\n" }
        // The cap keeps the most severe: stable sort by severity, then the findings' own order.
        let ranked = active.sorted { (result.findings[$0].severity, $1) > (result.findings[$1].severity, $0) }
        let shown = Set(ranked.prefix(maxFindings))
        let rules = Dictionary(result.rules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

        var groups: [(title: String, items: [Int])] = []
        var byCluster: [Int: [Int]] = [:]
        var other: [Int] = []
        for i in active where shown.contains(i) {
            if let c = clusterIndex(of: result.findings[i], in: result) { byCluster[c, default: []].append(i) } else { other.append(i) }
        }
        for (c, p) in result.predictions.enumerated() {
            guard let items = byCluster[c] else { continue }
            groups.append(("Cluster \(MarkdownText.code(p.clusterName)) (\(MarkdownText.code(p.clusterAddress))): \(status(p.status))", items))
        }
        if !other.isEmpty { groups.append(("Not about one cluster", other)) }

        var out = "### Findings\n"
        for g in groups {
            out += "\n#### \(g.title)\n\n"
            let ordered = g.items.sorted { (result.findings[$0].severity, $1) > (result.findings[$1].severity, $0) }
            for i in ordered { out += item(result.findings[i], rule: rules[result.findings[i].ruleId]) }
        }
        let hidden = active.filter { !shown.contains($0) }
        if !hidden.isEmpty {
            let counts = Dictionary(grouping: hidden, by: { result.findings[$0].severity }).mapValues(\.count)
            let detail = [plural(counts[.error] ?? 0, "error"), plural(counts[.warning] ?? 0, "warning"), "\(counts[.info] ?? 0) info"]
            out += "\n…and \(hidden.count) more (\(detail.joined(separator: ", "))) not shown. Run `guardpost scan` for the full list.\n"
        }
        out += fixes(result, shown: ranked.filter(shown.contains), rules: rules)
        return out + "\n"
    }

    func item(_ f: Finding, rule: RuleMetadata?) -> String {
        let icon: String
        switch f.severity {
        case .error: icon = "🔴"
        case .warning: icon = "🟠"
        case .info: icon = "🔵"
        }
        var ruleRef = "\(f.ruleId)\(rule.map { " \($0.name)" } ?? "")"
        if let doc = rule?.documentation, RuleHelp.isAbsoluteURL(doc) { ruleRef = "[\(ruleRef)](\(doc))" }
        var out = "- \(icon) **\(f.severity.rawValue)** \(ruleRef) at \(MarkdownText.code(f.location.description)): "
        out += MarkdownText.escape(MarkdownText.truncated(f.message, maxMessageLength)) + "\n"
        if let issue = f.predictedIssue {
            out += "  - predicted GuardDuty issue: \(MarkdownText.escape(MarkdownText.truncated(issue.text, maxMessageLength)))\n"
        }
        return out
    }

    /// One collapsed fix per rule and remediation text, in the order the findings are listed.
    func fixes(_ result: ScanResult, shown: [Int], rules: [String: RuleMetadata]) -> String {
        var seen: Set<String> = []
        var out = ""
        for i in shown {
            let f = result.findings[i]
            guard !f.remediation.isEmpty, seen.insert("\(f.ruleId)\u{0}\(f.remediation)").inserted else { continue }
            let title = MarkdownText.html(rules[f.ruleId]?.title ?? f.ruleId)
            out += "\n<details><summary>How to fix \(MarkdownText.html(f.ruleId)): \(title)</summary>\n\n\(MarkdownText.codeBlock(f.remediation))\n\n</details>\n"
        }
        return out
    }

    func suppressedSection(_ result: ScanResult) -> String {
        let suppressed = result.findings.filter { $0.suppression != nil }
        guard !suppressed.isEmpty else { return "" }
        var out = "<details><summary>\(plural(suppressed.count, "suppressed finding"))</summary>\n\n"
        for f in suppressed.prefix(maxFindings) {
            out += "- \(f.ruleId) \(MarkdownText.code(f.resource)) at \(MarkdownText.code(f.location.description)): "
            out += MarkdownText.escape(MarkdownText.truncated(f.suppression!.justification, maxMessageLength))
            out += " (\(MarkdownText.code(f.suppression!.source)))\n"
        }
        if suppressed.count > maxFindings { out += "\n…and \(suppressed.count - maxFindings) more.\n" }
        return out + "\n</details>\n\n"
    }

    func clusterIndex(of f: Finding, in result: ScanResult) -> Int? {
        if let c = f.clusterIndex, c < result.predictions.count { return c }
        if let address = f.cluster { return result.predictions.firstIndex { $0.clusterAddress == address } }
        return nil
    }

    func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}
