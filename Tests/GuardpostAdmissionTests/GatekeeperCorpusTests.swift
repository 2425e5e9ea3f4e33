import Foundation
import XCTest
@testable import GuardpostAdmission

/// Runs every gatekeeper-library `suite.yaml` in `../shared/corpus` through `GatorSuiteRunner`:
/// every case of a natively supported template must agree with the suite's expectations.
final class GatekeeperCorpusTests: XCTestCase {
    static var libraryRoot: String {
        // Tests/GuardpostAdmissionTests/<file> -> project root -> ../shared/corpus
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/corpus/open-policy-agent__gatekeeper-library/library").path
    }

    func testEveryCorpusSuiteAgreesForSupportedTemplates() throws {
        let root = Self.libraryRoot
        guard FileManager.default.fileExists(atPath: root) else { throw XCTSkip("corpus absent: \(root)") }
        let report = GatorSuiteRunner.runAll(paths: [root])
        XCTAssertTrue(report.unreadable.isEmpty, "\(report.unreadable)")
        XCTAssertGreaterThan(report.results.count, 100)
        var perTemplate: [String: (agreed: Int, disagreed: Int, skipped: Int)] = [:]
        for r in report.results {
            let key = r.name.split(separator: "/").first.map(String.init) ?? r.name
            var v = perTemplate[key, default: (0, 0, 0)]
            switch r.status {
            case .agreed: v.agreed += 1
            case .disagreed: v.disagreed += 1
            case .skipped: v.skipped += 1
            }
            perTemplate[key] = v
            XCTAssertNotEqual(r.status, .disagreed, "\(r.name): \(r.detail ?? "") actual \(r.actual)")
        }
        var table = "suite agreed disagreed skipped\n"
        for (k, v) in perTemplate.sorted(by: { $0.key < $1.key }) { table += "\(k) \(v.agreed) \(v.disagreed) \(v.skipped)\n" }
        print(table)
        // The templates guardpost evaluates natively must not be skipped.
        for suite in ["requiredlabels", "allowedrepos", "privileged-containers", "host-namespaces", "host-filesystem",
                      "capabilities", "users", "read-only-root-filesystem", "disallowedtags", "containerresources"] {
            let v = perTemplate[suite]
            XCTAssertNotNil(v, suite)
            XCTAssertEqual(v?.skipped, 0, suite)
            XCTAssertGreaterThan(v?.agreed ?? 0, 0, suite)
        }
    }
}
