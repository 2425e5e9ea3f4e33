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
