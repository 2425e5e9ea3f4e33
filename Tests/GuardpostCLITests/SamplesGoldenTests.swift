import XCTest
import GuardpostReports
@testable import GuardpostCLI
import GuardpostChecks

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Every sample folder with an `expected.txt` is scanned through the real pipeline and its text report
/// compared byte for byte. `GUARDPOST_UPDATE_GOLDEN=1 swift test --filter SamplesGoldenTests` rewrites them
/// (review the diff before committing).
final class SamplesGoldenTests: XCTestCase {
    func sampleFolders() throws -> [String] {
        let samples = packageRoot.appendingPathComponent("samples")
        var out: [String] = []
        let e = FileManager.default.enumerator(atPath: samples.path)
        while let rel = e?.nextObject() as? String {
            if (rel as NSString).lastPathComponent == "expected.txt" { out.append("samples/" + (rel as NSString).deletingLastPathComponent) }
        }
        return out.sorted()
    }

    func testSamplesMatchExpectedOutput() throws {
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(packageRoot.path))
        let folders = try sampleFolders()
        XCTAssertGreaterThanOrEqual(folders.count, 10, "samples with expected output: \(folders)")
        let update = ProcessInfo.processInfo.environment["GUARDPOST_UPDATE_GOLDEN"] == "1"
        for folder in folders {
            let result = try ScanPipeline(paths: [folder], workers: 1).run()
            let text = TextReport().render(result)
            let expectedPath = packageRoot.appendingPathComponent(folder).appendingPathComponent("expected.txt")
            if update { try text.write(to: expectedPath, atomically: true, encoding: .utf8); continue }
            let expected = try String(contentsOf: expectedPath, encoding: .utf8)
            XCTAssertEqual(text, expected, "\(folder): output differs from expected.txt (GUARDPOST_UPDATE_GOLDEN=1 to update)")
        }
    }

    /// Each sample demonstrates one GuardDuty issue (or not-monitored reason) and exits as a CI gate would.
    static let demonstrates: [(sample: String, text: String, exitCode: Int32)] = [
        ("terraform-broken", "predicted GuardDuty issue: VPC Endpoint Creation Failed: Enabling private DNS requires both", 1),
        ("cloudformation-broken", "predicted GuardDuty issue: VPC Endpoint Creation Failed: Enabling private DNS requires both", 1),
        ("terraform-healthy", "HEALTHY", 0),
        ("cloudformation-healthy", "HEALTHY", 0),
        ("version-unsupported", "Addon Creation Failed: Addon aws-guardduty-agent is not compatible with current cluster version of cluster orders. Addon specified is not supported.", 1),
        ("outposts", "Local EKS clusters: EKS addons are not supported on local outpost clusters.", 1),
        ("excluded-by-tag", "excluded by tag GuardDutyManaged=false", 0),
        ("runtime-monitoring-disabled", "[GP102 runtime-monitoring-not-enabled]", 1),
        ("fargate-only", "no supported compute", 0),
        ("manual-no-endpoint", "predicted GuardDuty issue: Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas", 1),
        ("shared-vpc-owner", "VPC Endpoint Creation Failed: Owner account ID 111122223333 for shared VPC vpc-0a1b2c3d4e5f60789 doesn't have either Runtime Monitoring, automated agent configuration, or both, enabled.", 1),
        ("shared-vpc-deletion", "Shared VPC Endpoint Deletion Failed: Shared VPC endpoint deletion not allowed for account ID 444455556666", 1),
        ("addon-conflict", "EKS Addon issue - ConfigurationConflict: Conflicts found when trying to apply.", 1),
        ("addon-config-invalid", "predicted GuardDuty issue: Addon Creation Failed", 1),
        ("scp-deny-telemetry", "[GP134 scp-denies-telemetry]", 1),
        ("nodes-too-small", "[GP132 nodegroup-instance-too-small]", 1),
        ("kubernetes/kyverno-registry-denied", "AdmissionRequestDenied: admission webhook \"validate.kyverno.svc-fail\" denied the request", 1),
        ("kubernetes/kyverno-registry-allowed", "0 errors", 0),
        ("kubernetes/gatekeeper-owner-label-denied", "AccessDenied: admission webhook \"validation.gatekeeper.sh\" denied the request: [all-namespace-must-have-label-owner]", 1),
        ("kubernetes/gatekeeper-owner-label-namespace", "0 errors", 0),
        ("kubernetes/gatekeeper-allowed-registries", "[allowed-container-registries] container <aws-guardduty-agent> has an invalid image repo", 1),
        ("kubernetes/rbac-binding-changed", "AccessDenied: namespaces \"amazon-guardduty\" is forbidden: User \"eks:addon-manager\" cannot patch", 1),
    ]

    func testEachSampleDemonstratesItsIssue() throws {
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(packageRoot.path))
        for d in Self.demonstrates {
            let folder = "samples/\(d.sample)"
            let result = try ScanPipeline(paths: [folder], workers: 1).run()
            let text = TextReport().render(result)
            XCTAssertTrue(text.contains(d.text), "\(folder) should show: \(d.text)")
            let exit: Int32 = result.findings.contains { $0.suppression == nil && $0.severity >= .error } ? 1 : 0
            XCTAssertEqual(exit, d.exitCode, "\(folder): exit code")
        }
    }

    /// The DNS rule fires on the broken samples in both formats and stays silent on the healthy ones.
    func testDNSRuleOnSamples() throws {
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(packageRoot.path))
        for (folder, fires) in [("samples/terraform-broken", true), ("samples/cloudformation-broken", true),
                                ("samples/terraform-healthy", false), ("samples/cloudformation-healthy", false)] {
            let result = try ScanPipeline(paths: [folder], workers: 1).run()
            let dns = result.findings.filter { $0.ruleId == "GP101" }
            XCTAssertEqual(!dns.isEmpty, fires, folder)
            if fires {
                XCTAssertEqual(result.predictions.first?.status, .unhealthy)
                XCTAssertTrue(result.predictions.first?.issue?.hasPrefix("VPC Endpoint Creation Failed: Enabling private DNS requires both enableDnsSupport and enableDnsHostnames") == true)
            } else {
                XCTAssertEqual(result.predictions.first?.status, .healthy, folder)
            }
        }
    }
}

final class RulesDocumentationTests: XCTestCase {
    /// docs/rules.md is generated from the registry; it must be current.
    func testRulesMarkdownIsCurrent() throws {
        let committed = try String(contentsOf: packageRoot.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        let generated = RuleDocumentation.markdown(RuleRegistry.all.map(\.metadata))
        XCTAssertEqual(committed, generated, "docs/rules.md is stale: run `guardpost rules list --markdown > docs/rules.md`")
    }
}
