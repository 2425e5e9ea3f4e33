import XCTest
import Foundation
import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge
@testable import GuardpostChecks

/// The per-cluster prediction (status, management type, add-on version, issue as GuardDuty prints it) over the
/// samples and over the rule examples' setups, with every registered rule — as `guardpost scan` computes it.
final class CoveragePredictionTests: XCTestCase {
    struct Expected: Equatable, CustomStringConvertible {
        var cluster: String
        var status: CoverageStatus
        var management: ManagementType?
        var addonVersion: String?
        var issue: String?
        init(_ cluster: String, _ status: CoverageStatus, _ management: ManagementType?, _ addonVersion: String?, _ issue: String? = nil) {
            self.cluster = cluster
            self.status = status
            self.management = management
            self.addonVersion = addonVersion
            self.issue = issue
        }
        var description: String { "\(cluster) \(status.rawValue) \(management?.rawValue ?? "-") \(addonVersion ?? "-") \(issue ?? "-")" }
    }

    static let newest = Knowledge.embedded.newestAgent.description
    static func addonCreationFailed(_ cluster: String) -> String {
        "Addon Creation Failed: Addon aws-guardduty-agent is not compatible with current cluster version of cluster \(cluster). Addon specified is not supported."
    }
    static let localClusters = "Local EKS clusters: EKS addons are not supported on local outpost clusters."
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    // MARK: Samples

    func testSamples() throws {
        let vpcIssue = "VPC Endpoint Creation Failed: Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for "
        let cases: [(String, [Expected])] = [
            ("terraform-healthy", [.init("prod", .healthy, .autoManaged, Self.newest)]),
            ("terraform-broken", [.init("prod", .unhealthy, .autoManaged, Self.newest, vpcIssue + "module.vpc.aws_vpc.this[0]")]),
            ("cloudformation-healthy", [.init("payments", .healthy, .autoManaged, Self.newest)]),
            ("cloudformation-broken", [.init("payments", .unhealthy, .autoManaged, Self.newest, vpcIssue + "Vpc")]),
            ("version-unsupported", [.init("orders", .unhealthy, .manual, nil, Self.addonCreationFailed("orders"))]),
            ("outposts", [.init("factory-edge", .unhealthy, .autoManaged, nil, Self.localClusters)]),
            ("excluded-by-tag", [.init("payments", .notMonitored, .autoManaged, nil), .init("web", .healthy, .autoManaged, Self.newest)]),
            ("runtime-monitoring-disabled", [.init("analytics", .notMonitored, .disabled, nil)]),
            ("fargate-only", [.init("serverless", .notMonitored, .autoManaged, nil)]),
        ]
        for (name, want) in cases {
            let dir = Self.packageRoot.appendingPathComponent("samples/\(name)").path
            let load = InputLoader.load(paths: [dir], options: .init(workers: 1))
            let result = Scanner().scan(InfrastructureBuilder.build(load))
            XCTAssertEqual(got(result), want, "samples/\(name)")
        }
    }

    func testPredictionReasons() throws {
        let excluded = try scanSample("excluded-by-tag").predictions.first { $0.clusterName == "payments" }
        XCTAssertEqual(excluded?.reason, "excluded by tag GuardDutyManaged=false")
        let fargate = try scanSample("fargate-only").predictions.first
        XCTAssertEqual(fargate?.reason, "no supported compute (only 2 Fargate profiles)")
    }

    // MARK: Rule example setups, in every format

    func testExampleSetups() throws {
        typealias F = ClusterFixture
        var manual = ClusterFixture()
        manual.features = [.init("RUNTIME_MONITORING", "ENABLED", addonManagement: "DISABLED")]

        var cases: [(String, ClusterFixture, Expected)] = []
        cases.append(("automated configuration", ClusterFixture(), .init("prod", .healthy, .autoManaged, Self.newest)))
        var pinnedFits = manual
        pinnedFits.version = "1.31"
        pinnedFits.addon = .some("v1.10.0-eksbuild.2")
        cases.append(("manual, v1.10.0 on 1.31", pinnedFits, .init("prod", .healthy, .manual, "v1.10.0-eksbuild.2")))
        var pinnedOld = pinnedFits
        pinnedOld.version = "1.34"
        cases.append(("manual, v1.10.0 on 1.34", pinnedOld, .init("prod", .unhealthy, .manual, nil, Self.addonCreationFailed("prod"))))
        var autoOld = ClusterFixture()
        autoOld.version = "1.27"
        cases.append(("automated, Kubernetes 1.27", autoOld, .init("prod", .unhealthy, .autoManaged, nil, Self.addonCreationFailed("prod"))))
        var unsetPinned = pinnedFits
        unsetPinned.version = nil
        cases.append(("version unset, v1.10.0 pinned (assumed default 1.36)", unsetPinned,
                      .init("prod", .unhealthy, .manual, nil, Self.addonCreationFailed("prod"))))
        var unpinned = manual
        unpinned.addon = .some(nil)
        cases.append(("manual, add-on without version", unpinned, .init("prod", .healthy, .manual, nil)))
        cases.append(("manual, no add-on in the scan", manual, .init("prod", .healthy, .manual, nil)))
        var outposts = ClusterFixture()
        outposts.outposts = true
        outposts.nodeGroups = []
        cases.append(("local cluster on Outposts", outposts, .init("prod", .unhealthy, .autoManaged, nil, Self.localClusters)))
        var excludedOutposts = outposts
        excludedOutposts.tags = [("GuardDutyManaged", "false")]
        cases.append(("Outposts cluster excluded by tag", excludedOutposts, .init("prod", .notMonitored, .autoManaged, nil)))
        var excluded = ClusterFixture()
        excluded.tags = [("GuardDutyManaged", "false")]
        cases.append(("excluded by tag", excluded, .init("prod", .notMonitored, .autoManaged, nil)))
        var badTag = ClusterFixture()
        badTag.tags = [("GuardDutyManaged", "FALSE")]
        cases.append(("invalid tag value is ignored", badTag, .init("prod", .healthy, .autoManaged, Self.newest)))
        var off = ClusterFixture()
        off.features = [.init("RUNTIME_MONITORING", "DISABLED")]
        cases.append(("Runtime Monitoring DISABLED", off, .init("prod", .notMonitored, .disabled, nil)))
        var noFeature = ClusterFixture()
        noFeature.features = []
        cases.append(("detector without runtime feature", noFeature, .init("prod", .notMonitored, .disabled, nil)))
        var detectorOff = ClusterFixture()
        detectorOff.detectorEnable = false
        cases.append(("detector disabled", detectorOff, .init("prod", .notMonitored, .disabled, nil)))
        var fargateOnly = ClusterFixture()
        fargateOnly.nodeGroups = []
        fargateOnly.fargateProfiles = [("default", "default")]
        cases.append(("Fargate only", fargateOnly, .init("prod", .notMonitored, .autoManaged, nil)))
        var windowsOnly = ClusterFixture()
        windowsOnly.nodeGroups = [.init("win", amiType: "WINDOWS_CORE_2022_x86_64")]
        cases.append(("Windows only", windowsOnly, .init("prod", .notMonitored, .autoManaged, nil)))
        var noComputeOld = autoOld
        noComputeOld.nodeGroups = []
        cases.append(("no compute, but the add-on cannot be created: GuardDuty's issue wins", noComputeOld,
                      .init("prod", .unhealthy, .autoManaged, nil, Self.addonCreationFailed("prod"))))
        var autoMode = ClusterFixture()
        autoMode.nodeGroups = []
        autoMode.autoMode = true
        cases.append(("EKS Auto Mode", autoMode, .init("prod", .healthy, .autoManaged, Self.newest)))
        var hybridAndEC2 = ClusterFixture()
        hybridAndEC2.hybridNodes = true
        cases.append(("hybrid nodes next to EC2 nodes", hybridAndEC2, .init("prod", .healthy, .autoManaged, Self.newest)))

        for (name, fixture, want) in cases {
            for example in fixture.examples(name, expect: { _ in [] }) {
                let result = try scan(example)
                XCTAssertEqual(got(result), [want], example.name)
            }
        }
    }

    /// With the settings declared in `.guardpost.yml` (the detector lives elsewhere), the same predictions follow.
    func testExampleSetupWithDeclaredSettings() throws {
        var fixture = ClusterFixture()
        fixture.detector = false
        fixture.features = []
        fixture.version = "1.27"
        let config = "region: us-east-1\naccounts:\n  - id: \"111122223333\"\n    runtimeMonitoring: enabled\n    automatedAgentConfiguration: enabled\n"
        for example in fixture.examples("declared automated configuration", config: config, expect: { _ in [] }) {
            XCTAssertEqual(got(try scan(example)), [.init("prod", .unhealthy, .autoManaged, nil, Self.addonCreationFailed("prod"))], example.name)
        }
        let off = "region: us-east-1\naccounts:\n  - id: \"111122223333\"\n    runtimeMonitoring: disabled\n"
        for example in fixture.examples("declared disabled", config: off, expect: { _ in [] }) {
            XCTAssertEqual(got(try scan(example)), [.init("prod", .notMonitored, .disabled, nil)], example.name)
        }
    }

    /// The add-on version not pinned: the prediction says what it cannot know.
    func testUnpinnedAddonIsReportedAsUnverified() throws {
        var fixture = ClusterFixture()
        fixture.features = [.init("RUNTIME_MONITORING", "ENABLED", addonManagement: "DISABLED")]
        fixture.addon = .some(nil)
        for example in fixture.examples("unpinned", expect: { _ in [] }) {
            let p = try scan(example).predictions[0]
            XCTAssertNil(p.addonVersion, example.name)
            XCTAssertTrue(p.unverified.contains { $0.contains("does not pin one") && $0.contains("Kubernetes 1.33") }, "\(example.name): \(p.unverified)")
        }
    }

    // MARK: Helpers

    func got(_ result: ScanResult) -> [Expected] {
        result.predictions.map { .init($0.clusterName, $0.status, $0.managementType, $0.addonVersion, $0.issue) }.sorted { $0.cluster < $1.cluster }
    }

    func scanSample(_ name: String) throws -> ScanResult {
        let load = InputLoader.load(paths: [Self.packageRoot.appendingPathComponent("samples/\(name)").path], options: .init(workers: 1))
        return Scanner().scan(InfrastructureBuilder.build(load))
    }

    /// Writes the example's files to a temporary folder and scans them with every registered rule.
    func scan(_ example: RuleExample) throws -> ScanResult {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gp-prediction-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var accounts = AccountContext()
        for (name, content) in example.files {
            let url = dir.appendingPathComponent(name)
            try content.write(to: url, atomically: true, encoding: .utf8)
            if name == AccountContextLoader.fileName { accounts = try AccountContextLoader.load(path: url.path) }
        }
        let paths = example.files.map(\.name).filter { $0 != AccountContextLoader.fileName }.map { dir.appendingPathComponent($0).path }
        let load = InputLoader.load(paths: paths, options: .init(workers: 1, region: accounts.defaultRegion))
        return Scanner(knowledge: .embedded, accounts: accounts).scan(InfrastructureBuilder.build(load))
    }
}
