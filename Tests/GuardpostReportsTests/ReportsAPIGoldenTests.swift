import XCTest
import Foundation
@testable import GuardpostReports
import GuardpostChecks
import GuardpostDocuments

/// Golden files for every format of this area over `samples/`: HTML, ListCoverage, GetCoverageStatistics,
/// diff events and Markdown, explain (text and JSON). GUARDPOST_UPDATE_GOLDENS=1 rewrites them.
final class ReportsAPIGoldenTests: XCTestCase {
    typealias F = ReportsAPIFixtures

    static let samples = ["terraform-healthy", "terraform-broken", "cloudformation-healthy", "cloudformation-broken", "multi-account"]

    func testHTML() throws {
        for s in Self.samples {
            let (result, _) = try F.scan(["samples/" + s])
            F.assertGolden(Self.withoutAssets(HTMLReport().render(result)), "html/\(s).html")
        }
    }

    /// The report's style and script (and so the CSP hashes) are pinned by HTMLReportTests and the
    /// browser tests; the goldens hold the content, so a style change does not rewrite them all.
    static func withoutAssets(_ html: String) -> String {
        var out = html.replacingOccurrences(of: "<style>\(HTMLReportAssets.style)</style>", with: "<style>/* HTMLReportAssets.style */</style>")
            .replacingOccurrences(of: "<script>\(HTMLReportAssets.script)</script>", with: "<script>/* HTMLReportAssets.script */</script>")
        if let csp = DumpedDOM.matches(#"<meta http-equiv="Content-Security-Policy" content="([^"]*)">"#, in: out).first?[1] {
            out = out.replacingOccurrences(of: csp, with: "(policy with the hashes of the style and script)")
        }
        return out
    }

    func testCoverageList() throws {
        for s in Self.samples {
            let (_, clusters) = try F.scan(["samples/" + s])
            F.assertGolden(try ListCoverageReport(timestamp: F.timestamp).render(clusters, query: CoverageQuery()), "coverage-list/\(s).json")
        }
    }

    /// The AWS CLI example of the seed, on the multi-account sample: two pages of account 111122223333,
    /// sorted by EKS_CLUSTER_NAME descending, five per page.
    func testCoverageListAnswersTheSeedsCLIExample() throws {
        let (_, clusters) = try F.scan(["samples/multi-account"])
        var query = CoverageQuery(
            filters: try CoverageQuery.parseFilterCriteria(#"{"FilterCriterion":[{"CriterionKey":"ACCOUNT_ID", "FilterCondition":{"EqualsValue":"111122223333"}}] }"#),
            sort: try CoverageQuery.parseSortCriteria(#"{"AttributeName": "EKS_CLUSTER_NAME", "OrderBy": "DESC"}"#),
            maxResults: 5)
        let report = ListCoverageReport(timestamp: F.timestamp)
        let first = try report.render(clusters, query: query)
        F.assertGolden(first, "coverage-list/multi-account-seed-example-page-1.json")
        let root = try XCTUnwrap(F.json(first) as? [String: Any])
        let resources = try XCTUnwrap(root["Resources"] as? [[String: Any]])
        XCTAssertEqual(resources.compactMap { $0["ResourceId"] as? String }, ["tooling", "payments-web", "payments-ledger", "payments-batch", "payments-api"])
        XCTAssertEqual(Set(resources.compactMap { $0["AccountId"] as? String }), ["111122223333"])
        query.nextToken = try XCTUnwrap(root["NextToken"] as? String)
        let second = try report.render(clusters, query: query)
        F.assertGolden(second, "coverage-list/multi-account-seed-example-page-2.json")
        let page2 = try XCTUnwrap(F.json(second) as? [String: Any])
        XCTAssertEqual((page2["Resources"] as? [[String: Any]])?.compactMap { $0["ResourceId"] as? String }, ["observability", "ci-runners"])
        XCTAssertNil(page2["NextToken"])
    }

    func testCoverageStatistics() throws {
        for s in Self.samples {
            let (_, clusters) = try F.scan(["samples/" + s])
            F.assertGolden(CoverageStatisticsReport().render(clusters, query: CoverageQuery(), types: [.countByCoverageStatus, .countByResourceType]),
                           "coverage-statistics/\(s).json")
        }
        let (_, clusters) = try F.scan(["samples/multi-account"])
        let q = CoverageQuery(filters: try CoverageQuery.parseFilterCriteria(#"{"FilterCriterion":[{"CriterionKey":"ACCOUNT_ID", "FilterCondition":{"EqualsValue":"111122223333"}}] }"#))
        let text = CoverageStatisticsReport().render(clusters, query: q, types: [.countByCoverageStatus])
        F.assertGolden(text, "coverage-statistics/multi-account-account-111122223333.json")
        XCTAssertEqual((F.json(text) as? [String: [String: [String: Int]]])?["CoverageStatistics"]?["CountByCoverageStatus"], ["HEALTHY": 5, "UNHEALTHY": 2])
    }

    func testDiff() throws {
        let pairs = [("terraform-healthy", "terraform-broken"), ("terraform-broken", "terraform-healthy"),
                     ("cloudformation-healthy", "cloudformation-broken"), ("cloudformation-broken", "cloudformation-healthy")]
        for (a, b) in pairs {
            let (_, base) = try F.scan(["samples/" + a])
            let (_, head) = try F.scan(["samples/" + b])
            let changes = CoverageDiff.changes(base: base, head: head)
            XCTAssertEqual(changes.count, 1)
            F.assertGolden(CoverageEventsReport(timestamp: F.timestamp).render(changes), "diff/\(a)--\(b).events.json")
            F.assertGolden(CoverageDiffMarkdown().render(changes, baseLabel: "samples/" + a, headLabel: "samples/" + b), "diff/\(a)--\(b).md")
        }
    }

    func testExplain() throws {
        F.enterPackageRoot()
        let path = "samples/list-coverage/list-coverage.json"
        let records = try ListCoverageInput.parse(try SourceReader.read(path: path, limits: .default), path: path)
        XCTAssertEqual(records.count, 20)
        let report = ExplainReport(rules: RuleRegistry.all.map(\.metadata), region: "us-east-1",
                                   registries: ["031903291036.dkr.ecr.us-east-1.amazonaws.com", "602401143452.dkr.ecr.us-east-1.amazonaws.com"])
        F.assertGolden(report.renderText(records, source: path), "explain/list-coverage.txt")
        F.assertGolden(report.renderJSON(records), "explain/list-coverage.json")
        // Every unhealthy record but the made-up issue type is recognised.
        let unrecognised = records.filter { ($0.issue ?? "").isEmpty == false && IssueTriage.triage($0.issue!).entry == nil }
        XCTAssertEqual(unrecognised.map(\.displayName), ["experimental"])
    }

    /// The default stamp is the knowledge data's date at midnight UTC, not the clock.
    func testTheDefaultTimestampIsTheKnowledgeDate() throws {
        let (result, clusters) = try F.scan(["samples/terraform-broken"])
        let stamp = try XCTUnwrap(CoverageTimestamp.start(ofDay: result.knowledgeDate))
        let text = try ListCoverageReport(timestamp: stamp).render(clusters, query: CoverageQuery())
        XCTAssertTrue(text.contains("\"UpdatedAt\": \"\(result.knowledgeDate)T00:00:00+00:00\""), text)
    }
}
