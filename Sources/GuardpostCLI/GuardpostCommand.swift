import ArgumentParser

public struct GuardpostCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "guardpost",
        abstract: "Predict, before deployment, whether Amazon GuardDuty Runtime Monitoring will cover each EKS cluster.",
        discussion: """
        Reads Terraform plan JSON, .tf and .tf.json, CloudFormation (JSON/YAML) and Kubernetes YAML (Kyverno, Gatekeeper),
        links them into one model, and reports every cause GuardDuty would raise as an Unhealthy coverage issue.
        Exit codes: 0 nothing at or above the threshold, 1 findings at or above it (parse errors count), 2 usage,
        configuration or policy-data errors.
        """,
        version: "0.1.0",
        subcommands: [ScanCommand.self, InventoryCommand.self, RulesCommand.self, KnowledgeCommand.self, AdmissionCommand.self,
                      CoverageCommand.self, DiffCommand.self, ExplainCommand.self],
        defaultSubcommand: ScanCommand.self)
    public init() {}
}
