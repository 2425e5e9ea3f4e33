import Foundation
import XCTest
import GuardpostChecks
import GuardpostReports

/// The JSON report against its documented schema (docs/scan-result.schema.json).
final class JSONReportSchemaTests: XCTestCase {
    override func setUp() { ReportTestSupport.enterPackageRoot() }

    static let schemaPath = "docs/scan-result.schema.json"

    func testEveryCaseValidatesAgainstTheDocumentedSchema() throws {
        try ReportTestSupport.requireJSONSchema()
        let cases = ReportTestSupport.cases
        let documents = try cases.map { JSONReport().render(try ReportTestSupport.result($0)) }
        let errors = try ReportTestSupport.schemaErrors(documents: documents, schemaPath: Self.schemaPath)
        for (c, e) in zip(cases, errors) { XCTAssertEqual(e, [], "\(c.name): does not validate against \(Self.schemaPath)") }
    }

    /// The schema is strict enough to catch an undocumented field and a wrong enum value.
    func testSchemaRejectsUndocumentedFieldsAndBadValues() throws {
        try ReportTestSupport.requireJSONSchema()
        let text = JSONReport().render(try ReportTestSupport.result(ReportTestSupport.cases[0]))
        var doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        var findings = try XCTUnwrap(doc["findings"] as? [[String: Any]])
        findings[0]["undocumented"] = 1
        findings[0]["severity"] = "critical"
        doc["findings"] = findings
        let bad = String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self)
        let errors = try ReportTestSupport.schemaErrors(document: bad, schemaPath: Self.schemaPath)
        XCTAssertTrue(errors.contains { $0.contains("undocumented") }, "\(errors)")
        XCTAssertTrue(errors.contains { $0.contains("critical") }, "\(errors)")
    }

    func testSchemaAndDocumentationNameTheReportedVersion() throws {
        let schema = try String(contentsOfFile: Self.schemaPath, encoding: .utf8)
        XCTAssertTrue(schema.contains("\"schemaVersion\": { \"const\": \"\(JSONReport.schemaVersion)\" }"))
        XCTAssertTrue(schema.contains("\"schema\": { \"const\": \"\(JSONReport.schema)\" }"))
        let doc = try String(contentsOfFile: "docs/json-report.md", encoding: .utf8)
        XCTAssertTrue(doc.contains("`schemaVersion` is `\"\(JSONReport.schemaVersion)\"`"))
    }

    func testHostileTextRoundTripsThroughJSON() throws {
        let text = JSONReport().render(try ReportTestSupport.result(ReportTestSupport.hostileCase()))
        XCTAssertFalse(text.contains("\u{1B}") || text.contains("\r"), "raw control characters in JSON output")
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let resources = (doc["findings"] as? [[String: Any]])?.compactMap { $0["resource"] as? String } ?? []
        XCTAssertTrue(resources.contains("aws_vpc.net[\"\(ReportTestSupport.hostile)\"]"), "\(resources)")
        let names = ((doc["coverage"] as? [String: Any])?["clusters"] as? [[String: Any]])?.compactMap { $0["clusterName"] as? String } ?? []
        XCTAssertTrue(names.contains("prod \(ReportTestSupport.hostile)"), "\(names)")
    }
}
