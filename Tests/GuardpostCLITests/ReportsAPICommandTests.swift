import XCTest
import Foundation

/// `guardpost coverage list|statistics`, `diff`, `explain` and `scan --format html` end to end: the
/// built executable over `samples/`, its output and exit code.
final class ReportsAPICommandTests: XCTestCase {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The `guardpost` executable SwiftPM built next to this test bundle.
    static func executable() throws -> String {
        var dirs = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path,
                    Bundle.main.bundleURL.deletingLastPathComponent().path, root + "/.build/debug"]
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            dirs.append(bundle.bundleURL.deletingLastPathComponent().path)
        }
        for d in dirs where FileManager.default.isExecutableFile(atPath: d + "/guardpost") { return d + "/guardpost" }
        throw XCTSkip("the guardpost executable was not found next to the tests (\(dirs))")
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    }

    /// Runs guardpost in the package root (paths in outputs are relative to it).
    func guardpost(_ arguments: [String], stdin: String? = nil) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Self.executable())
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: Self.root)
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Standard error is drained on another thread so a full pipe cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    func ids(_ run: Run) -> [String] {
        ((run.json as? [String: Any])?["Resources"] as? [[String: Any]])?.compactMap { $0["ResourceId"] as? String } ?? []
    }

    let seedFilter = #"{"FilterCriterion":[{"CriterionKey":"ACCOUNT_ID", "FilterCondition":{"EqualsValue":"111122223333"}}] }"#
    let seedSort = #"{"AttributeName": "EKS_CLUSTER_NAME", "OrderBy": "DESC"}"#

    func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "guardpost-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    // MARK: coverage

    func testCoverageListAnswersTheSeedsAWSCLIExampleAcrossTwoPages() throws {
        let first = try guardpost(["coverage", "list", "samples/multi-account", "--sort-criteria", seedSort, "--filter-criteria", seedFilter, "--max-results", "5"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(ids(first), ["tooling", "payments-web", "payments-ledger", "payments-batch", "payments-api"])
        let token = try XCTUnwrap((first.json as? [String: Any])?["NextToken"] as? String)
        let second = try guardpost(["coverage", "list", "samples/multi-account", "--sort-criteria", seedSort, "--filter-criteria", seedFilter,
                                    "--max-results", "5", "--next-token", token])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(ids(second), ["observability", "ci-runners"])
        XCTAssertNil((second.json as? [String: Any])?["NextToken"])
        // The deprecated CLUSTER_NAME sorts the same way.
        let old = try guardpost(["coverage", "list", "samples/multi-account", "--sort-criteria", #"{"AttributeName":"CLUSTER_NAME","OrderBy":"DESC"}"#,
                                 "--filter-criteria", seedFilter])
        XCTAssertEqual(ids(old), ids(first) + ids(second))
    }

    func testCoverageListUsesTheAccountsOfTheConfigurationAndFiltersByStatus() throws {
        let run = try guardpost(["coverage", "list", "samples/multi-account", "--filter-criteria",
                                 #"{"FilterCriterion":[{"CriterionKey":"COVERAGE_STATUS","FilterCondition":{"Equals":["UNHEALTHY"]}}]}"#])
        XCTAssertEqual(run.status, 0, run.stderr)
        let resources = try XCTUnwrap((run.json as? [String: Any])?["Resources"] as? [[String: Any]])
        XCTAssertEqual(resources.map { "\($0["ResourceId"]!)@\($0["AccountId"]!)" },
                       ["analytics-etl@444455556666", "observability@111122223333", "payments-batch@111122223333"])
        XCTAssertTrue(resources.allSatisfy { ($0["Issue"] as? String)?.hasPrefix("VPC Endpoint Creation Failed: ") == true })
    }

    func testCoverageListStampsTheKnowledgeDateUnlessTold() throws {
        let scan = try guardpost(["scan", "samples/terraform-broken", "--format", "json"])
        let date = try XCTUnwrap((scan.json as? [String: Any])?["knowledgeDate"] as? String)
        let run = try guardpost(["coverage", "list", "samples/terraform-broken"])
        XCTAssertTrue(run.stdout.contains("\"UpdatedAt\": \"\(date)T00:00:00+00:00\""), run.stdout)
        let told = try guardpost(["coverage", "list", "samples/terraform-broken", "--timestamp", "2027-03-04T05:06:07Z"])
        XCTAssertTrue(told.stdout.contains("\"UpdatedAt\": \"2027-03-04T05:06:07+00:00\""), told.stdout)
        let again = try guardpost(["coverage", "list", "samples/terraform-broken"])
        XCTAssertEqual(run.stdout, again.stdout, "deterministic")
    }

    func testCoverageUsageErrorsExitWith2AndSayWhat() throws {
        for n in ["0", "51"] {
            let run = try guardpost(["coverage", "list", "samples/terraform-broken", "--max-results", n])
            XCTAssertEqual(run.status, 2)
            XCTAssertTrue(run.stderr.contains("--max-results must be between 1 and 50"), run.stderr)
            XCTAssertEqual(run.stdout, "")
        }
        let badJSON = try guardpost(["coverage", "list", "samples/terraform-broken", "--filter-criteria", #"{"FilterCriterion": [}"#])
        XCTAssertEqual(badJSON.status, 2)
        XCTAssertTrue(badJSON.stderr.contains("--filter-criteria: line 1, column"), badJSON.stderr)
        let badKey = try guardpost(["coverage", "statistics", "samples/terraform-broken", "--statistics-type", "COUNT_BY_COVERAGE_STATUS",
                                    "--filter-criteria", #"{"FilterCriterion":[{"CriterionKey":"REGION","FilterCondition":{"Equals":["x"]}}]}"#])
        XCTAssertEqual(badKey.status, 2)
        XCTAssertTrue(badKey.stderr.contains("unknown CriterionKey 'REGION'"), badKey.stderr)
        let token = try guardpost(["coverage", "list", "samples/terraform-broken", "--max-results", "1", "--next-token", "gp1.1.0000000000000000"])
        XCTAssertEqual(token.status, 2)
        XCTAssertTrue(token.stderr.contains("--next-token was written for other"), token.stderr)
        let missing = try guardpost(["coverage", "list", "samples/no-such-sample"])
        XCTAssertEqual(missing.status, 0, "the answer is still a valid (empty) response")
        XCTAssertTrue(missing.stderr.contains("samples/no-such-sample:1:1: no such file or folder"), missing.stderr)
        XCTAssertEqual(ids(missing), [])
        let noType = try guardpost(["coverage", "statistics", "samples/terraform-broken"])
        XCTAssertEqual(noType.status, 2)
        XCTAssertTrue(noType.stderr.contains("--statistics-type is required"), noType.stderr)
    }

    func testCoverageStatisticsWithTheSeedsFilter() throws {
        let run = try guardpost(["coverage", "statistics", "samples/multi-account", "--statistics-type", "COUNT_BY_COVERAGE_STATUS", "COUNT_BY_RESOURCE_TYPE",
                                 "--filter-criteria", seedFilter])
        XCTAssertEqual(run.status, 0, run.stderr)
        let stats = try XCTUnwrap((run.json as? [String: [String: [String: Int]]])?["CoverageStatistics"])
        XCTAssertEqual(stats["CountByCoverageStatus"], ["HEALTHY": 5, "UNHEALTHY": 2])
        XCTAssertEqual(stats["CountByResourceType"], ["EKS": 7])
    }

    func testFilterCriteriaCanBeReadFromAFileAsWithTheAWSCLI() throws {
        let dir = try temporaryDirectory()
        try seedFilter.write(toFile: dir + "/filter.json", atomically: true, encoding: .utf8)
        let run = try guardpost(["coverage", "statistics", "samples/multi-account", "--statistics-type", "COUNT_BY_RESOURCE_TYPE",
                                 "--filter-criteria", "file://" + dir + "/filter.json"])
        XCTAssertEqual((run.json as? [String: [String: [String: Int]]])?["CoverageStatistics"]?["CountByResourceType"], ["EKS": 7], run.stderr)
    }

    // MARK: diff

    func events(_ run: Run) -> [[String: Any]] { run.json as? [[String: Any]] ?? [] }

    func testDiffHealthyToBrokenEmitsOneUnhealthyEventAndExits1() throws {
        let run = try guardpost(["diff", "samples/terraform-healthy", "samples/terraform-broken"])
        XCTAssertEqual(run.status, 1, run.stderr)
        let e = events(run)
        XCTAssertEqual(e.count, 1)
        XCTAssertEqual(e.first?["detail-type"] as? String, "GuardDuty Runtime Protection Unhealthy")
        XCTAssertEqual(e.first?["source"] as? String, "aws.guardduty")
        let detail = try XCTUnwrap(e.first?["detail"] as? [String: Any])
        XCTAssertEqual(detail["previousStatus"] as? String, "HEALTHY")
        XCTAssertEqual(detail["currentStatus"] as? String, "UNHEALTHY")
        XCTAssertEqual(((detail["resourceDetails"] as? [String: Any])?["eksClusterDetails"] as? [String: String])?["clusterName"], "prod")

        let back = try guardpost(["diff", "samples/terraform-broken", "samples/terraform-healthy"])
        XCTAssertEqual(back.status, 0, back.stderr)
        XCTAssertEqual(events(back).compactMap { $0["detail-type"] as? String }, ["GuardDuty Runtime Protection Healthy"])

        let same = try guardpost(["diff", "samples/cloudformation-broken", "samples/cloudformation-broken"])
        XCTAssertEqual(same.status, 0)
        XCTAssertEqual(same.stdout, "[]\n")
    }

    /// A copy of the multi-account sample with every VPC's DNS attributes on is the healthy base; the
    /// sample itself breaks three clusters in two accounts: three Unhealthy events, one per cluster.
    func testDiffOverSeveralAccountsEmitsOneUnhealthyEventPerAffectedCluster() throws {
        let dir = try temporaryDirectory()
        let healthy = dir + "/multi-account"
        try FileManager.default.copyItem(atPath: Self.root + "/samples/multi-account", toPath: healthy)
        for stack in ["payments", "shared-services", "analytics"] {
            let path = healthy + "/\(stack)/eks.yaml"
            var text = try String(contentsOfFile: path, encoding: .utf8)
            text = text.replacingOccurrences(of: "EnableDnsHostnames: false", with: "EnableDnsHostnames: true")
            text = text.replacingOccurrences(of: "      CidrBlock: 10.41.0.0/16\n      EnableDnsSupport: true\n",
                                             with: "      CidrBlock: 10.41.0.0/16\n      EnableDnsSupport: true\n      EnableDnsHostnames: true\n")
            text = text.replacingOccurrences(of: "      CidrBlock: 10.60.0.0/16\n", with: "      CidrBlock: 10.60.0.0/16\n      EnableDnsHostnames: true\n")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let base = try guardpost(["scan", healthy, "--format", "json"])
        XCTAssertEqual(base.status, 0, "the fixed copy is healthy: \(base.stdout)")

        let run = try guardpost(["diff", healthy, "samples/multi-account", "--format", "events", "--format", "markdown", "--output", dir + "/events.json"])
        XCTAssertEqual(run.status, 1, run.stderr)
        let data = try XCTUnwrap(FileManager.default.contents(atPath: dir + "/events.json"))
        let list = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        XCTAssertEqual(list.count, 3)
        XCTAssertTrue(list.allSatisfy { $0["detail-type"] as? String == "GuardDuty Runtime Protection Unhealthy" })
        let clusters = list.map { e -> String in
            let d = e["detail"] as? [String: Any]
            let name = ((d?["resourceDetails"] as? [String: Any])?["eksClusterDetails"] as? [String: String])?["clusterName"] ?? "?"
            return "\(name)@\(e["account"] as? String ?? "?")=\(d?["resourceAccountId"] as? String ?? "?")"
        }
        XCTAssertEqual(clusters, ["analytics-etl@444455556666=444455556666", "observability@111122223333=111122223333", "payments-batch@111122223333=111122223333"])
        // The Markdown summary went to standard output.
        XCTAssertTrue(run.stdout.contains("**This change makes 3 clusters Unhealthy.**"), run.stdout)
        XCTAssertTrue(run.stdout.contains("This change makes cluster `payments-batch` (account `111122223333`, `us-east-1`) **Unhealthy** because GuardDuty would report `VPC Endpoint Creation Failed: "), run.stdout)
        XCTAssertTrue(run.stdout.contains("`samples/multi-account/payments/eks.yaml:29:3`"), run.stdout)
    }

    func testDiffReadsSavedScanResults() throws {
        let dir = try temporaryDirectory()
        for (sample, name) in [("terraform-healthy", "base.json"), ("terraform-broken", "head.json")] {
            let scan = try guardpost(["scan", "samples/" + sample, "--format", "json", "--output", dir + "/" + name])
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + name), scan.stderr)
        }
        let saved = try guardpost(["diff", dir + "/base.json", dir + "/head.json", "--timestamp", "2026-02-01"])
        let scanned = try guardpost(["diff", "samples/terraform-healthy", "samples/terraform-broken", "--timestamp", "2026-02-01"])
        XCTAssertEqual(saved.status, 1, saved.stderr)
        XCTAssertEqual(events(saved).count, 1)
        // The same event, except the node counts a saved result does not carry.
        func strip(_ e: [String: Any]) -> [String: String] {
            let d = e["detail"] as? [String: Any] ?? [:]
            return ["type": e["detail-type"] as? String ?? "", "id": e["id"] as? String ?? "", "time": e["time"] as? String ?? "",
                    "issue": d["issue"] as? String ?? "", "previous": d["previousStatus"] as? String ?? "", "region": e["region"] as? String ?? ""]
        }
        XCTAssertEqual(events(saved).map(strip), events(scanned).map(strip))
        XCTAssertEqual(events(saved).first?["time"] as? String, "2026-02-01T00:00:00Z")

        try "{\"schema\": \"something-else\"}".write(toFile: dir + "/other.json", atomically: true, encoding: .utf8)
        let other = try guardpost(["diff", dir + "/other.json", dir + "/head.json"])
        XCTAssertEqual(other.status, 1, "an unrelated JSON file is scanned as an input (no cluster), so the head's cluster is new and Unhealthy")
        let missing = try guardpost(["diff", dir + "/nope", dir + "/head.json"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no such file or folder"), missing.stderr)
    }

    // MARK: explain

    func testExplainReadsListCoverageOutputAndIssueStrings() throws {
        let file = try guardpost(["explain", "--list-coverage", "samples/list-coverage/list-coverage.json", "--region", "us-east-1"])
        XCTAssertEqual(file.status, 0, file.stderr)
        XCTAssertTrue(file.stdout.hasPrefix("20 coverage records from samples/list-coverage/list-coverage.json (19 UNHEALTHY, 1 HEALTHY)"), file.stdout)
        XCTAssertEqual(file.stdout.components(separatedBy: "  Recognised: ").count - 1, 18)
        XCTAssertEqual(file.stdout.components(separatedBy: "  Not recognised: ").count - 1, 1)
        XCTAssertTrue(file.stdout.contains("GuardDuty agent registries for us-east-1: "), file.stdout)

        let piped = try guardpost(["explain"], stdin: "Addon Update Failed: EKS Addon issue - ConfigurationConflict: Conflicts found when trying to apply.\n")
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertTrue(piped.stdout.contains("[addon-configuration-conflict]"), piped.stdout)
        XCTAssertTrue(piped.stdout.contains("OVERWRITE"), piped.stdout)

        let unknown = try guardpost(["explain", "--issue", "Something Else Failed: who knows"])
        XCTAssertTrue(unknown.stdout.contains("Not recognised: guardpost does not recognise this issue"), unknown.stdout)

        let json = try guardpost(["explain", "--format", "json", "--issue", "Local EKS clusters: EKS addons are not supported on local outpost clusters."])
        let first = try XCTUnwrap((json.json as? [[String: Any]])?.first)
        XCTAssertEqual(first["recognised"] as? Bool, true)
        XCTAssertEqual((first["triage"] as? [String: Any])?["actionable"] as? Bool, false)

        let broken = try guardpost(["explain"], stdin: "{\"Resources\": [ {\"ResourceId\": }")
        XCTAssertEqual(broken.status, 2)
        XCTAssertTrue(broken.stderr.contains("<stdin>:1:"), broken.stderr)
    }

    // MARK: scan --format html

    func testScanWritesTheHTMLReport() throws {
        let dir = try temporaryDirectory()
        let run = try guardpost(["scan", "samples/cloudformation-broken", "--format", "html", "--output", dir + "/report.html"])
        XCTAssertEqual(run.status, 1, "the findings still set the exit code")
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("data-cluster=\"payments\""))
        XCTAssertTrue(html.contains("<a href=\"#f-1\">GP101 at samples/cloudformation-broken/eks.yaml:23:3</a>"), html)
        let both = try guardpost(["scan", "samples/cloudformation-healthy", "--format", "html", "--format", "json", "--output", dir + "/h.html"])
        XCTAssertEqual(both.status, 0)
        XCTAssertNotNil(both.json, "JSON on standard output, HTML in the file")
        XCTAssertTrue(try String(contentsOfFile: dir + "/h.html", encoding: .utf8).contains("id=\"coverage-percent\">100%"))
    }
}
