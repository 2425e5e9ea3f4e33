import XCTest
import Foundation
@testable import GuardpostReports
import GuardpostChecks

/// The response shapes: ListCoverage, GetCoverageStatistics and the EventBridge coverage event,
/// checked key by key against the API model and the seed's schema, and the diff's decisions.
final class CoverageShapesTests: XCTestCase {
    typealias F = ReportsAPIFixtures

    func testCoverageResourceHasTheAPIShape() throws {
        let c = F.cluster("prod", status: .unhealthy, issue: "VPC Endpoint Creation Failed: Enabling private DNS ...", nodes: 3)
        let text = try ListCoverageReport(timestamp: F.timestamp).render([c, F.cluster("dev", account: nil, management: nil, version: nil, nodes: nil)], query: CoverageQuery())
        let root = try XCTUnwrap(F.json(text) as? [String: Any])
        XCTAssertEqual(Set(root.keys), ["Resources"])
        let resources = try XCTUnwrap(root["Resources"] as? [[String: Any]])
        XCTAssertEqual(resources.count, 2)
        guard resources.count == 2 else { return }
        let dev = resources[0], prod = resources[1]
        XCTAssertEqual(Set(prod.keys), ["ResourceId", "DetectorId", "AccountId", "ResourceDetails", "CoverageStatus", "Issue", "UpdatedAt"])
        XCTAssertEqual(prod["ResourceId"] as? String, "prod")
        XCTAssertEqual(prod["AccountId"] as? String, "111122223333")
        XCTAssertEqual(prod["DetectorId"] as? String, "unknown")
        XCTAssertEqual(prod["CoverageStatus"] as? String, "UNHEALTHY")
        XCTAssertEqual(prod["UpdatedAt"] as? String, "2026-01-15T09:30:00+00:00")
        let details = try XCTUnwrap(prod["ResourceDetails"] as? [String: Any])
        XCTAssertEqual(details["ResourceType"] as? String, "EKS")
        let eks = try XCTUnwrap(details["EksClusterDetails"] as? [String: Any])
        XCTAssertEqual(Set(eks.keys), ["ClusterName", "CompatibleNodes", "AddonDetails", "ManagementType"], "no CoveredNodes for an UNHEALTHY prediction")
        XCTAssertEqual(eks["CompatibleNodes"] as? Int, 3)
        XCTAssertEqual(eks["ManagementType"] as? String, "AUTO_MANAGED")
        XCTAssertEqual(eks["AddonDetails"] as? [String: String], ["AddonVersion": "v1.16.0-eksbuild.2", "AddonStatus": "unknown"])
        // Healthy, nothing known: placeholders, never invented values; no Issue key.
        XCTAssertNil(dev["Issue"])
        XCTAssertEqual(dev["AccountId"] as? String, "unknown")
        let devEKS = try XCTUnwrap((dev["ResourceDetails"] as? [String: Any])?["EksClusterDetails"] as? [String: Any])
        XCTAssertEqual(Set(devEKS.keys), ["ClusterName", "AddonDetails", "ManagementType"])
        XCTAssertEqual(devEKS["ManagementType"] as? String, "unknown")
        XCTAssertEqual(devEKS["AddonDetails"] as? [String: String], ["AddonVersion": "unknown", "AddonStatus": "ACTIVE"])
    }

    func testHealthyClustersCoverTheirNodesAndAddonIssueTypesMapToAddonStatus() throws {
        let healthy = ListCoverageReport(timestamp: F.timestamp).resource(F.cluster("a", nodes: 4)).render()
        XCTAssertTrue(healthy.contains("\"CoveredNodes\": 4") && healthy.contains("\"CompatibleNodes\": 4"), healthy)
        for (issue, status) in [("Addon Creation Failed: x", "CREATE_FAILED"), ("Addon Update Failed: x", "UPDATE_FAILED"),
                                ("Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas: y", "DEGRADED")] {
            let c = F.cluster("a", status: .unhealthy, issue: issue)
            XCTAssertEqual(ListCoverageReport.addonStatus(c), status)
        }
    }

    func testNotMonitoredClustersHaveNoCoverageRecordAndAreNotCounted() throws {
        let clusters = [F.cluster("a"), F.cluster("b", status: .unhealthy, issue: "Local EKS clusters: z"), F.cluster("c", status: .notMonitored)]
        let list = try XCTUnwrap(F.json(try ListCoverageReport(timestamp: F.timestamp).render(clusters, query: CoverageQuery())) as? [String: Any])
        XCTAssertEqual((list["Resources"] as? [[String: Any]])?.compactMap { $0["ResourceId"] as? String }, ["a", "b"])
        let stats = CoverageStatisticsReport().render(clusters, query: CoverageQuery(), types: [.countByCoverageStatus, .countByResourceType])
        let root = try XCTUnwrap(F.json(stats) as? [String: Any])
        let s = try XCTUnwrap(root["CoverageStatistics"] as? [String: Any])
        XCTAssertEqual(s["CountByCoverageStatus"] as? [String: Int], ["HEALTHY": 1, "UNHEALTHY": 1])
        XCTAssertEqual(s["CountByResourceType"] as? [String: Int], ["EKS": 2])
        let only = try XCTUnwrap(F.json(CoverageStatisticsReport().render(clusters, query: CoverageQuery(), types: [.countByResourceType])) as? [String: [String: Any]])
        XCTAssertEqual(Set(only["CoverageStatistics"]!.keys), ["CountByResourceType"])
    }

    func testStatisticsApplyTheSameFilters() throws {
        let clusters = [F.cluster("a"), F.cluster("b", account: "444455556666", status: .unhealthy, issue: "x"), F.cluster("c", status: .unhealthy, issue: "y")]
        let q = CoverageQuery(filters: try CoverageQuery.parseFilterCriteria(#"{"FilterCriterion":[{"CriterionKey":"ACCOUNT_ID","FilterCondition":{"EqualsValue":"111122223333"}}]}"#))
        let root = try XCTUnwrap(F.json(CoverageStatisticsReport().render(clusters, query: q, types: [.countByCoverageStatus])) as? [String: [String: [String: Int]]])
        XCTAssertEqual(root["CoverageStatistics"]?["CountByCoverageStatus"], ["HEALTHY": 1, "UNHEALTHY": 1])
    }

    // MARK: Diff

    func testDiffKinds() {
        let h = { (n: String) in F.cluster(n) }
        let u = { (n: String, i: String) in F.cluster(n, status: .unhealthy, issue: i) }
        let base = [h("stays"), h("breaks"), u("heals", "x"), u("changes", "x"), h("goes"), F.cluster("wakes", status: .notMonitored), h("sleeps")]
        let head = [h("stays"), u("breaks", "y"), h("heals"), u("changes", "z"), h("wakes"), F.cluster("sleeps", status: .notMonitored),
                    u("new-bad", "q"), h("new-good")]
        let changes = CoverageDiff.changes(base: base, head: head)
        let kinds = Dictionary(uniqueKeysWithValues: changes.map { ($0.cluster.clusterName, $0.kind) })
        XCTAssertEqual(kinds, ["breaks": .becomesUnhealthy, "heals": .becomesHealthy, "changes": .issueChanges, "goes": .removed,
                               "wakes": .startsBeingMonitored, "sleeps": .stopsBeingMonitored, "new-bad": .becomesUnhealthy, "new-good": .added])
        XCTAssertTrue(CoverageDiff.makesUnhealthy(changes))
        XCTAssertFalse(CoverageDiff.makesUnhealthy(CoverageDiff.changes(base: head, head: head)))
        XCTAssertTrue(CoverageDiff.changes(base: base, head: base).isEmpty)
    }

    func testClustersAreMatchedByAccountRegionAndName() {
        let base = [F.cluster("prod", account: "111122223333"), F.cluster("prod", account: "444455556666")]
        let head = [F.cluster("prod", account: "111122223333"), F.cluster("prod", account: "444455556666", status: .unhealthy, issue: "x")]
        let changes = CoverageDiff.changes(base: base, head: head)
        XCTAssertEqual(changes.count, 1)
        XCTAssertEqual(changes.first?.cluster.accountId, "444455556666")
    }

    func testEventsFollowTheSeedSchemaExactly() throws {
        let base = [F.cluster("prod"), F.cluster("dev", status: .unhealthy, issue: "Addon Creation Failed: x")]
        let head = [F.cluster("prod", status: .unhealthy, issue: "VPC Endpoint Creation Failed: y", nodes: 5), F.cluster("dev", account: nil, region: nil, nodes: nil)]
        let changes = CoverageDiff.changes(base: base, head: head)
        let events = try XCTUnwrap(F.json(CoverageEventsReport(timestamp: F.timestamp).render(changes)) as? [[String: Any]])
        XCTAssertEqual(events.count, 1, "dev's account is unknown in HEAD, so it is another cluster: removed + added, no event")
        let e = try XCTUnwrap(events.first)
        XCTAssertEqual(Set(e.keys), ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"])
        XCTAssertEqual(e["version"] as? String, "0")
        XCTAssertEqual(e["detail-type"] as? String, "GuardDuty Runtime Protection Unhealthy")
        XCTAssertEqual(e["source"] as? String, "aws.guardduty")
        XCTAssertEqual(e["account"] as? String, "111122223333")
        XCTAssertEqual(e["region"] as? String, "us-east-1")
        XCTAssertEqual(e["time"] as? String, "2026-01-15T09:30:00Z")
        XCTAssertEqual((e["resources"] as? [Any])?.count, 0)
        let id = try XCTUnwrap(e["id"] as? String)
        XCTAssertNotNil(id.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", options: .regularExpression), id)
        let d = try XCTUnwrap(e["detail"] as? [String: Any])
        XCTAssertEqual(Set(d.keys), ["schemaVersion", "resourceAccountId", "currentStatus", "previousStatus", "resourceDetails", "issue", "lastUpdatedAt"])
        XCTAssertEqual(d["schemaVersion"] as? String, "1.0")
        XCTAssertEqual(d["resourceAccountId"] as? String, "111122223333")
        XCTAssertEqual(d["currentStatus"] as? String, "UNHEALTHY")
        XCTAssertEqual(d["previousStatus"] as? String, "HEALTHY")
        XCTAssertEqual(d["issue"] as? String, "VPC Endpoint Creation Failed: y")
        XCTAssertEqual(d["lastUpdatedAt"] as? String, "2026-01-15T09:30:00Z")
        let r = try XCTUnwrap(d["resourceDetails"] as? [String: Any])
        XCTAssertEqual(Set(r.keys), ["resourceType", "eksClusterDetails"])
        XCTAssertEqual(r["resourceType"] as? String, "EKS")
        XCTAssertEqual(r["eksClusterDetails"] as? [String: String],
                       ["clusterName": "prod", "availableNodes": "unknown", "desiredNodes": "5", "addonVersion": "v1.16.0-eksbuild.2"])
    }

    func testHealthyEventsAndDeterministicDistinctIds() throws {
        let changes = CoverageDiff.changes(base: [F.cluster("a", status: .unhealthy, issue: "x"), F.cluster("b", status: .unhealthy, issue: "x")],
                                           head: [F.cluster("a"), F.cluster("b")])
        let report = CoverageEventsReport(timestamp: F.timestamp)
        let events = try XCTUnwrap(F.json(report.render(changes)) as? [[String: Any]])
        XCTAssertEqual(events.compactMap { $0["detail-type"] as? String }, ["GuardDuty Runtime Protection Healthy", "GuardDuty Runtime Protection Healthy"])
        let detail = try XCTUnwrap(events.first?["detail"] as? [String: Any])
        XCTAssertEqual(detail["issue"] as? String, "")
        XCTAssertEqual(((detail["resourceDetails"] as? [String: Any])?["eksClusterDetails"] as? [String: String])?["availableNodes"], "3")
        let ids = events.compactMap { $0["id"] as? String }
        XCTAssertEqual(Set(ids).count, 2)
        XCTAssertEqual(report.render(changes), report.render(changes))
        XCTAssertNotEqual(report.render(changes), CoverageEventsReport(timestamp: CoverageTimestamp("2026-01-16")!).render(changes))
    }

    func testMarkdownEscapesValuesFromTheInputs() {
        var evil = F.cluster("x](https://evil.example)<img src=x onerror=alert(1)>|`code`", status: .unhealthy, issue: "Addon Creation Failed: **bold** <b>")
        evil.causes = [CoverageCause(ruleId: "GP101", ruleName: "vpc-dns-attributes", severity: "error", message: "[link](javascript:alert(1)) _x_",
                                     file: "a|b.yaml", line: 3, column: 4, resource: "r", attribute: nil, issue: evil.issue,
                                     remediation: "set ```\nEnableDnsHostnames: true", sourceLine: nil, suppressed: false, fingerprint: "f")]
        let md = CoverageDiffMarkdown().render(CoverageDiff.changes(base: [], head: [evil]), baseLabel: "base", headLabel: "head")
        // Code spans and fenced blocks show their content literally; outside them nothing may be markup.
        let outside = DumpedDOM.matches("(`+)(.*?)\\1", in: md).reduce(md) { $0.replacingOccurrences(of: $1[0], with: "") }
        XCTAssertTrue(md.contains("`` x](https://evil.example)<img src=x onerror=alert(1)>|`code` ``"), md)
        XCTAssertFalse(outside.contains("<img"), outside)
        XCTAssertFalse(outside.contains("<b>"), outside)
        XCTAssertEqual(DumpedDOM.matches(#"(?<!\\)\]\("#, in: outside).count, 0, "a link needs an unescaped ']('\n\(outside)")
        XCTAssertTrue(outside.contains(#"x\](https://evil.example)"#), outside)
        XCTAssertTrue(md.contains("&lt;img src=x onerror=alert(1)&gt;"), md)
        XCTAssertTrue(md.contains("\\[link\\](javascript:alert(1)) \\_x\\_"), md)
        XCTAssertTrue(md.contains("````\n    set ```\n    EnableDnsHostnames: true\n    ````"), "a fence longer than the content's backticks:\n\(md)")
        XCTAssertTrue(md.contains("This change makes 1 cluster Unhealthy"), md)
    }
}
