import GuardpostDocuments
import GuardpostModel
import GuardpostChecks

/// JUnit XML, as Jenkins (junit plugin) and GitLab (`artifacts:reports:junit`) read it.
///
/// One `<testsuite>` per rule; in it one `<testcase>` per resource the rule reported on: `<failure>` for
/// errors and warnings (every finding of that rule on that resource, with its location), `<skipped>`
/// when every such finding is suppressed, and a passing case with `<system-out>` for info findings. A
/// rule without findings is one passing test case. Times are 0 (deterministic output).
public struct JUnitReport: Sendable {
    public init() {}

    struct Case {
        var resource: String
        var findings: [Finding]
    }

    struct Suite {
        var rule: RuleMetadata
        var cases: [Case]
        var failures: Int { cases.filter { $0.failing != nil }.count }
        var skipped: Int { cases.filter { $0.failing == nil && $0.allSuppressed }.count }
    }

    public func render(_ result: ScanResult) -> String {
        let suites = Self.suites(result)
        let tests = suites.map { $0.cases.count }.reduce(0, +)
        let failures = suites.map(\.failures).reduce(0, +)
        let skipped = suites.map(\.skipped).reduce(0, +)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"guardpost\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\" time=\"0\">\n"
        for suite in suites { out += render(suite) }
        out += "</testsuites>\n"
        return out
    }

    /// Rules by id; cases in the order of their first finding (file, line, column).
    static func suites(_ result: ScanResult) -> [Suite] {
        var order: [String: [String]] = [:]
        var byCase: [String: [String: [Finding]]] = [:]
        for f in result.findings {
            if byCase[f.ruleId]?[f.resource] == nil { order[f.ruleId, default: []].append(f.resource) }
            byCase[f.ruleId, default: [:]][f.resource, default: []].append(f)
        }
        return SARIFReport.ruleTable(result).map { rule in
            let cases = (order[rule.id] ?? []).map { Case(resource: $0, findings: byCase[rule.id]![$0]!) }
            return Suite(rule: rule, cases: cases.isEmpty ? [Case(resource: "", findings: [])] : cases)
        }
    }

    func render(_ suite: Suite) -> String {
        let r = suite.rule
        let name = "\(r.id) \(r.name)"
        var out = "  <testsuite name=\"\(Self.escape(name))\" tests=\"\(suite.cases.count)\" failures=\"\(suite.failures)\" errors=\"0\" skipped=\"\(suite.skipped)\" time=\"0\">\n"
        let classname = Self.escape("guardpost.\(r.id).\(r.name)")
        for c in suite.cases {
            var attributes = "classname=\"\(classname)\" name=\"\(Self.escape(c.resource.isEmpty ? "no finding" : c.resource))\""
            if let first = c.findings.first, first.location.file.path != "-" {
                attributes += " file=\"\(Self.escape(first.location.file.path))\" line=\"\(first.location.line)\""
            }
            attributes += " time=\"0\""
            let failing = c.failing
            let suppressed = c.findings.filter { $0.suppression != nil }
            let infos = c.findings.filter { $0.suppression == nil && $0.severity == .info }
            if failing == nil && !c.allSuppressed && infos.isEmpty {
                out += "    <testcase \(attributes)/>\n"
                continue
            }
            out += "    <testcase \(attributes)>\n"
            if let failing {
                let worst = failing.map(\.severity).max() ?? .error
                let message = failing.count == 1 ? failing[0].message : "\(failing.count) findings: \(failing[0].message)"
                var body = failing.map(Self.describe).joined(separator: "\n")
                if !suppressed.isEmpty { body += "\n" + suppressed.map(Self.describe).joined(separator: "\n") }
                out += "      <failure message=\"\(Self.escape(message))\" type=\"\(worst.rawValue)\">\(Self.escape(body, attribute: false))</failure>\n"
            } else if c.allSuppressed {
                let why = suppressed.map { $0.suppression!.justification }.joined(separator: "; ")
                out += "      <skipped message=\"\(Self.escape("suppressed: \(why)"))\"/>\n"
            }
            if !infos.isEmpty {
                out += "      <system-out>\(Self.escape(infos.map(Self.describe).joined(separator: "\n"), attribute: false))</system-out>\n"
            }
            out += "    </testcase>\n"
        }
        out += "  </testsuite>\n"
        return out
    }

    /// `file:line:column: severity: message`, then the predicted issue and the fix.
    static func describe(_ f: Finding) -> String {
        var out = "\(f.location.description): \(f.severity.rawValue): \(f.message)"
        if let s = f.suppression { out += " (suppressed: \(s.justification))" }
        if let issue = f.predictedIssue { out += "\npredicted GuardDuty issue: \(issue.text)" }
        else if case .notMonitored(let why) = f.effect { out += "\npredicted: not monitored (\(why))" }
        if f.suppression == nil && !f.remediation.isEmpty { out += "\nfix: \(f.remediation)" }
        return out + "\n"
    }

    /// Escapes for XML 1.0 text or a double-quoted attribute. Characters XML 1.0 cannot carry at all
    /// (C0 controls other than tab, LF, CR; U+FFFE, U+FFFF), and C1 controls, become a visible `\u{1b}`.
    /// In attributes, tab, LF and CR are character references so parsers keep them.
    public static func escape(_ s: String, attribute: Bool = true) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += attribute ? "&quot;" : "\""
            case "'": out += attribute ? "&apos;" : "'"
            case "\n": out += attribute ? "&#10;" : "\n"
            case "\t": out += attribute ? "&#9;" : "\t"
            case "\r": out += "&#13;"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) || v == 0xFFFE || v == 0xFFFF {
                    out += "\\u{\(String(v, radix: 16))}"
                } else if v == 0x2028 || v == 0x2029 || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069) {
                    out += "&#x\(String(v, radix: 16, uppercase: true));" // bidirectional overrides: visible to XML readers, inert in terminals
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

extension JUnitReport.Case {
    /// Active error and warning findings: they fail the test case.
    var failing: [Finding]? {
        let f = findings.filter { $0.suppression == nil && $0.severity != .info }
        return f.isEmpty ? nil : f
    }

    var allSuppressed: Bool { !findings.isEmpty && findings.allSatisfy { $0.suppression != nil } }
}
