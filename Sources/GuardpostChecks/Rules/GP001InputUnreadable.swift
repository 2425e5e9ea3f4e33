import GuardpostDocuments
import GuardpostModel

/// Fail closed: a file that cannot be read or parsed is an error finding, never a silent pass.
public struct InputUnreadableRule: Rule {
    public init() {}
    public let metadata = RuleMetadata(
        id: "GP001", name: "input-unreadable",
        title: "An input file could not be read or parsed",
        severity: .error, issueType: nil,
        rationale: "A gate that skips a file it could not read passes changes it never checked. Every parse error, unreadable file and malformed input is reported with its file:line:column, and fails the run unless the threshold is lowered.",
        remediation: [
            .terraformPlan: "Fix the file at the reported position, or exclude it from the scanned paths. For Terraform state, scan a plan instead: `terraform plan -out=tfplan && terraform show -json tfplan > plan.json`.",
            .cloudFormation: "Fix the template at the reported position (cfn-lint gives details), or exclude it from the scanned paths.",
            .terraformJSON: "Fix the .tf.json file at the reported position, or exclude it.",
            .kubernetes: "Fix the manifest at the reported position, or exclude it.",
        ],
        documentation: "docs/rules.md#gp001",
        examples: [
            RuleExample("truncated JSON plan", format: .terraformPlan, file: "plan.json",
                        content: "{\"format_version\": \"1.2\", \"planned_values\": {", expect: [.init("plan.json")]),
            RuleExample("YAML with a tab indent", format: .kubernetes, file: "bad.yaml",
                        content: "apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: x\n", expect: [.init("bad.yaml")]),
            RuleExample("Terraform state instead of a plan", format: .terraformPlan, file: "state.json",
                        content: "{\"format_version\":\"1.0\",\"terraform_version\":\"1.9.0\",\"values\":{\"root_module\":{}}}", expect: [.init("state.json")]),
            RuleExample("valid manifest", format: .kubernetes, file: "ok.yaml",
                        content: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n", expect: []),
        ])

    public func check(_ context: CheckContext) -> [Finding] {
        context.infrastructure.diagnostics.compactMap { d in
            // Errors fail the run; parse and evaluation warnings (a duplicate key whose first value was kept,
            // JSON read as YAML, a limit that left values unknown) are shown too, as warnings, never dropped.
            guard d.severity == .error else { return nil } // warnings are GP002's
            let what: String
            switch d.kind {
            case .parseError where d.severity != .error: what = "while parsing"
            case .evaluation where d.severity != .error: what = "while evaluating"
            case .parseError: what = "cannot parse"
            case .unreadable: what = "cannot read"
            case .unsupported: what = "cannot use"
            case .evaluation: what = "cannot evaluate"
            }
            return Finding(ruleId: metadata.id, severity: d.severity == .error ? .error : .warning, message: "\(what) \(d.location.file.path): \(d.message)",
                           location: d.location, resource: d.location.file.path, attribute: nil, cluster: nil, effect: .none,
                           remediation: metadata.remediation(for: .terraformPlan))
        }
    }
}
