import GuardpostDocuments
import GuardpostModel

/// RUNTIME_MONITORING replaced EKS_RUNTIME_MONITORING; declaring both for one detector conflicts.
public struct RuntimeMonitoringFeatureConflictRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP103", name: "runtime-monitoring-feature-conflict",
        title: "Both RUNTIME_MONITORING and the legacy EKS_RUNTIME_MONITORING are declared for the same detector",
        severity: .warning, issueType: nil,
        rationale: "RUNTIME_MONITORING superseded EKS_RUNTIME_MONITORING. The Terraform provider documents that \"only one of two features EKS_RUNTIME_MONITORING or RUNTIME_MONITORING can be added, adding both features will cause an error\", and when the two disagree the result is unclear: disabling Runtime Monitoring while the legacy feature stays enabled keeps EKS Runtime Monitoring (and its cost) running. Declare RUNTIME_MONITORING only.",
        remediation: [
            .terraformPlan: "Remove the aws_guardduty_detector_feature (or organization configuration feature) named EKS_RUNTIME_MONITORING and keep the one named RUNTIME_MONITORING, with additional_configuration EKS_ADDON_MANAGEMENT as needed.",
            .terraformJSON: "Remove the feature named EKS_RUNTIME_MONITORING; keep RUNTIME_MONITORING.",
            .cloudFormation: "Remove the EKS_RUNTIME_MONITORING entry from the detector's Features; keep RUNTIME_MONITORING (with its AdditionalConfiguration).",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring-configuration.html",
        examples: RuntimeMonitoringFeatureConflictExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        // Group features by detector: CloudFormation features live in the detector resource; Terraform
        // features name theirs through detector_id (a reference, or a literal id).
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for (i, f) in infra.features.enumerated() {
            let key = "\(f.scope.rawValue)|\(detectorKey(f))"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(i)
        }
        var out: [Finding] = []
        for key in order {
            let members = groups[key]!.map { infra.features[$0] }
            guard let current = members.first(where: { $0.name.value == "RUNTIME_MONITORING" }) else { continue }
            for legacy in members where legacy.name.value == "EKS_RUNTIME_MONITORING" {
                let statuses = "\(current.status.value ?? "?") / \(legacy.status.value ?? "?")"
                out.append(finding("\(legacy.resource.address) declares the legacy EKS_RUNTIME_MONITORING feature next to RUNTIME_MONITORING (\(current.resource.address)) for the same detector (statuses \(statuses)); declare RUNTIME_MONITORING only",
                                   at: legacy.name.location ?? legacy.location, resource: legacy.resource, attribute: legacy.name.name))
            }
        }
        return out
    }

    func detectorKey(_ f: GuardDutyFeature) -> String {
        let r = f.resource
        if !r.format.isTerraform { return "\(r.scope)|\(r.address)" }
        if let ref = r.references.first(where: { $0.path.dotted == "detector_id" }) { return "\(r.scope)|ref:\(ref.target)" }
        if let id = r.attributes["detector_id"]?.scalarText { return "id:\(id)" }
        return "\(r.scope)|region:\(r.region ?? "")"
    }
}

enum RuntimeMonitoringFeatureConflictExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var both = ClusterFixture()
        both.features = [.init("RUNTIME_MONITORING", "ENABLED", addonManagement: "ENABLED"), .init("EKS_RUNTIME_MONITORING", "ENABLED")]
        out += both.examples("both features declared") { f in
            [.init(F.feature("EKS_RUNTIME_MONITORING", f), attribute: F.attribute("name", "Features[1].Name", f))]
        }
        var orgBoth = ClusterFixture()
        orgBoth.organizationFeatures = [.init(name: "RUNTIME_MONITORING", autoEnable: "ALL", addonManagement: "ALL"),
                                        .init(name: "EKS_RUNTIME_MONITORING", autoEnable: "NONE")]
        out += orgBoth.examples("both organization features declared", formats: [.terraformPlan, .terraformJSON]) { _ in
            [.init(F.organizationFeature("EKS_RUNTIME_MONITORING"), attribute: "name")]
        }
        out += ClusterFixture().examples("RUNTIME_MONITORING only") { _ in [] }
        var legacyOnly = ClusterFixture()
        legacyOnly.features = [.init("EKS_RUNTIME_MONITORING", "ENABLED", addonManagement: "ENABLED")]
        out += legacyOnly.examples("EKS_RUNTIME_MONITORING only") { _ in [] }
        return out
    }
}
