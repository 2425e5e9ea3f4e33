import GuardpostDocuments
import GuardpostModel
import GuardpostChecks

/// The coverage report for architects (`guardpost scan --format html`), modelled on the GuardDuty
/// console's "EKS clusters runtime coverage" tab: the coverage statistic, then the clusters list with
/// the console's columns (cluster name, account ID, agent management type, coverage status, add-on
/// version, issue), each filterable, and each issue linked to the findings behind it with their
/// source lines and fixes.
///
/// One self-contained file: no network, no external script, style or font. Every value from the
/// inputs is escaped, and a Content-Security-Policy allows only the report's own inline script and
/// style (by hash), so even a missed escape could not run anything.
///
/// Filters can be given in the URL fragment, e.g. `report.html#status=UNHEALTHY&account=111122223333`
/// (keys: `cluster`, `account`, `management`, `status`, `version`, `issue`; `cluster`, `account` and
/// `issue` match a part of the text, ignoring case; the others match exactly). Changing a filter
/// updates the fragment, so a filtered view can be shared as a link.
public struct HTMLReport: Sendable {
    /// Off only in tests that check the escaping alone in a browser.
    public var contentSecurityPolicy: Bool

    public init(contentSecurityPolicy: Bool = true) {
        self.contentSecurityPolicy = contentSecurityPolicy
    }

    /// The filter keys of the URL fragment, in column order.
    public static let filterKeys = ["cluster", "account", "management", "status", "version", "issue"]

    public func render(_ result: ScanResult) -> String {
        let clusters = ClusterCoverage.all(result)
        let style = HTMLReportAssets.style
        let script = HTMLReportAssets.script
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        if contentSecurityPolicy {
            let csp = "default-src 'none'; script-src \(HTMLReportSHA256.cspSource(script)); style-src \(HTMLReportSHA256.cspSource(style)); img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
            out += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(HTMLEscape.attribute(csp))\">\n"
        }
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"generator\" content=\"guardpost \(HTMLEscape.attribute(GuardpostVersion.current))\">\n"
        out += "<title>EKS clusters runtime coverage (predicted) - guardpost</title>\n"
        out += "<style>\(style)</style>\n</head>\n<body>\n"
        out += header(result)
        out += "<main>\n"
        out += statistics(result)
        out += clusterList(result, clusters)
        out += findings(result)
        out += diagnostics(result)
        out += "</main>\n"
        out += "<footer>Predicted by guardpost from the files scanned; GuardDuty was not contacted. Coverage statistic as the GuardDuty console computes it: (healthy clusters / all clusters) &times; 100. Issues are written in GuardDuty's form <span class=\"mono\">Issue type: Extra information</span>.</footer>\n"
        out += "<script>\(script)</script>\n</body>\n</html>\n"
        return out
    }

    func header(_ result: ScanResult) -> String {
        let files = result.infrastructure.files.count
        let perFormat = result.fileCounts.map { "\($0.count) \($0.format)" }.joined(separator: ", ")
        var out = "<header class=\"top\">\n<h1>EKS clusters runtime coverage <span class=\"note\">(predicted)</span></h1>\n"
        out += "<p>guardpost \(HTMLEscape.text(GuardpostVersion.current)) &middot; knowledge data checked \(HTMLEscape.text(result.knowledgeDate))"
        out += " &middot; \(files) file\(files == 1 ? "" : "s") scanned\(perFormat.isEmpty ? "" : " (" + HTMLEscape.text(perFormat) + ")")</p>\n</header>\n"
        return out
    }

    func statistics(_ result: ScanResult) -> String {
        let s = result.statistics
        func share(_ n: Int) -> String {
            guard s.total > 0 else { return "0" }
            let v = (Double(n) / Double(s.total) * 1000).rounded() / 10
            return v == v.rounded() ? String(Int(v)) : String(v)
        }
        var out = "<section class=\"panel\" id=\"statistics\">\n<h2>Coverage statistics</h2>\n<div class=\"panel-body\">\n<div class=\"stats\">\n"
        out += "<div class=\"stat coverage\"><div class=\"label\">Cluster coverage</div><div class=\"value\" id=\"coverage-percent\">\(s.percentage.map { HTMLEscape.text(formatPercent($0)) } ?? "&ndash;")</div>"
        out += "<div class=\"formula\">(Healthy clusters / All clusters) &times; 100</div></div>\n"
        out += "<div class=\"stat\"><div class=\"label\">All clusters</div><div class=\"value\" id=\"count-all\">\(s.total)</div></div>\n"
        out += "<div class=\"stat\"><div class=\"label\">Healthy</div><div class=\"value\" id=\"count-healthy\">\(s.healthy)</div></div>\n"
        out += "<div class=\"stat\"><div class=\"label\">Unhealthy</div><div class=\"value\" id=\"count-unhealthy\">\(s.unhealthy)</div></div>\n"
        out += "<div class=\"stat\"><div class=\"label\">Not monitored</div><div class=\"value\" id=\"count-not-monitored\">\(s.notMonitored)</div></div>\n"
        out += "</div>\n<div class=\"bar\" role=\"img\" aria-label=\"\(s.healthy) healthy, \(s.unhealthy) unhealthy, \(s.notMonitored) not monitored\">"
        out += "<span class=\"ok\" data-share=\"\(share(s.healthy))\"></span><span class=\"bad\" data-share=\"\(share(s.unhealthy))\"></span><span class=\"off\" data-share=\"\(share(s.notMonitored))\"></span></div>\n"
        out += "</div>\n</section>\n"
        return out
    }

    static func statusLabel(_ s: CoverageStatus) -> String {
        switch s {
        case .healthy: return "Healthy"
        case .unhealthy: return "Unhealthy"
        case .notMonitored: return "Not monitored"
        }
    }

    static func managementLabel(_ m: String?) -> String {
        switch m {
        case "AUTO_MANAGED": return "Automatically managed"
        case "MANUAL": return "Manually managed"
        case "DISABLED": return "Disabled"
        case nil: return "Unknown"
        case let other?: return other
        }
    }

    func clusterList(_ result: ScanResult, _ clusters: [ClusterCoverage]) -> String {
        let e = HTMLEscape.self
        var out = "<section class=\"panel\" id=\"cluster-list\">\n<h2>Clusters list (<span id=\"shown\">\(clusters.count)</span> of \(clusters.count))</h2>\n"
        out += "<div class=\"toolbar\"><span>Filter by any column; filters are kept in the address (e.g. <span class=\"mono\">#status=UNHEALTHY</span>).</span><button type=\"button\" id=\"clear-filters\">Clear filters</button></div>\n"
        out += "<table id=\"clusters\">\n<thead>\n<tr><th scope=\"col\">Cluster name</th><th scope=\"col\">Account ID</th><th scope=\"col\">Agent management type</th><th scope=\"col\">Coverage status</th><th scope=\"col\">Add-on version</th><th scope=\"col\">Issue</th></tr>\n"
        out += "<tr class=\"filters\">"
        out += "<th><input type=\"search\" data-filter=\"cluster\" aria-label=\"Filter by cluster name\" placeholder=\"Cluster name\"></th>"
        out += "<th><input type=\"search\" data-filter=\"account\" aria-label=\"Filter by account ID\" placeholder=\"Account ID\"></th>"
        let managements = Array(Set(clusters.map { $0.managementType ?? "" })).sorted()
        out += "<th>" + select("management", "agent management type", managements.map { ($0, Self.managementLabel($0.isEmpty ? nil : $0)) }) + "</th>"
        let statuses: [CoverageStatus] = [.healthy, .unhealthy, .notMonitored]
        out += "<th>" + select("status", "coverage status", statuses.map { ($0.rawValue, Self.statusLabel($0)) }) + "</th>"
        let versions = Array(Set(clusters.map { $0.addonVersion ?? "" })).sorted()
        out += "<th>" + select("version", "add-on version", versions.map { ($0, $0.isEmpty ? "None" : $0) }) + "</th>"
        out += "<th><input type=\"search\" data-filter=\"issue\" aria-label=\"Filter by issue\" placeholder=\"Issue\"></th>"
        out += "</tr>\n</thead>\n<tbody>\n"
        for (i, c) in clusters.enumerated() {
            let issueText = c.issue ?? c.reason.map { "Not monitored: " + $0 } ?? ""
            out += "<tr id=\"c-\(i + 1)\""
            out += " data-cluster=\"\(e.attribute(c.clusterName))\""
            out += " data-account=\"\(e.attribute(c.accountId ?? CoveragePlaceholder.unknown))\""
            out += " data-management=\"\(e.attribute(c.managementType ?? ""))\""
            out += " data-status=\"\(e.attribute(c.status.rawValue))\""
            out += " data-version=\"\(e.attribute(c.addonVersion ?? ""))\""
            out += " data-issue=\"\(e.attribute(issueText))\">"
            out += "<td><div class=\"name\">\(e.text(c.clusterName))</div><div class=\"where\">\(e.text(c.clusterAddress)) &middot; <span class=\"mono\">\(e.text(c.locationText))</span>"
            if let region = c.region { out += " &middot; \(e.text(region))" }
            out += "</div></td>"
            out += "<td class=\"mono\">\(c.accountId.map { e.text($0) } ?? "<span class=\"unknown\">unknown</span>")</td>"
            out += "<td>\(c.managementType == nil ? "<span class=\"unknown\">Unknown</span>" : e.text(Self.managementLabel(c.managementType)))</td>"
            out += "<td><span class=\"status \(e.attribute(c.status.rawValue))\">\(Self.statusLabel(c.status))</span></td>"
            out += "<td class=\"mono\">\(c.addonVersion.map { e.text($0) } ?? "&ndash;")</td>"
            out += "<td class=\"issue\">"
            if let issue = c.issue {
                out += "<div>\(e.text(issue))</div>"
            } else if let reason = c.reason {
                out += "<div>Not monitored: \(e.text(reason))</div>"
            } else {
                out += "&ndash;"
            }
            // Links to the findings behind the issue first, then the cluster's other findings.
            let primary = c.issueCauses.compactMap(\.findingIndex)
            let others = c.causes.filter { !$0.suppressed }.compactMap(\.findingIndex).filter { !primary.contains($0) }
            if !primary.isEmpty {
                out += "<div>" + primary.map { idx in
                    let f = result.findings[idx]
                    return "<a href=\"#f-\(idx + 1)\">\(e.text(f.ruleId)) at \(e.text(f.location.description))</a>"
                }.joined(separator: "<br>") + "</div>"
            }
            if !others.isEmpty {
                out += "<div class=\"note\">Also: " + others.map { idx in
                    "<a href=\"#f-\(idx + 1)\">\(e.text(result.findings[idx].ruleId))</a>"
                }.joined(separator: ", ") + "</div>"
            }
            for u in c.cannotVerify { out += "<div class=\"note\">Cannot verify: \(e.text(u))</div>" }
            out += "</td></tr>\n"
        }
        out += "</tbody>\n</table>\n"
        out += "<p id=\"no-match\"\(clusters.isEmpty ? "" : " hidden")>\(clusters.isEmpty ? "No EKS cluster in the scan." : "No cluster matches the filters.")</p>\n"
        out += "</section>\n"
        return out
    }

    func select(_ key: String, _ label: String, _ options: [(value: String, label: String)]) -> String {
        var out = "<select data-filter=\"\(key)\" data-match=\"exact\" aria-label=\"Filter by \(label)\"><option value=\"\">All</option>"
        // An empty value (no add-on version, unknown management type) is not offered: "All" includes it.
        for o in options where !o.value.isEmpty {
            out += "<option value=\"\(HTMLEscape.attribute(o.value))\">\(HTMLEscape.text(o.label))</option>"
        }
        return out + "</select>"
    }

    func findings(_ result: ScanResult) -> String {
        let e = HTMLEscape.self
        let names = Dictionary(result.rules.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var out = "<section class=\"panel\" id=\"findings\">\n<h2>Findings (\(result.findings.count))</h2>\n"
        if result.findings.isEmpty { out += "<div class=\"panel-body\">No findings.</div>\n" }
        var clusterOf: [Int: Int] = [:]
        for (ci, p) in result.predictions.enumerated() { for f in p.findingIndexes { clusterOf[f] = ci } }
        for (i, f) in result.findings.enumerated() {
            out += "<article class=\"finding\" id=\"f-\(i + 1)\">\n"
            out += "<h3><span class=\"sev \(e.attribute(f.severity.rawValue))\">\(e.text(f.severity.rawValue))</span>\(e.text(f.ruleId))\(names[f.ruleId].map { " " + e.text($0) } ?? "") &middot; <span class=\"mono\">\(e.text(f.location.description))</span></h3>\n"
            out += "<div>\(e.text(f.message))</div>\n"
            if let line = result.snippets["\(f.location.file.path):\(f.location.line)"] {
                let number = String(f.location.line)
                let pad = String(repeating: " ", count: number.count)
                let caretPrefix = String(line.prefix(max(0, f.location.column - 1))).map { $0 == "\t" ? "\t" : " " }.joined()
                out += "<pre class=\"source\"><span class=\"ln\">\(number) | </span>\(e.text(line))\n<span class=\"ln\">\(pad) | </span><span class=\"caret\">\(caretPrefix)^</span></pre>\n"
            }
            out += "<dl>"
            out += "<dt>Resource</dt><dd class=\"mono\">\(e.text(f.resource))\(f.attribute.map { " &middot; " + e.text($0) } ?? "")</dd>"
            if let ci = clusterOf[i] {
                out += "<dt>Cluster</dt><dd><a href=\"#c-\(ci + 1)\">\(e.text(result.predictions[ci].clusterName))</a></dd>"
            }
            switch f.effect {
            case .unhealthy(let issue): out += "<dt>Predicted issue</dt><dd>\(e.text(issue.text))</dd>"
            case .notMonitored(let why): out += "<dt>Predicted</dt><dd>not monitored: \(e.text(why))</dd>"
            case .none: break
            }
            if let s = f.suppression { out += "<dt>Suppressed</dt><dd>\(e.text(s.justification)) (\(e.text(s.source)))</dd>" }
            if !f.assumptions.isEmpty { out += "<dt>Rests on</dt><dd>\(e.text(f.assumptions.joined(separator: ", ")))</dd>" }
            out += "</dl>\n"
            if !f.remediation.isEmpty { out += "<pre class=\"fix\">\(e.text(f.remediation))</pre>\n" }
            out += "</article>\n"
        }
        out += "</section>\n"
        return out
    }

    func diagnostics(_ result: ScanResult) -> String {
        guard !result.diagnostics.isEmpty else { return "" }
        let e = HTMLEscape.self
        var out = "<section class=\"panel\" id=\"diagnostics\">\n<h2>File problems (\(result.diagnostics.count))</h2>\n<div class=\"panel-body\"><ul>\n"
        for d in result.diagnostics {
            out += "<li><span class=\"mono\">\(e.text(d.location.description))</span>: \(e.text(d.severity.rawValue)) (\(e.text(d.kind.rawValue))): \(e.text(d.message))</li>\n"
        }
        return out + "</ul></div>\n</section>\n"
    }
}

/// Escaping for HTML text and double-quoted attribute values. Control characters and bidirectional
/// overrides (which could disguise a value) become visible `\u{...}` escapes, as in the terminal.
enum HTMLEscape {
    static func text(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in Sanitize.terminalLines(s).unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// For a double-quoted attribute value: newlines and tabs are escaped too.
    static func attribute(_ s: String) -> String {
        text(s).replacingOccurrencesOfNewlinesAndTabs()
    }
}

fileprivate extension String {
    func replacingOccurrencesOfNewlinesAndTabs() -> String {
        var out = ""
        for ch in unicodeScalars {
            switch ch {
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
