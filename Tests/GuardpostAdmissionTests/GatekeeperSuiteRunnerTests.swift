import Foundation
import GuardpostDocuments
import XCTest
@testable import GuardpostAdmission

final class GatekeeperSuiteRunnerTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("gator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func testCasesAgreeDisagreeAndSkip() throws {
        try write("template.yaml", GatekeeperEngineTests.requiredLabelsTemplate)
        try write("constraint.yaml", GatekeeperEngineTests.ownerConstraint())
        try write("ns.yaml", GatekeeperEngineTests.guardDutyNamespace)
        try write("unknown.yaml", GatekeeperEngineTests.requiredLabelsTemplate.replacingOccurrences(of: "not regex.match(expected.allowedRegex, value)", with: "startswith(value, \"x\")"))
        try write("suite.yaml", """
            kind: Suite
            apiVersion: test.gatekeeper.sh/v1alpha1
            metadata:
              name: owner
            tests:
            - name: owner
              template: template.yaml
              constraint: constraint.yaml
              cases:
              - name: right
                object: ns.yaml
                assertions:
                - violations: yes
                  message: "owner"
              - name: wrong
                object: ns.yaml
                assertions:
                - violations: 2
            - name: other
              template: unknown.yaml
              constraint: constraint.yaml
              cases:
              - name: skipped
                object: ns.yaml
                assertions:
                - violations: no
            """)
        let report = GatorSuiteRunner.runAll(paths: [dir.path])
        XCTAssertEqual(report.results.map(\.status), [.agreed, .disagreed, .skipped])
        XCTAssertEqual(report.exitCode, 1)
        XCTAssertTrue(report.results[1].detail?.contains("got 1 violations but want violations: 2") ?? false, report.results[1].detail ?? "")
        XCTAssertTrue(report.results[1].detail?.contains("template.yaml:") ?? false)
        XCTAssertTrue(report.results[2].detail?.contains("cannot evaluate") ?? false)
        XCTAssertTrue(GatorSuiteRunner.render(report.results).contains("--- FAIL: owner/owner/wrong"))
    }

    func testUnreadableSuiteExitsTwo() throws {
        try write("suite.yaml", "kind: Suite\ntests: [\n")
        let report = GatorSuiteRunner.runAll(paths: [dir.path])
        XCTAssertEqual(report.unreadable.count, 1)
        XCTAssertEqual(report.exitCode, 2)
    }
}
