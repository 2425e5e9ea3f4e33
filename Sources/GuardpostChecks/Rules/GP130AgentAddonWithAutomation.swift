import GuardpostDocuments
import GuardpostModel

/// Declaring the add-on in IaC while GuardDuty's automated agent configuration also manages it: two owners.
public struct AgentAddonWithAutomationRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP130", name: "agent-addon-with-automation",
        title: "The aws-guardduty-agent add-on is declared while automated agent configuration also manages the cluster",
        severity: .warning, issueType: nil,
        rationale: "With automated agent configuration (EKS_ADDON_MANAGEMENT = ENABLED) GuardDuty installs the aws-guardduty-agent add-on itself, updates its version and sets its configurable parameters to default values. An add-on declared in Terraform or CloudFormation for the same cluster has two owners: the apply may fail because the add-on already exists, and each side keeps reverting the other's version and configuration (drift on every plan). Either let GuardDuty manage the agent, or turn automated agent configuration off and manage the add-on (and the guardduty-data VPC endpoint) yourself.",
        remediation: [
            .terraformPlan: "Choose one owner: remove the aws_eks_addon \"aws-guardduty-agent\" resource and let GuardDuty manage the agent, or set EKS_ADDON_MANAGEMENT to DISABLED (manual management: you then create the guardduty-data VPC endpoint too).",
            .terraformJSON: "Remove the aws_eks_addon for aws-guardduty-agent, or set the EKS_ADDON_MANAGEMENT additional configuration to DISABLED and manage the agent (and its VPC endpoint) yourself.",
            .cloudFormation: "Remove the AWS::EKS::Addon for aws-guardduty-agent, or set EKS_ADDON_MANAGEMENT to DISABLED in the detector and manage the agent (and its VPC endpoint) yourself.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/how-runtime-monitoring-works-eks.html",
        examples: AgentAddonWithAutomationExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var out: [Finding] = []
        for cc in context.clusterContexts where cc.managementType == .autoManaged {
            guard let a = AgentAddon.addon(of: cc.cluster, context) else { continue }
            let addon = infra.addons[a]
            if addon.resource.isDataSource { continue }
            out.append(finding("\(addon.resource.address) declares the GuardDuty agent add-on for \(GuardDutyEndpoints.clusterLabel(cc.cluster, infra)), which GuardDuty already manages with automated agent configuration (\(cc.automatedAgent.whereDecided)): two owners of one add-on fight over its version and configuration",
                               at: addon.addonName.location ?? addon.resource.location, resource: addon.resource, attribute: addon.addonName.name,
                               clusterIndex: cc.cluster, in: context))
        }
        return out
    }
}

enum AgentAddonWithAutomationExamples {
    typealias F = AgentAddonFixture
    static let all: [RuleExample] = [
        RuleExample("plan: add-on declared with automated agent configuration", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.automated = "ENABLED" }), expect: [.init("aws_eks_addon.guardduty", attribute: "addon_name")]),
        RuleExample("plan: add-on declared with manual management", format: .terraformPlan, file: "plan.json", content: F.plan(), expect: []),
        RuleExample("tf.json: add-on declared with automated agent configuration", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.automated = "ENABLED" }), expect: [.init("aws_eks_addon.guardduty", attribute: "addon_name")]),
        RuleExample("tf.json: automated agent configuration, no add-on declared", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.automated = "ENABLED"; $0.addon = false }), expect: []),
        RuleExample("cfn: add-on declared with automated agent configuration", format: .cloudFormation, file: "eks.yaml",
                    content: F.cloudFormation(F.options { $0.automated = "ENABLED" }), expect: [.init("GuardDutyAgent", attribute: "AddonName")]),
        RuleExample("cfn: add-on declared with manual management", format: .cloudFormation, file: "eks.yaml", content: F.cloudFormation(), expect: []),
    ]
}
