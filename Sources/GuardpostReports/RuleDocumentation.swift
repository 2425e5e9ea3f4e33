import GuardpostModel
import GuardpostChecks

/// `guardpost rules` and `guardpost rules show ID`.
public enum RuleDocumentation {
    public static func list(_ rules: [RuleMetadata]) -> String {
        var out = ""
        let width = rules.map(\.name.count).max() ?? 0
        for r in rules {
            out += "\(r.id)  \(r.name.padding(width))  \(r.severity.rawValue.padding(7))  \(r.title)\n"
        }
        return out
    }

    public static func show(_ r: RuleMetadata) -> String {
        var out = "\(r.id) \(r.name)\n\(r.title)\n\n"
        out += "Severity: \(r.severity.rawValue)\n"
        out += "Predicted GuardDuty issue: \(r.issueType ?? "none (see rationale)")\n\n"
        out += "Why:\n\(indent(r.rationale))\n\n"
        out += "Fix:\n"
        for format in InputFormat.allCases {
            if let fix = r.remediation[format] { out += "  \(format.displayName):\n\(indent(fix, by: 4))\n" }
        }
        out += "\nDocumentation: \(r.documentation)\n\nExamples:\n"
        for e in r.examples {
            out += "  - \(e.triggers ? "triggers" : "passes  "): \(e.name) (\(e.format.displayName))\n"
        }
        return out
    }

    static func indent(_ s: String, by n: Int = 2) -> String {
        let pad = String(repeating: " ", count: n)
        return s.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
    }
}

extension String {
    func padding(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
