import Foundation
import XCTest
import GuardpostChecks
import GuardpostReports
@testable import GuardpostCLI

/// Every format over every sample, byte for byte against `Golden/<case>.<ext>`.
/// `GUARDPOST_UPDATE_GOLDEN=1 swift test --filter GoldenFileTests` rewrites them; review the diff.
final class GoldenFileTests: XCTestCase {
    override func setUp() { ReportTestSupport.enterPackageRoot() }

    var updating: Bool { ProcessInfo.processInfo.environment["GUARDPOST_UPDATE_GOLDEN"] == "1" }

    func testEveryFormatMatchesItsGoldenFile() throws {
        for c in ReportTestSupport.cases {
            let result = try ReportTestSupport.result(c)
            for format in ReportTestSupport.formats {
                let path = "\(ReportTestSupport.goldenDirectory)/\(c.name).\(format.ext)"
                check(format.render(result), against: path)
            }
        }
    }

    /// A second, independent scan (parallel loading included) gives the same bytes in every format.
    func testOutputIsDeterministicAcrossRuns() throws {
        for c in ReportTestSupport.cases {
            var pipeline = c.pipeline
            pipeline.workers = 4
            let again = try pipeline.run()
            let first = try ReportTestSupport.result(c)
            for format in ReportTestSupport.formats {
                XCTAssertEqual(format.render(first), format.render(again), "\(c.name).\(format.ext) differs between two runs")
            }
        }
    }

    func testGoldenFilesHaveNoStrayEntries() throws {
        let expected = Set(ReportTestSupport.cases.flatMap { c in ReportTestSupport.formats.map { "\(c.name).\($0.ext)" } })
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: ReportTestSupport.goldenDirectory))
        XCTAssertEqual(present.subtracting(expected).sorted(), [], "golden files no test compares with")
    }

    func check(_ actual: String, against path: String, file: StaticString = #filePath, line: UInt = #line) {
        if updating {
            XCTAssertNoThrow(try Data(actual.utf8).write(to: URL(fileURLWithPath: path)))
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            XCTFail("missing golden file \(path); run GUARDPOST_UPDATE_GOLDEN=1 swift test --filter GoldenFileTests", file: file, line: line)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        guard expected != actual else { return }
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let at = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
        let got = at < a.count ? String(a[at]) : "<end of output>"
        let want = at < e.count ? String(e[at]) : "<end of file>"
        XCTFail("""
        \(path) differs at line \(at + 1):
          expected: \(want)
          actual:   \(got)
        If the change is intended: GUARDPOST_UPDATE_GOLDEN=1 swift test --filter GoldenFileTests
        """, file: file, line: line)
    }
}
