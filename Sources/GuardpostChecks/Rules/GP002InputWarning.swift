import GuardpostDocuments
import GuardpostModel

/// Problems in an input that do not stop it from being read, but may make it mean something other
/// than its author thinks: duplicate keys, JSON that only parses as YAML, HCL files not read,
/// CloudFormation values that cannot be evaluated (circular conditions, unknown Refs).
public struct InputWarningRule: Rule {
    public init() {}
    public let metadata = RuleMetadata(
        id: "GP002", name: "input-warning",
        title: "An input file has a problem that may change its meaning",
        severity: .warning, issueType: nil,
        rationale: "A duplicate key silently drops one of two values (guardpost keeps the first, as most YAML tools do; Terraform and CloudFormation may keep the other), a Ref to an unknown name or a circular condition leaves values unknown, and an HCL file is not read at all. Each is reported at its position so that nothing is skipped silently.",
        remediation: [
            .kubernetes: "Remove the duplicate key (keep the value you mean).",
            .cloudFormation: "Remove the duplicate key, or fix the Ref / condition at the reported position.",
            .terraformPlan: "For HCL (.tf) files, scan the plan: `terraform plan -out=tfplan && terraform show -json tfplan > plan.json`.",
        ],
        documentation: "docs/rules.md#gp002",
        examples: [
            RuleExample("duplicate key in a manifest", format: .kubernetes, file: "ns.yaml",
                        content: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n", expect: [.init("ns.yaml")]),
            RuleExample("clean manifest", format: .kubernetes, file: "ns.yaml",
                        content: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n", expect: []),
        ])

    public func check(_ context: CheckContext) -> [Finding] {
        context.infrastructure.diagnostics.compactMap { d in
            guard d.severity == .warning else { return nil }
            return Finding(ruleId: metadata.id, severity: .warning, message: d.message, location: d.location,
                           resource: d.location.file.path, remediation: metadata.remediation(for: d.kind == .unsupported ? .terraformPlan : .cloudFormation))
        }
    }
}
