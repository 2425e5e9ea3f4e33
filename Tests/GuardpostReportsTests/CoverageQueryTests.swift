import XCTest
@testable import GuardpostReports
import GuardpostChecks

/// ListCoverage's request side: filter and sort criteria exactly as the API and the user guide write
/// them, `--max-results` bounds, and tokens that round-trip.
final class CoverageQueryTests: XCTestCase {
    typealias F = ReportsAPIFixtures

    let clusters: [ClusterCoverage] = [
        F.cluster("payments-api", account: "111122223333"),
        F.cluster("payments-batch", account: "111122223333", status: .unhealthy, issue: "VPC Endpoint Creation Failed: x"),
        F.cluster("analytics", account: "444455556666", management: "MANUAL", version: "v1.12.1-eksbuild.2"),
        F.cluster("tooling", account: nil, management: nil, version: nil),
    ]

    func names(_ q: CoverageQuery) -> [String] { q.select(clusters).map(\.clusterName) }

    func testFilterOnAccountWithEqualsListAndTheUserGuidesEqualsValueSpelling() throws {
        let model = try CoverageQuery.parseFilterCriteria(#"{"FilterCriterion":[{"CriterionKey":"ACCOUNT_ID","FilterCondition":{"Equals":["111122223333"]}}]}"#)
        let guide = try CoverageQuery.parseFilterCriteria(#"{"FilterCriterion":[{"CriterionKey":"ACCOUNT_ID", "FilterCondition":{"EqualsValue":"111122223333"}}] }"#)
        let camel = try CoverageQuery.parseFilterCriteria(#"{"filterCriterion":[{"criterionKey":"ACCOUNT_ID","filterCondition":{"equals":["111122223333"]}}]}"#)
        XCTAssertEqual(model, guide)
        XCTAssertEqual(model, camel)
        XCTAssertEqual(names(CoverageQuery(filters: model)), ["payments-api", "payments-batch"])
    }

    func testNotEqualsAndSeveralCriteriaAllHold() throws {
        let f = try CoverageQuery.parseFilterCriteria(#"""
        {"FilterCriterion":[
          {"CriterionKey":"COVERAGE_STATUS","FilterCondition":{"NotEquals":["UNHEALTHY"]}},
          {"CriterionKey":"MANAGEMENT_TYPE","FilterCondition":{"Equals":["AUTO_MANAGED","MANUAL"]}}]}
        """#)
        XCTAssertEqual(names(CoverageQuery(filters: f)), ["analytics", "payments-api"])
    }

    func testDeprecatedClusterNameIsTheSameAsEksClusterName() throws {
        for key in ["CLUSTER_NAME", "EKS_CLUSTER_NAME"] {
            let f = try CoverageQuery.parseFilterCriteria(#"{"FilterCriterion":[{"CriterionKey":"\#(key)","FilterCondition":{"Equals":["tooling","analytics"]}}]}"#)
            XCTAssertEqual(names(CoverageQuery(filters: f)), ["analytics", "tooling"], key)
        }
        let byOld = names(CoverageQuery(sort: CoverageSort(key: .clusterName, descending: true)))
        let byNew = names(CoverageQuery(sort: CoverageSort(key: .eksClusterName, descending: true)))
        XCTAssertEqual(byOld, byNew)
        XCTAssertEqual(byNew, ["tooling", "payments-batch", "payments-api", "analytics"])
    }

    func testKeysThatDoNotApplyToEKSMatchNothingWithEqualsAndEverythingWithNotEquals() throws {
        for key in ["ECS_CLUSTER_NAME", "AGENT_VERSION", "INSTANCE_ID", "CLUSTER_ARN"] {
            let eq = try CoverageQuery.parseFilterCriteria(#"{"FilterCriterion":[{"CriterionKey":"\#(key)","FilterCondition":{"Equals":["tooling"]}}]}"#)
            let ne = try CoverageQuery.parseFilterCriteria(#"{"FilterCriterion":[{"CriterionKey":"\#(key)","FilterCondition":{"NotEquals":["tooling"]}}]}"#)
            XCTAssertEqual(names(CoverageQuery(filters: eq)), [], key)
            XCTAssertEqual(names(CoverageQuery(filters: ne)).count, clusters.count, key)
        }
        let type = try CoverageQuery.parseFilterCriteria(#"{"FilterCriterion":[{"CriterionKey":"RESOURCE_TYPE","FilterCondition":{"Equals":["EKS"]}}]}"#)
        XCTAssertEqual(names(CoverageQuery(filters: type)).count, clusters.count)
    }

    func testUnknownValuesAreFilterableByTheirPlaceholder() throws {
        let f = try CoverageQuery.parseFilterCriteria(#"{"FilterCriterion":[{"CriterionKey":"ACCOUNT_ID","FilterCondition":{"Equals":["unknown"]}}]}"#)
        XCTAssertEqual(names(CoverageQuery(filters: f)), ["tooling"])
        let v = try CoverageQuery.parseFilterCriteria(#"{"FilterCriterion":[{"CriterionKey":"ADDON_VERSION","FilterCondition":{"Equals":["v1.12.1-eksbuild.2"]}}]}"#)
        XCTAssertEqual(names(CoverageQuery(filters: v)), ["analytics"])
    }

    func testEveryKeyAndSortAttributeOfTheModelIsAccepted() throws {
        XCTAssertEqual(CoverageFilterKey.allCases.map(\.rawValue).sorted(),
                       ["ACCOUNT_ID", "ADDON_VERSION", "AGENT_VERSION", "CLUSTER_ARN", "CLUSTER_NAME", "COVERAGE_STATUS",
                        "ECS_CLUSTER_NAME", "EKS_CLUSTER_NAME", "INSTANCE_ID", "MANAGEMENT_TYPE", "RESOURCE_TYPE"])
        XCTAssertEqual(CoverageSortKey.allCases.map(\.rawValue).sorted(),
                       ["ACCOUNT_ID", "ADDON_VERSION", "CLUSTER_NAME", "COVERAGE_STATUS", "ECS_CLUSTER_NAME", "EKS_CLUSTER_NAME",
                        "INSTANCE_ID", "ISSUE", "UPDATED_AT"])
        for key in CoverageSortKey.allCases {
            for order in ["ASC", "DESC"] {
                let s = try CoverageQuery.parseSortCriteria(#"{"AttributeName": "\#(key.rawValue)", "OrderBy": "\#(order)"}"#)
                XCTAssertEqual(s, CoverageSort(key: key, descending: order == "DESC"))
            }
        }
        XCTAssertEqual(try CoverageQuery.parseSortCriteria(#"{"AttributeName":"ISSUE"}"#), CoverageSort(key: .issue, descending: false))
    }

    func testSortingPutsMissingValuesFirstInAscendingOrderAndBreaksTiesByName() {
        XCTAssertEqual(names(CoverageQuery(sort: CoverageSort(key: .issue))), ["analytics", "payments-api", "tooling", "payments-batch"])
        XCTAssertEqual(names(CoverageQuery(sort: CoverageSort(key: .issue, descending: true))), ["payments-batch", "analytics", "payments-api", "tooling"])
        XCTAssertEqual(names(CoverageQuery(sort: CoverageSort(key: .accountId, descending: true))), ["tooling", "analytics", "payments-api", "payments-batch"])
        XCTAssertEqual(names(CoverageQuery()), ["analytics", "payments-api", "payments-batch", "tooling"])
    }

    func testErrorsSayWhatAndWhere() {
        func message(_ body: () throws -> Any) -> String {
            do { _ = try body(); return "no error" } catch { return "\(error)" }
        }
        let unknownKey = message { try CoverageQuery.parseFilterCriteria(#"{"FilterCriterion":[{"CriterionKey":"ACCOUNT","FilterCondition":{"Equals":["1"]}}]}"#) }
        XCTAssertTrue(unknownKey.contains("line 1, column 37") && unknownKey.contains("unknown CriterionKey 'ACCOUNT'") && unknownKey.contains("EKS_CLUSTER_NAME"), unknownKey)
        let badJSON = message { try CoverageQuery.parseFilterCriteria("{\"FilterCriterion\":[") }
        XCTAssertTrue(badJSON.hasPrefix("--filter-criteria: line 1"), badJSON)
        let noCondition = message { try CoverageQuery.parseFilterCriteria(#"{"FilterCriterion":[{"CriterionKey":"ACCOUNT_ID"}]}"#) }
        XCTAssertTrue(noCondition.contains("needs a FilterCondition"), noCondition)
        let badCondition = message { try CoverageQuery.parseFilterCriteria(#"{"FilterCriterion":[{"CriterionKey":"ACCOUNT_ID","FilterCondition":{"Contains":["1"]}}]}"#) }
        XCTAssertTrue(badCondition.contains("unknown condition 'Contains'"), badCondition)
        let badOrder = message { try CoverageQuery.parseSortCriteria(#"{"AttributeName":"ISSUE","OrderBy":"DOWN"}"#) }
        XCTAssertTrue(badOrder.contains("OrderBy must be ASC or DESC"), badOrder)
        let many = "{\"FilterCriterion\":[" + Array(repeating: #"{"CriterionKey":"ACCOUNT_ID","FilterCondition":{"Equals":["1"]}}"#, count: 51).joined(separator: ",") + "]}"
        XCTAssertTrue(message { try CoverageQuery.parseFilterCriteria(many) }.contains("at most 50"))
        XCTAssertNoThrow(try CoverageQuery.validateMaxResults(1))
        XCTAssertNoThrow(try CoverageQuery.validateMaxResults(50))
        XCTAssertThrowsError(try CoverageQuery.validateMaxResults(0))
        XCTAssertThrowsError(try CoverageQuery.validateMaxResults(51))
    }

    func testTokensRoundTripAndAreBoundToTheirCriteria() throws {
        let sort = CoverageSort(key: .eksClusterName, descending: true)
        var q = CoverageQuery(sort: sort, maxResults: 3)
        let first = try q.page(clusters)
        XCTAssertEqual(first.clusters.map(\.clusterName), ["tooling", "payments-batch", "payments-api"])
        let token = try XCTUnwrap(first.nextToken)
        q.nextToken = token
        let second = try q.page(clusters)
        XCTAssertEqual(second.clusters.map(\.clusterName), ["analytics"])
        XCTAssertNil(second.nextToken)
        // The page size may change between pages; the criteria may not.
        q.maxResults = 1
        XCTAssertEqual(try q.page(clusters).clusters.map(\.clusterName), ["analytics"])
        var other = CoverageQuery(sort: CoverageSort(key: .eksClusterName), maxResults: 3)
        other.nextToken = token
        XCTAssertThrowsError(try other.page(clusters)) { XCTAssertTrue("\($0)".contains("other --filter-criteria or --sort-criteria")) }
        other.nextToken = "not-a-token"
        XCTAssertThrowsError(try other.page(clusters)) { XCTAssertTrue("\($0)".contains("is not a token guardpost wrote")) }
        // Without --max-results, everything in one page.
        XCTAssertEqual(try CoverageQuery().page(clusters).clusters.count, 4)
        XCTAssertNil(try CoverageQuery().page(clusters).nextToken)
    }

    func testTimestampsParseStrictlyAndRenderForTheCLIAndEventBridge() {
        let t = CoverageTimestamp("2026-11-28")
        XCTAssertEqual(t?.iso8601, "2026-11-28T00:00:00Z")
        XCTAssertEqual(t?.awsCLI, "2026-11-28T00:00:00+00:00")
        XCTAssertEqual(CoverageTimestamp("2024-02-29T23:59:58Z")?.iso8601, "2024-02-29T23:59:58Z")
        XCTAssertEqual(CoverageTimestamp("2024-02-29T23:59:58+00:00")?.iso8601, "2024-02-29T23:59:58Z")
        for bad in ["2023-02-29", "2026-13-01", "2026-11-28T24:00:00Z", "2026-11-28T10:00:00+02:00", "2026-11-28 10:00:00", "yesterday", ""] {
            XCTAssertNil(CoverageTimestamp(bad), bad)
        }
    }
}
