import GuardpostDocuments
import GuardpostModel

/// Feature names and statuses are closed enumerations; anything else fails the deployment or is read as
/// something else than intended (`status = "FALSE"`).
public struct GuardDutyFeatureInvalidValueRule: Rule {
    public init() {}

    static let featureNames: Set<String> = ["S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS",
                                             "EKS_RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING", "AI_PROTECTION", "AI_ANALYST"]
    static let additionalNames: Set<String> = ["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT", "RDS_DATA_RISK"]
    static let detectorStatuses = ["ENABLED", "DISABLED"]
    static let organizationStatuses = ["ALL", "NEW", "NONE"]

    public let metadata = RuleMetadata(
        id: "GP104", name: "guardduty-feature-invalid-value",
        title: "A GuardDuty feature name, status or auto-enable value is not one GuardDuty accepts",
        severity: .error, issueType: nil,
        rationale: "Detector feature statuses are ENABLED or DISABLED, organization auto-enable values are ALL, NEW or NONE, and feature and additional-configuration names are fixed lists (GuardDuty API; Terraform and CloudFormation validate against the same enumerations, case-sensitively). A value such as status = \"FALSE\" or \"enabled\" makes the plan or the stack fail, or — where a tool passes it through — leaves Runtime Monitoring or automated agent configuration in a state nobody chose. guardpost cannot predict coverage from such a value.",
        remediation: [
            .terraformPlan: "Use the exact values: status = \"ENABLED\" | \"DISABLED\" (aws_guardduty_detector_feature and its additional_configuration); auto_enable = \"ALL\" | \"NEW\" | \"NONE\" (aws_guardduty_organization_configuration_feature); name = \"RUNTIME_MONITORING\" with additional_configuration name \"EKS_ADDON_MANAGEMENT\".",
            .terraformJSON: "Use \"status\": \"ENABLED\" or \"DISABLED\"; \"auto_enable\": \"ALL\", \"NEW\" or \"NONE\"; names exactly as GuardDuty spells them (RUNTIME_MONITORING, EKS_ADDON_MANAGEMENT).",
            .cloudFormation: "In the detector's Features, use Status: ENABLED or DISABLED (also in AdditionalConfiguration) and the exact names (RUNTIME_MONITORING, EKS_ADDON_MANAGEMENT).",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfiguration.html",
        examples: GuardDutyFeatureInvalidValueExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        var out: [Finding] = []
        for f in context.infrastructure.features {
            let allowed = f.scope == .organization ? Self.organizationStatuses : Self.detectorStatuses
            let what = f.scope == .organization ? "auto-enable value" : "status"
            if let name = f.name.effective, !Self.featureNames.contains(name) {
                out.append(invalid(f.name, "feature name", name, Self.featureNames.sorted(), f))
            }
            if let s = f.status.effective, !allowed.contains(s) {
                out.append(invalid(f.status, what, s, allowed, f, feature: f.name.value))
            }
            for a in f.additional {
                if let name = a.name.effective, !Self.additionalNames.contains(name) {
                    out.append(invalid(a.name, "additional configuration name", name, Self.additionalNames.sorted(), f))
                }
                if let s = a.status.effective, !allowed.contains(s) {
                    out.append(invalid(a.status, what, s, allowed, f, feature: a.name.value))
                }
            }
        }
        return out
    }

    func invalid(_ a: Attribute<String>, _ what: String, _ value: String, _ allowed: [String], _ f: GuardDutyFeature, feature: String? = nil) -> Finding {
        var hint = ""
        if let match = allowed.first(where: { $0.lowercased() == value.lowercased() }) { hint = " (values are case-sensitive: write \(match))" }
        else if ["FALSE", "TRUE"].contains(value.uppercased()) { hint = " (a boolean is not a status: write \(allowed.contains("DISABLED") ? "ENABLED or DISABLED" : "ALL, NEW or NONE"))" }
        let of = feature.map { " of \($0)" } ?? ""
        return finding("\(f.resource.address): \(what)\(of) \"\(value)\" is not valid; GuardDuty accepts \(allowed.joined(separator: ", "))\(hint)",
                       at: ClusterFacts.valueLocation(of: a, in: f.resource) ?? f.location, resource: f.resource, attribute: a.name)
    }
}

enum GuardDutyFeatureInvalidValueExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var falseStatus = ClusterFixture()
        falseStatus.features = [.init("RUNTIME_MONITORING", "ENABLED", addonManagement: "FALSE")]
        out += falseStatus.examples("additional configuration status \"FALSE\"") { f in
            [.init(F.feature("RUNTIME_MONITORING", f),
                   attribute: F.attribute("additional_configuration[0].status", "Features[0].AdditionalConfiguration[0].Status", f))]
        }
        var lower = ClusterFixture()
        lower.features = [.init("RUNTIME_MONITORING", "enabled", addonManagement: "ENABLED")]
        out += lower.examples("status in lower case") { f in
            [.init(F.feature("RUNTIME_MONITORING", f), attribute: F.attribute("status", "Features[0].Status", f))]
        }
        var typo = ClusterFixture()
        typo.features = [.init("RUNTIME_MONITOR", "ENABLED", addonManagement: "ENABLED")]
        out += typo.examples("misspelt feature name") { f in
            [.init(F.feature("RUNTIME_MONITOR", f), attribute: F.attribute("name", "Features[0].Name", f))]
        }
        var orgEnabled = ClusterFixture()
        orgEnabled.organizationFeatures = [.init(name: "RUNTIME_MONITORING", autoEnable: "ENABLED", addonManagement: "ALL")]
        out += orgEnabled.examples("organization auto_enable \"ENABLED\"", formats: [.terraformPlan, .terraformJSON]) { _ in
            [.init(F.organizationFeature("RUNTIME_MONITORING"), attribute: "auto_enable")]
        }
        out += ClusterFixture().examples("valid values") { _ in [] }
        var orgValid = ClusterFixture()
        orgValid.organizationFeatures = [.init(name: "RUNTIME_MONITORING", autoEnable: "NEW", addonManagement: "ALL")]
        out += orgValid.examples("valid organization values", formats: [.terraformPlan, .terraformJSON]) { _ in [] }
        return out
    }
}
