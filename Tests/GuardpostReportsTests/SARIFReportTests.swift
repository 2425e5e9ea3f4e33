import Foundation
import XCTest
import GuardpostChecks
@testable import GuardpostReports
@testable import GuardpostCLI

final class SARIFReportTests: XCTestCase {
    override func setUp() { ReportTestSupport.enterPackageRoot() }

    static let schemaPath = "../shared/reference/sarif-schema-2.1.0.json"

    func sarif(_ c: ReportTestSupport.Case) throws -> [String: Any] {
        let text = SARIFReport().render(try ReportTestSupport.result(c))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func run(_ doc: [String: Any]) throws -> [String: Any] {
        let runs = try XCTUnwrap(doc["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        return runs[0]
    }

    func requireSchema() throws {
        guard FileManager.default.fileExists(atPath: Self.schemaPath) else {
            throw XCTSkip("\(Self.schemaPath) is absent (shared reference folder); SARIF schema validation skipped")
        }
        try ReportTestSupport.requireJSONSchema()
    }

    func testEveryCaseValidatesAgainstTheOfficialSchema() throws {
        try requireSchema()
        let cases = ReportTestSupport.cases
        let documents = try cases.map { SARIFReport().render(try ReportTestSupport.result($0)) }
        let errors = try ReportTestSupport.schemaErrors(documents: documents, schemaPath: Self.schemaPath)
        for (c, e) in zip(cases, errors) { XCTAssertEqual(e, [], "\(c.name): does not validate against \(Self.schemaPath)") }
    }

    /// The validation above can fail: an invalid level and a missing message are rejected.
    func testSchemaValidationRejectsAnInvalidLog() throws {
        try requireSchema()
        var doc = try sarif(ReportTestSupport.cases[0])
        var r = try run(doc)
        var results = try XCTUnwrap(r["results"] as? [[String: Any]])
        XCTAssertFalse(results.isEmpty)
        results[0]["level"] = "fatal"
        results[0]["message"] = nil
        r["results"] = results
        doc["runs"] = [r]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self)
        let errors = try ReportTestSupport.schemaErrors(document: text, schemaPath: Self.schemaPath)
        XCTAssertFalse(errors.isEmpty, "an invalid SARIF log passed the schema")
    }

    func testRulesCarryFullMetadata() throws {
        let r = try run(try sarif(ReportTestSupport.cases[0]))
        let driver = try XCTUnwrap((r["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try XCTUnwrap(driver["rules"] as? [[String: Any]])
        let ids = rules.compactMap { $0["id"] as? String }
        XCTAssertEqual(ids, RuleRegistry.all.map(\.metadata.id).sorted(), "one descriptor per rule, by id")
        XCTAssertEqual(Set(ids).count, ids.count)
        let gp101 = try XCTUnwrap(rules.first { $0["id"] as? String == "GP101" })
        XCTAssertEqual((gp101["shortDescription"] as? [String: Any])?["text"] as? String, VPCDNSAttributesRule().metadata.title)
        XCTAssertEqual((gp101["fullDescription"] as? [String: Any])?["text"] as? String, VPCDNSAttributesRule().metadata.rationale)
        let help = try XCTUnwrap(gp101["help"] as? [String: Any])
        XCTAssertTrue((help["text"] as? String)?.contains("enable_dns_hostnames = true") == true)
        XCTAssertTrue((help["markdown"] as? String)?.contains("```\nIn the aws_vpc resource") == true)
        XCTAssertEqual(gp101["helpUri"] as? String, VPCDNSAttributesRule().metadata.documentation)
        XCTAssertEqual((gp101["defaultConfiguration"] as? [String: Any])?["level"] as? String, "error")
        let props = try XCTUnwrap(gp101["properties"] as? [String: Any])
        XCTAssertEqual(props["security-severity"] as? String, "8.0")
        XCTAssertTrue((props["tags"] as? [String])?.contains("security") == true, "GitHub reads security-severity only with the security tag")
        // Severity mapping for the other levels.
        let gp100 = try XCTUnwrap(rules.first { $0["id"] as? String == "GP100" })
        XCTAssertEqual((gp100["defaultConfiguration"] as? [String: Any])?["level"] as? String, "note")
        XCTAssertEqual((gp100["properties"] as? [String: Any])?["security-severity"] as? String, "2.0")
        XCTAssertEqual(SARIFReport.level(.warning), "warning")
        XCTAssertEqual(SARIFReport.securitySeverity(.warning), "5.0")
    }

    func testResultPointsAtTheAttributeWithColumnsAndAFingerprint() throws {
        let r = try run(try sarif(ReportTestSupport.cases[0]))
        XCTAssertEqual(r["columnKind"] as? String, "unicodeCodePoints")
        XCTAssertEqual((r["automationDetails"] as? [String: Any])?["id"] as? String, "guardpost/")
        let results = try XCTUnwrap(r["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, 1)
        let result = results[0]
        XCTAssertEqual(result["ruleId"] as? String, "GP101")
        XCTAssertEqual(result["level"] as? String, "error")
        let rules = try XCTUnwrap(((r["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let index = try XCTUnwrap(result["ruleIndex"] as? Int)
        XCTAssertEqual(rules[index]["id"] as? String, "GP101", "ruleIndex points at the rule")
        let location = try XCTUnwrap((result["locations"] as? [[String: Any]])?.first)
        let physical = try XCTUnwrap(location["physicalLocation"] as? [String: Any])
        XCTAssertEqual((physical["artifactLocation"] as? [String: Any])?["uri"] as? String, "samples/terraform-broken/plan.json")
        let region = try XCTUnwrap(physical["region"] as? [String: Any])
        // `"enable_dns_hostnames": false` at line 107, column 17 of the sample; the key is 22 characters.
        XCTAssertEqual(region["startLine"] as? Int, 107)
        XCTAssertEqual(region["startColumn"] as? Int, 17)
        XCTAssertEqual(region["endLine"] as? Int, 107)
        XCTAssertEqual(region["endColumn"] as? Int, 39)
        let logical = try XCTUnwrap((location["logicalLocations"] as? [[String: Any]])?.first)
        XCTAssertEqual(logical["fullyQualifiedName"] as? String, "module.vpc.aws_vpc.this[0]")
        let finding = try ReportTestSupport.result(ReportTestSupport.cases[0]).findings[0]
        XCTAssertEqual((result["partialFingerprints"] as? [String: Any])?[SARIFReport.fingerprintKey] as? String, finding.fingerprint)
        XCTAssertNil(result["suppressions"])
    }

    /// The fingerprint comes from content: the same plan shifted down by lines keeps it, while the
    /// region moves.
    func testFingerprintSurvivesLineShifts() throws {
        let original = try String(contentsOfFile: "samples/terraform-broken/plan.json", encoding: .utf8)
        let dir = try ReportTestSupport.temporaryDirectory("shift")
        let a = dir.appendingPathComponent("a/plan.json"), b = dir.appendingPathComponent("b/plan.json")
        try FileManager.default.createDirectory(at: a.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: b.deletingLastPathComponent(), withIntermediateDirectories: true)
        try original.write(to: a, atomically: true, encoding: .utf8)
        try ("\n\n\n\n\n" + original.replacingOccurrences(of: "\"enable_dns_hostnames\": false", with: "   \"enable_dns_hostnames\": false"))
            .write(to: b, atomically: true, encoding: .utf8)
        func first(_ url: URL) throws -> (fingerprint: String, line: Int, column: Int) {
            let result = try ScanPipeline(paths: [url.path], noConfig: true).run()
            let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(SARIFReport().render(result).utf8)) as? [String: Any])
            let res = try XCTUnwrap(try run(doc)["results"] as? [[String: Any]]).first!
            let region = try XCTUnwrap(((res["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])
            let fp = try XCTUnwrap((res["partialFingerprints"] as? [String: String])?[SARIFReport.fingerprintKey])
            return (fp, try XCTUnwrap(region["startLine"] as? Int), try XCTUnwrap(region["startColumn"] as? Int))
        }
        let before = try first(a), after = try first(b)
        XCTAssertEqual(after.line, before.line + 5)
        XCTAssertEqual(after.column, before.column + 3)
        XCTAssertEqual(after.fingerprint, before.fingerprint)
    }

    func testSuppressionsParseErrorsAndEscapingInTheHostileFixture() throws {
        let text = SARIFReport().render(try ReportTestSupport.result(ReportTestSupport.hostileCase()))
        let r = try run(try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]))
        let results = try XCTUnwrap(r["results"] as? [[String: Any]])

        // The hostile resource name survives JSON encoding exactly.
        let hostile = try XCTUnwrap(results.first { ($0["properties"] as? [String: Any])?["resource"] as? String == "aws_vpc.net[\"\(ReportTestSupport.hostile)\"]" },
                                    "the resource name did not round-trip through SARIF")
        XCTAssertTrue(((hostile["message"] as? [String: Any])?["text"] as? String)?.contains(ReportTestSupport.hostile) == true)
        XCTAssertFalse(text.contains("\u{1B}"), "control characters are escaped in JSON text")

        // The suppressed finding is a result with a SARIF suppression and its justification.
        let suppressed = results.filter { $0["suppressions"] != nil }
        XCTAssertEqual(suppressed.count, 1)
        let suppression = try XCTUnwrap((suppressed.first?["suppressions"] as? [[String: Any]])?.first)
        XCTAssertEqual(suppression["kind"] as? String, "external")
        XCTAssertEqual(suppression["status"] as? String, "accepted")
        XCTAssertEqual(suppression["justification"] as? String, "legacy VPC <b>\"retired\"</b> & 'replaced' by Q3 \u{1B}[31m")

        // The truncated file: a GP001 result and an error notification with its location.
        XCTAssertTrue(results.contains { $0["ruleId"] as? String == "GP001" })
        let invocation = try XCTUnwrap((r["invocations"] as? [[String: Any]])?.first)
        XCTAssertEqual(invocation["executionSuccessful"] as? Bool, true)
        let notifications = try XCTUnwrap(invocation["toolExecutionNotifications"] as? [[String: Any]])
        let parse = try XCTUnwrap(notifications.first { ($0["descriptor"] as? [String: Any])?["id"] as? String == "parse-error" })
        XCTAssertEqual(parse["level"] as? String, "error")
        XCTAssertEqual((parse["associatedRule"] as? [String: Any])?["id"] as? String, "GP001")
        let uri = (((parse["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String
        XCTAssertEqual(uri, "\(ReportTestSupport.fixtures)/hostile/truncated.json")
    }

    /// Two findings with the same content (rule, resource, attribute) still get distinct fingerprints.
    func testDuplicateContentGetsNumberedFingerprints() throws {
        let dir = try ReportTestSupport.temporaryDirectory("dup")
        // A real GP001 finding, repeated: one parse gives one error per file, so the duplicate is made here.
        try "{".write(to: dir.appendingPathComponent("a.json"), atomically: true, encoding: .utf8)
        var result = try ScanPipeline(paths: [dir.path], noConfig: true).run()
        let finding = try XCTUnwrap(result.findings.first { $0.ruleId == "GP001" })
        result.findings.append(finding)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(SARIFReport().render(result).utf8)) as? [String: Any])
        let results = try XCTUnwrap(try run(doc)["results"] as? [[String: Any]])
        let fps = results.compactMap { ($0["partialFingerprints"] as? [String: String])?[SARIFReport.fingerprintKey] }
        XCTAssertEqual(fps, [finding.fingerprint, finding.fingerprint + ":2"])
    }

    func testURIsArePercentEncodedAndAbsolutePathsAreFileURIs() {
        XCTAssertEqual(SARIFReport.percentEncoded("infra/my stack/ü.yaml"), "infra/my%20stack/%C3%BC.yaml")
        XCTAssertEqual(SARIFReport.percentEncoded("a%b#c?d"), "a%25b%23c%3Fd")
        guard case .object(let rel) = SARIFReport.artifactLocation("./infra/a.json") else { return XCTFail() }
        XCTAssertEqual(rel.map(\.0), ["uri", "uriBaseId"])
        if case .string(let uri) = rel[0].1 { XCTAssertEqual(uri, "infra/a.json") } else { XCTFail() }
        guard case .object(let abs) = SARIFReport.artifactLocation("/tmp/x y.json") else { return XCTFail() }
        XCTAssertEqual(abs.count, 1)
        if case .string(let uri) = abs[0].1 { XCTAssertEqual(uri, "file:///tmp/x%20y.json") } else { XCTFail() }
    }

    func testInfoFindingIsANote() throws {
        let c = try XCTUnwrap(ReportTestSupport.cases.first { $0.name == "unverified" })
        let results = try XCTUnwrap(try run(try sarif(c))["results"] as? [[String: Any]])
        XCTAssertEqual(results.map { $0["ruleId"] as? String }, ["GP100"])
        XCTAssertEqual(results.first?["level"] as? String, "note")
    }
}
