import XCTest
import Foundation
import GuardpostChecks
import GuardpostReports
import GuardpostCLI

/// `guardpost scan samples/<name> --no-config` against the committed `samples/<name>/expected.txt`, run from the
/// package root exactly as the expected files were produced (paths in the output are relative, as given).
///
/// After a deliberate change, regenerate with:
///   swift build && .build/debug/guardpost scan samples/<name> --no-config > samples/<name>/expected.txt
final class SampleGoldenTests: XCTestCase {
    /// One sample per GuardDuty issue type or not-monitored reason these rules predict, with the CLI's exit code.
    static let samples: [(name: String, exitCode: Int32)] = [
        ("version-unsupported", 1),          // Addon Creation Failed
        ("outposts", 1),                     // Local EKS clusters
        ("excluded-by-tag", 0),              // not monitored: GuardDutyManaged=false
        ("runtime-monitoring-disabled", 1),  // not monitored: Runtime Monitoring off
        ("fargate-only", 0),                 // not monitored: no supported compute
    ]

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testSamplesMatchExpectedOutput() throws {
        let fm = FileManager.default
        let previous = fm.currentDirectoryPath
        XCTAssertTrue(fm.changeCurrentDirectoryPath(Self.packageRoot.path))
        defer { _ = fm.changeCurrentDirectoryPath(previous) }
        for sample in Self.samples {
            let path = "samples/\(sample.name)"
            let expected = try String(contentsOfFile: path + "/expected.txt", encoding: .utf8)
            let result = try ScanPipeline(paths: [path], workers: 1, noConfig: true).run()
            let output = TextReport(color: false, showInfo: true).render(result)
            if output != expected {
                XCTFail("\(path): output differs from expected.txt at line \(firstDifference(output, expected)); regenerate with `.build/debug/guardpost scan \(path) --no-config > \(path)/expected.txt` if the change is intended")
            }
            // The CLI's exit code with the default threshold (error).
            let exit: Int32 = result.findings.contains { $0.suppression == nil && $0.severity >= .error } ? 1 : 0
            XCTAssertEqual(exit, sample.exitCode, "\(path): exit code")
        }
    }

    func firstDifference(_ a: String, _ b: String) -> Int {
        let la = a.split(separator: "\n", omittingEmptySubsequences: false)
        let lb = b.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(la.count, lb.count) where i >= la.count || i >= lb.count || la[i] != lb[i] { return i + 1 }
        return 0
    }
}
