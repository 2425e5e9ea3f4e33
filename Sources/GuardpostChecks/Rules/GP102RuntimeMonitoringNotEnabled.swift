import GuardpostDocuments
import GuardpostModel

/// GuardDuty only looks at EKS clusters when Runtime Monitoring (or the legacy EKS Runtime Monitoring) is
/// enabled on the detector of the cluster's account and Region.
public struct RuntimeMonitoringNotEnabledRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP102", name: "runtime-monitoring-not-enabled",
        title: "Runtime Monitoring is not enabled for the cluster's account and Region",
        severity: .error, issueType: nil,
        rationale: "GuardDuty monitors an EKS cluster only when the detector of its account and Region has Runtime Monitoring (RUNTIME_MONITORING, or the legacy EKS_RUNTIME_MONITORING) enabled; the add-on \"will not work if you do not enable Runtime Monitoring\". A detector written with the feature DISABLED, an organization auto-enable of NONE, a detector that is itself disabled, a detector in the scan with no runtime feature at all, or a .guardpost.yml that declares runtimeMonitoring: disabled, all leave the cluster NOT MONITORED. A missing feature is only reported when the scan has a detector for that account and Region: otherwise the setting is simply not known (GP100).",
        remediation: [
            .terraformPlan: "Enable the feature on the account's detector (and the detector itself, enable = true):\n  resource \"aws_guardduty_detector_feature\" \"runtime_monitoring\" {\n    detector_id = aws_guardduty_detector.this.id\n    name        = \"RUNTIME_MONITORING\"\n    status      = \"ENABLED\"\n    additional_configuration {\n      name   = \"EKS_ADDON_MANAGEMENT\"\n      status = \"ENABLED\"\n    }\n  }\nIf it is enabled elsewhere (another stack, the console, the delegated administrator), declare it in .guardpost.yml (runtimeMonitoring: enabled).",
            .terraformJSON: "Add an aws_guardduty_detector_feature with \"name\": \"RUNTIME_MONITORING\", \"status\": \"ENABLED\" (and additional_configuration EKS_ADDON_MANAGEMENT ENABLED), or declare the setting in .guardpost.yml.",
            .cloudFormation: "In the AWS::GuardDuty::Detector, set Enable: true and make Features contain (add it, or set its Status):\n  - Name: RUNTIME_MONITORING\n    Status: ENABLED\n    AdditionalConfiguration:\n      - Name: EKS_ADDON_MANAGEMENT\n        Status: ENABLED",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eksrunmon-deploy-security-agent.html",
        examples: RuntimeMonitoringNotEnabledExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var out: [Finding] = []
        for cc in context.clusterContexts {
            let cluster = infra.clusters[cc.cluster]
            let name = ClusterFacts.displayName(cluster)
            let reasonPrefix = "Runtime Monitoring is not enabled for the cluster's account and Region"
            // A detector that is itself disabled decides first: no feature of it runs.
            if let d = ClusterFacts.disabledDetector(for: cc, in: context) {
                let detector = infra.detectors[d]
                out.append(finding("cluster '\(name)' is not monitored: GuardDuty detector \(detector.resource.address) is disabled (\(detector.enable.name) = false)",
                                   at: detector.enable.location ?? detector.resource.location, resource: detector.resource,
                                   attribute: detector.enable.name, clusterIndex: cc.cluster, in: context,
                                   effect: .notMonitored(reason: "the GuardDuty detector is disabled")))
                continue
            }
            switch cc.runtimeMonitoring.toggle {
            case .disabled:
                if cc.runtimeMonitoring.origin == "scan", let featureIndex = decidingFeature(cc, context) {
                    let f = infra.features[featureIndex]
                    let what = f.scope == .organization
                        ? "the organization configuration sets \(f.name.value ?? "the runtime feature") \(f.status.name) = \(f.status.value ?? "NONE")"
                        : "\(f.name.value ?? "the runtime feature") is \(f.status.value ?? "DISABLED")"
                    out.append(finding("cluster '\(name)' is not monitored: \(what) in \(f.resource.address)",
                                       at: f.status.location ?? f.location, resource: f.resource, attribute: f.status.name,
                                       clusterIndex: cc.cluster, in: context, effect: .notMonitored(reason: reasonPrefix)))
                } else {
                    out.append(finding("cluster '\(name)' is not monitored: \(cc.runtimeMonitoring.origin) declares runtimeMonitoring: disabled for \(scopeText(cc))",
                                       at: cluster.resource.location, resource: cluster.resource, clusterIndex: cc.cluster, in: context,
                                       effect: .notMonitored(reason: reasonPrefix + " (\(cc.runtimeMonitoring.origin))")))
                }
            case .unknown:
                // Absent feature: only when a detector for this account and Region is in the scan.
                guard cc.features.isEmpty, let d = ClusterFacts.detectors(for: cc, in: context).first else { continue }
                let detector = infra.detectors[d]
                let tf = detector.resource.format.isTerraform
                let featuresAttr = tf ? nil : "Features"
                let location = tf ? detector.resource.location
                    : (AttributeReader(detector.resource).node(["Features"])?.keyLocation ?? detector.resource.location)
                out.append(finding("cluster '\(name)' is not monitored: detector \(detector.resource.address) has no RUNTIME_MONITORING (or EKS_RUNTIME_MONITORING) feature, so Runtime Monitoring stays off for \(scopeText(cc))",
                                   at: location, resource: detector.resource, attribute: featuresAttr, clusterIndex: cc.cluster, in: context,
                                   effect: .notMonitored(reason: reasonPrefix + " (the detector has no runtime feature)")))
            case .enabled:
                continue
            }
        }
        return out
    }

    /// The feature that decided "disabled" (the one ClusterContext points at).
    func decidingFeature(_ cc: ClusterContext, _ context: CheckContext) -> Int? {
        cc.features.first { i in
            let f = context.infrastructure.features[i]
            return f.resource.address == cc.runtimeMonitoring.resource && (f.status.location ?? f.location) == cc.runtimeMonitoring.location
        } ?? cc.features.first
    }

    func scopeText(_ cc: ClusterContext) -> String {
        let parts = [cc.account.map { "account \($0)" }, cc.region.map { "region \($0)" }].compactMap { $0 }
        return parts.isEmpty ? "its account and Region" : parts.joined(separator: ", ")
    }
}

enum RuntimeMonitoringNotEnabledExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var disabled = ClusterFixture()
        disabled.features = [.init("RUNTIME_MONITORING", "DISABLED")]
        out += disabled.examples("RUNTIME_MONITORING DISABLED") { f in
            [.init(F.feature("RUNTIME_MONITORING", f), attribute: F.attribute("status", "Features[0].Status", f))]
        }
        var noFeature = ClusterFixture()
        noFeature.features = []
        out += noFeature.examples("detector without a runtime feature") { f in
            [.init(F.detector(f), attribute: f.isTerraform ? nil : "Features")]
        }
        var detectorOff = ClusterFixture()
        detectorOff.detectorEnable = false
        out += detectorOff.examples("detector disabled") { f in
            [.init(F.detector(f), attribute: F.attribute("enable", "Enable", f))]
        }
        var orgNone = ClusterFixture()
        orgNone.detector = false
        orgNone.features = []
        orgNone.organizationFeatures = [.init(name: "RUNTIME_MONITORING", autoEnable: "NONE", addonManagement: "NONE")]
        out += orgNone.examples("organization auto_enable NONE", formats: [.terraformPlan, .terraformJSON]) { _ in
            [.init(F.organizationFeature("RUNTIME_MONITORING"), attribute: "auto_enable")]
        }
        // The configuration file declares it disabled; nothing about GuardDuty in the scan.
        var declared = ClusterFixture()
        declared.detector = false
        declared.features = []
        out += declared.examples("declared disabled in .guardpost.yml",
                                 config: "region: us-east-1\naccounts:\n  - id: \"111122223333\"\n    runtimeMonitoring: disabled\n") { f in
            [.init(F.cluster(f))]
        }
        // Passing: enabled; no detector in the scan (unknown, GP100's business); declared enabled.
        out += ClusterFixture().examples("RUNTIME_MONITORING ENABLED") { _ in [] }
        out += declared.examples("no GuardDuty resource in the scan") { _ in [] }
        var legacy = ClusterFixture()
        legacy.features = [.init("EKS_RUNTIME_MONITORING", "ENABLED", addonManagement: "ENABLED")]
        out += legacy.examples("legacy EKS_RUNTIME_MONITORING ENABLED") { _ in [] }
        out += noFeature.examples("detector without the feature, but declared enabled in .guardpost.yml",
                                  config: "region: us-east-1\naccounts:\n  - id: \"111122223333\"\n    runtimeMonitoring: enabled\n    automatedAgentConfiguration: enabled\n") { _ in [] }
        return out
    }
}
