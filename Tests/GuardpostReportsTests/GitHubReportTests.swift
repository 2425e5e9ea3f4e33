import Foundation
import XCTest
import GuardpostChecks
@testable import GuardpostReports
import GuardpostCLI

final class GitHubReportTests: XCTestCase {
    override func setUp() { ReportTestSupport.enterPackageRoot() }

    func testEscapingFollowsGitHubsRules() {
        XCTAssertEqual(GitHubReport.escapeData("100% a:b,c\r\nd"), "100%25 a:b,c%0D%0Ad")
        XCTAssertEqual(GitHubReport.escapeProperty("100% a:b,c\r\nd"), "100%25 a%3Ab%2Cc%0D%0Ad")
        // `%` first: an input that already looks escaped stays as written.
        XCTAssertEqual(GitHubReport.escapeData("%0A"), "%250A")
        XCTAssertEqual(GitHubReport.escapeData("\u{1B}[31mred"), "\\u{1b}[31mred")
    }

    /// The runner's unescaping, to check that what it reads back is what was meant.
    func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%0A", with: "\n")
            .replacingOccurrences(of: "%3A", with: ":").replacingOccurrences(of: "%2C", with: ",")
            .replacingOccurrences(of: "%25", with: "%")
    }

    func testAnnotationHasLocationAndTitle() throws {
        let out = GitHubReport().render(try ReportTestSupport.result(ReportTestSupport.cases[0]))
        let lines = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix("::error file=samples/terraform-broken/plan.json,line=107,col=17,endLine=107,endColumn=39,title=GP101 vpc-dns-attributes::VPC module.vpc.aws_vpc.this[0]"), lines[0])
        XCTAssertTrue(lines[0].contains("%0AFix: In the aws_vpc resource"))
        XCTAssertEqual(lines[1], "guardpost: 1 error, 0 warnings, 0 info; coverage prediction: 0 of 1 cluster healthy (0%).")
    }

    func testHostileNamesCannotInjectCommands() throws {
        let out = GitHubReport().render(try ReportTestSupport.result(ReportTestSupport.hostileCase()))
        XCTAssertFalse(out.contains("\r") || out.contains("\u{1B}"))
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        // Two active errors (one suppressed finding is not annotated), the other rules' warnings, and the summary line.
        XCTAssertEqual(lines.filter { $0.hasPrefix("::error ") }.count, 2, out)
        for line in lines.dropLast() {
            let command = ["error", "warning", "notice"].first { line.hasPrefix("::\($0) ") }
            XCTAssertNotNil(command, line)
            // Exactly one `::` after the command name ends the properties: the name's `::` is data.
            let afterCommand = line.dropFirst(2)
            let parts = afterCommand.components(separatedBy: "::")
            XCTAssertGreaterThanOrEqual(parts.count, 2)
            let properties = parts[0].dropFirst((command ?? "error").count + 1).split(separator: ",")
            for p in properties {
                let kv = p.split(separator: "=", maxSplits: 1)
                XCTAssertEqual(kv.count, 2, "property \(p) split by an unescaped comma")
                XCTAssertFalse(kv[1].contains(":"), "unescaped colon in property \(p)")
            }
        }
        let hostileLine = try XCTUnwrap(lines.first { $0.contains("aws_vpc.net") })
        let message = String(hostileLine[hostileLine.range(of: "::", options: [], range: hostileLine.index(hostileLine.startIndex, offsetBy: 2)..<hostileLine.endIndex)!.upperBound...])
        let expected = ReportTestSupport.hostile.replacingOccurrences(of: "\u{1B}", with: "\\u{1b}")
        XCTAssertTrue(unescape(message).contains("aws_vpc.net[\"\(expected)\"]"), unescape(message))
        XCTAssertTrue(lines.last!.hasPrefix("guardpost: 2 errors, "), lines.last!)
        XCTAssertTrue(lines.last!.contains(", 1 suppressed"), lines.last!)
    }

    func testFilePropertyEscapesCommasAndColons() throws {
        let dir = try ReportTestSupport.temporaryDirectory("gh")
        let path = dir.appendingPathComponent("a,b:c%d.json")
        try "{\"format_version\": ".write(to: path, atomically: true, encoding: .utf8)
        let out = GitHubReport().render(try ScanPipeline(paths: [path.path], noConfig: true).run())
        let line = try XCTUnwrap(out.split(separator: "\n").first.map(String.init))
        XCTAssertTrue(line.contains("file=\(dir.path.replacingOccurrences(of: ":", with: "%3A"))/a%2Cb%3Ac%25d.json,line="), line)
    }

    func testMultiLineRegionHasNoColumns() throws {
        // The hostile fixture's suppressed finding points at the whole VPC resource (lines 60-78); make a
        // copy active by dropping the configuration.
        let result = try ScanPipeline(paths: ["\(ReportTestSupport.fixtures)/hostile/plan.json"], noConfig: true).run()
        let out = GitHubReport().render(result)
        let legacy = try XCTUnwrap(out.split(separator: "\n").first { $0.contains("aws_vpc.legacy") })
        XCTAssertTrue(legacy.contains(",line=60,endLine="), String(legacy))
        XCTAssertFalse(legacy.contains("col="), String(legacy))
    }

    func testInfoFindingIsANotice() throws {
        let c = try XCTUnwrap(ReportTestSupport.cases.first { $0.name == "unverified" })
        let out = GitHubReport().render(try ReportTestSupport.result(c))
        XCTAssertTrue(out.hasPrefix("::notice file=\(ReportTestSupport.fixtures)/unverified/eks.yaml,line=15,col=3,"), out)
    }
}
