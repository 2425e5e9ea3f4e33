import GuardpostChecks

/// The pull-request summary of `guardpost diff`: what the change does to each cluster's predicted
/// GuardDuty coverage, and why, with the file:line that causes it and the fix. Every value from the
/// inputs is escaped (Markdown and HTML), so a resource name cannot inject links, images or markup.
public struct CoverageDiffMarkdown: Sendable {
    public init() {}

    public func render(_ changes: [CoverageChange], baseLabel: String, headLabel: String) -> String {
        let e = DiffMarkdown.self
        var out = "### GuardDuty Runtime Monitoring: predicted coverage changes\n\n"
        out += "Comparing \(e.code(baseLabel)) (base) with \(e.code(headLabel)) (head).\n\n"
        let unhealthy = changes.filter { $0.kind == .becomesUnhealthy }
        let healthy = changes.filter { $0.kind == .becomesHealthy || $0.kind == .startsBeingMonitored }
        if changes.isEmpty {
            out += "No cluster changes its predicted coverage status.\n"
            return out
        }
        if !unhealthy.isEmpty {
            out += "**This change makes \(unhealthy.count) cluster\(unhealthy.count == 1 ? "" : "s") Unhealthy.**\n\n"
        } else {
            out += "No cluster becomes Unhealthy.\n\n"
        }
        out += "| Cluster | Account | Region | Before | After |\n|---|---|---|---|---|\n"
        for c in changes {
            let x = c.cluster
            out += "| \(e.cell(x.clusterName)) | \(e.cell(x.accountId ?? CoveragePlaceholder.unknown)) | \(e.cell(x.region ?? CoveragePlaceholder.unknown)) | \(e.status(c.previousStatus)) | \(e.status(c.currentStatus)) |\n"
        }
        out += "\n"
        for c in changes {
            out += sentence(c)
        }
        if !healthy.isEmpty || !unhealthy.isEmpty {
            out += "\n<sub>Predicted by guardpost before deployment; the JSON events (`guardpost diff --format events`) follow the EventBridge schema of GuardDuty's coverage notifications.</sub>\n"
        }
        return out
    }

    func sentence(_ c: CoverageChange) -> String {
        let e = DiffMarkdown.self
        let x = c.cluster
        let who = "cluster \(e.code(x.clusterName)) (account \(e.code(x.accountId ?? CoveragePlaceholder.unknown)), \(e.code(x.region ?? CoveragePlaceholder.unknown)))"
        var out: String
        switch c.kind {
        case .becomesUnhealthy:
            out = "- This change makes \(who) **Unhealthy** because GuardDuty would report \(e.code(x.issue ?? "an issue"))"
            if let b = c.base, b.status == .notMonitored { out += " (it was not monitored before)" }
            if c.base == nil { out += " (new cluster)" }
            out += ".\n"
            out += causes(x)
        case .becomesHealthy:
            out = "- This change makes \(who) **Healthy**; it was Unhealthy with \(e.code(c.base?.issue ?? "an issue")).\n"
        case .startsBeingMonitored:
            out = "- This change makes \(who) monitored and **Healthy**.\n"
        case .issueChanges:
            out = "- \(who.prefix(1).uppercased() + who.dropFirst()) stays Unhealthy, with another issue: \(e.code(x.issue ?? "")) (was \(e.code(c.base?.issue ?? ""))).\n"
            out += causes(x)
        case .stopsBeingMonitored:
            out = "- After this change GuardDuty would **no longer monitor** \(who): \(e.text(x.reason ?? "not monitored")).\n"
        case .added:
            out = "- New \(who): predicted \(e.status(x.status.rawValue)).\n"
        case .removed:
            out = "- \(who.prefix(1).uppercased() + who.dropFirst()) is no longer in the scan.\n"
        }
        return out
    }

    func causes(_ x: ClusterCoverage) -> String {
        let e = DiffMarkdown.self
        var out = ""
        for f in x.issueCauses {
            var rule = f.ruleId
            if let n = f.ruleName { rule += " " + n }
            out += "  - \(e.code(f.locationText)) \(e.text("[\(rule)]")): \(e.text(f.message))\n"
            if !f.remediation.isEmpty { out += "\n    Fix:\n\n" + e.codeBlock(f.remediation, indent: "    ") + "\n" }
        }
        return out
    }
}

/// Markdown escaping for values that come from the inputs.
enum DiffMarkdown {
    /// A code span that holds any text: the fence is longer than any run of backticks inside, and
    /// line breaks and control characters become visible escapes.
    static func code(_ s: String) -> String {
        let flat = singleLine(s)
        var longest = 0, run = 0
        for ch in flat { if ch == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = flat.hasPrefix("`") || flat.hasSuffix("`") || flat.isEmpty ? " " : ""
        return fence + pad + flat + pad + fence
    }

    /// A fenced code block (indented to sit in a list item); the fence is longer than any backtick run inside.
    static func codeBlock(_ s: String, indent: String) -> String {
        var longest = 0, run = 0
        for ch in s { if ch == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        var out = indent + fence + "\n"
        for line in s.split(separator: "\n", omittingEmptySubsequences: false) {
            out += indent + singleLine(String(line)) + "\n"
        }
        return out + indent + fence + "\n"
    }

    /// Plain text with every Markdown and HTML metacharacter escaped.
    static func text(_ s: String) -> String {
        var out = ""
        for ch in singleLine(s) {
            switch ch {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "`", "*", "_", "[", "]", "|", "~":
                out += "\\" + String(ch)
            default: out.append(ch)
            }
        }
        return out
    }

    /// A table cell: text escaping (which covers `|`).
    static func cell(_ s: String) -> String { text(s) }

    static func status(_ s: String) -> String {
        switch s {
        case "HEALTHY": return "Healthy"
        case "UNHEALTHY": return "**Unhealthy**"
        case "NOT_MONITORED": return "Not monitored"
        case CoverageDiff.absent: return "(absent)"
        default: return text(s)
        }
    }

    /// One line: line breaks, control characters and bidirectional overrides become visible escapes.
    static func singleLine(_ s: String) -> String { Sanitize.terminal(s) }
}
