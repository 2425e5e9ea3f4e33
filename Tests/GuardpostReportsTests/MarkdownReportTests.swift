import Foundation
import XCTest
import GuardpostChecks
@testable import GuardpostReports
import GuardpostCLI

final class MarkdownReportTests: XCTestCase {
    override func setUp() { ReportTestSupport.enterPackageRoot() }

    /// The text outside inline code spans (what Markdown would interpret).
    func outsideCodeSpans(_ s: String) -> String {
        let chars = Array(s)
        var out = ""
        var i = 0
        func run(at j: Int) -> Int { var k = j; while k < chars.count && chars[k] == "`" { k += 1 }; return k - j }
        while i < chars.count {
            if chars[i] == "`" && (i == 0 || chars[i - 1] != "\\") {
                let n = run(at: i)
                var j = i + n
                var closed: Int?
                while j < chars.count {
                    if chars[j] == "`" { let m = run(at: j); if m == n { closed = j; break }; j += m } else { j += 1 }
                }
                if let c = closed { i = c + n; out.append("␣"); continue }
            }
            out.append(chars[i])
            i += 1
        }
        return out
    }

    /// Pipes that split GFM table cells.
    func unescapedPipes(_ line: String) -> Int {
        var count = 0
        var previous: Character = " "
        for ch in line { if ch == "|" && previous != "\\" { count += 1 }; previous = ch }
        return count
    }

    func testHostileNamesStayText() throws {
        let md = MarkdownReport().render(try ReportTestSupport.result(ReportTestSupport.hostileCase()))
        XCTAssertFalse(md.contains("\u{1B}") || md.contains("\r"), "control characters in Markdown")
        let prose = outsideCodeSpans(md)
        // Outside code spans, markup from the input is backslash-escaped (or an entity in HTML blocks).
        var markup = prose
        for tag in ["<details>", "</details>", "<summary>", "</summary>", "<sub>", "</sub>"] { markup = markup.replacingOccurrences(of: tag, with: "") }
        let bare = zip(markup, " " + markup).filter { $0.0 == "<" && $0.1 != "\\" }.count
        XCTAssertEqual(bare, 0, "an unescaped < from the input: \(prose)")
        XCTAssertFalse(prose.replacingOccurrences(of: "\\@", with: "").contains("@octocat"), "an @mention would ping someone")
        XCTAssertTrue(prose.contains("\\<script\\>"))
        // Table rows keep their five columns whatever the names contain.
        let rows = md.split(separator: "\n").filter { $0.hasPrefix("| ") }
        XCTAssertEqual(rows.count, 4, "header, separator, two clusters")
        for row in rows { XCTAssertEqual(unescapedPipes(String(row)), 6, String(row)) }
        // The suppression's justification is listed with its source.
        XCTAssertTrue(md.contains("1 suppressed finding"))
        XCTAssertTrue(md.contains("\\<b\\>\"retired\"\\</b\\> \\& 'replaced'"), md)
    }

    func testCodeSpansHoldAnyBackticks() {
        XCTAssertEqual(MarkdownText.code("a`b"), "``a`b``")
        XCTAssertEqual(MarkdownText.code("`x`"), "`` `x` ``")
        XCTAssertEqual(MarkdownText.tableCode("a|b"), "`a\\|b`")
        XCTAssertEqual(MarkdownText.codeBlock("```\nx"), "````\n```\nx\n````")
        XCTAssertEqual(MarkdownText.escape("*a* [l](u) @me #1 a|b"), "\\*a\\* \\[l\\]\\(u\\) \\@me \\#1 a\\|b")
    }

    func testFindingsAreGroupedByClusterWithTheCoverageTable() throws {
        let md = MarkdownReport().render(try ReportTestSupport.result(ReportTestSupport.cases[0]))
        XCTAssertTrue(md.contains("**0 of 1 cluster healthy (0%)** · 1 error · 0 warnings · 0 info · 1 file scanned"), md)
        XCTAssertTrue(md.contains("| `prod` | ❌ UNHEALTHY | AUTO_MANAGED | `v1.16.0-eksbuild.2` | VPC Endpoint Creation Failed: "), md)
        XCTAssertTrue(md.contains("#### Cluster `prod` (`aws_eks_cluster.prod`): ❌ UNHEALTHY\n\n- 🔴 **error** [GP101 vpc-dns-attributes]("), md)
        XCTAssertTrue(md.contains("<details><summary>How to fix GP101:"))
    }

    /// Many clusters and findings: the comment lists the most severe up to the cap and counts the rest.
    func testLongResultsAreCappedAndCounted() throws {
        var resources: [ExamplePlan.Resource] = [
            .init("aws_guardduty_detector_feature.rm", "aws_guardduty_detector_feature",
                  values: #"{"name":"RUNTIME_MONITORING","status":"ENABLED","additional_configuration":[{"name":"EKS_ADDON_MANAGEMENT","status":"ENABLED"}]}"#),
        ]
        for i in 0..<40 {
            resources.append(.init("aws_vpc.v\(i)", "aws_vpc", values: #"{"cidr_block":"10.0.0.0/16","enable_dns_support":false}"#))
            resources.append(.init("aws_subnet.s\(i)", "aws_subnet", values: #"{"cidr_block":"10.0.1.0/24"}"#,
                                   references: ["vpc_id": ["aws_vpc.v\(i).id", "aws_vpc.v\(i)"]]))
            resources.append(.init("aws_eks_cluster.c\(i)", "aws_eks_cluster", values: #"{"name":"c\#(i)","version":"1.33","vpc_config":[{}]}"#,
                                   references: ["vpc_config.0.subnet_ids": ["aws_subnet.s\(i).id", "aws_subnet.s\(i)"]]))
        }
        let dir = try ReportTestSupport.temporaryDirectory("many")
        try ExamplePlan.json(resources).write(to: dir.appendingPathComponent("plan.json"), atomically: true, encoding: .utf8)
        let result = try ScanPipeline(paths: [dir.path], noConfig: true).run()
        XCTAssertEqual(result.findings.filter { $0.ruleId == "GP101" }.count, 80, "two DNS attributes unset per VPC")
        XCTAssertEqual(result.findings.filter { $0.ruleId == "GP118" }.count, 40, "no node group per cluster")
        let md = MarkdownReport(maxFindings: 25, maxClusters: 30).render(result)
        XCTAssertEqual(md.components(separatedBy: "\n- 🔴 ").count - 1, 25)
        XCTAssertTrue(md.contains("…and 95 more (55 errors, 40 warnings, 0 info) not shown."), md)
        XCTAssertTrue(md.contains("10 more clusters not shown."))
        XCTAssertLessThan(md.utf8.count, 65_536, "GitHub's comment limit")
    }

    func testEmptyScanSaysSo() throws {
        let dir = try ReportTestSupport.temporaryDirectory("empty")
        let md = MarkdownReport().render(try ScanPipeline(paths: [dir.path], noConfig: true).run())
        XCTAssertTrue(md.contains("**No EKS cluster in the scan**"))
        XCTAssertTrue(md.contains("No findings."))
    }
}
