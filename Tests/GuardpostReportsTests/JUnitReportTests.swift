import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import GuardpostChecks
@testable import GuardpostReports

/// Reads JUnit output back with Foundation's XML parser, the way a CI server would.
final class JUnitReportTests: XCTestCase {
    override func setUp() { ReportTestSupport.enterPackageRoot() }

    struct Element {
        var name: String
        var attributes: [String: String]
        var text: String
        var children: [Element]
        func all(_ n: String) -> [Element] { (name == n ? [self] : []) + children.flatMap { $0.all(n) } }
    }

    final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [Element] = [Element(name: "#document", attributes: [:], text: "", children: [])]
        var error: Error?
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            stack.append(Element(name: name, attributes: attributes, text: "", children: []))
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { stack[stack.count - 1].text += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let done = stack.removeLast()
            stack[stack.count - 1].children.append(done)
        }
        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }
    }

    func parse(_ xml: String, file: StaticString = #filePath, line: UInt = #line) throws -> Element {
        let parser = XMLParser(data: Data(xml.utf8))
        let builder = TreeBuilder()
        parser.delegate = builder
        let ok = parser.parse()
        XCTAssertTrue(ok, "not well-formed XML: \(String(describing: builder.error ?? parser.parserError))", file: file, line: line)
        return try XCTUnwrap(builder.stack.first?.children.first, file: file, line: line)
    }

    func testEveryCaseIsWellFormedWithConsistentCounts() throws {
        for c in ReportTestSupport.cases {
            let result = try ReportTestSupport.result(c)
            let root = try parse(JUnitReport().render(result))
            XCTAssertEqual(root.name, "testsuites")
            let suites = root.all("testsuite")
            XCTAssertEqual(suites.map { $0.attributes["name"] ?? "" }, RuleRegistry.all.map { "\($0.metadata.id) \($0.metadata.name)" }.sorted())
            let cases = root.all("testcase")
            XCTAssertEqual(root.attributes["tests"], String(cases.count), c.name)
            XCTAssertEqual(root.attributes["failures"], String(root.all("failure").count), c.name)
            XCTAssertEqual(root.attributes["skipped"], String(root.all("skipped").count), c.name)
            for s in suites {
                XCTAssertEqual(s.attributes["tests"], String(s.all("testcase").count))
                XCTAssertEqual(s.attributes["failures"], String(s.all("failure").count))
            }
            // One failing test case per rule and resource with active error/warning findings.
            let failing = Set(result.findings.filter { $0.suppression == nil && $0.severity != .info }.map { "\($0.ruleId)|\($0.resource)" })
            XCTAssertEqual(root.all("failure").count, failing.count, c.name)
        }
    }

    func testFailureNamesTheResourceAndLocation() throws {
        let root = try parse(JUnitReport().render(try ReportTestSupport.result(ReportTestSupport.cases[0])))
        let failed = try XCTUnwrap(root.all("testcase").first { !$0.all("failure").isEmpty })
        XCTAssertEqual(failed.attributes["classname"], "guardpost.GP101.vpc-dns-attributes")
        XCTAssertEqual(failed.attributes["name"], "module.vpc.aws_vpc.this[0]")
        XCTAssertEqual(failed.attributes["file"], "samples/terraform-broken/plan.json")
        XCTAssertEqual(failed.attributes["line"], "107")
        let failure = try XCTUnwrap(failed.all("failure").first)
        XCTAssertEqual(failure.attributes["type"], "error")
        XCTAssertTrue(failure.attributes["message"]?.hasPrefix("VPC module.vpc.aws_vpc.this[0] of cluster 'prod'") == true)
        XCTAssertTrue(failure.text.hasPrefix("samples/terraform-broken/plan.json:107:17: error: "), failure.text)
        XCTAssertTrue(failure.text.contains("enable_dns_hostnames = true"))
    }

    func testHostileNamesRoundTripThroughTheXMLParser() throws {
        let xml = JUnitReport().render(try ReportTestSupport.result(ReportTestSupport.hostileCase()))
        XCTAssertFalse(xml.contains("\u{1B}"), "XML 1.0 cannot carry ESC, even as a character reference")
        let root = try parse(xml)
        // XML cannot hold ESC: it becomes the visible `\u{1b}`; everything else comes back exactly.
        let expected = "aws_vpc.net[\"" + ReportTestSupport.hostile.replacingOccurrences(of: "\u{1B}", with: "\\u{1b}") + "\"]"
        let names = root.all("testcase").compactMap { $0.attributes["name"] }
        XCTAssertTrue(names.contains(expected), "\(names)")
        let skipped = try XCTUnwrap(root.all("skipped").first)
        XCTAssertEqual(skipped.attributes["message"], "suppressed: legacy VPC <b>\"retired\"</b> & 'replaced' by Q3 \\u{1b}[31m")
        XCTAssertTrue(root.all("failure").contains { $0.text.contains("cannot parse") }, "the parse error is a failing test case")
    }

    func testEscapeCoversMarkupQuotesAndForbiddenCharacters() {
        XCTAssertEqual(JUnitReport.escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;")
        XCTAssertEqual(JUnitReport.escape("a\nb\tc\rd"), "a&#10;b&#9;c&#13;d")
        XCTAssertEqual(JUnitReport.escape("a\nb\"", attribute: false), "a\nb\"")
        XCTAssertEqual(JUnitReport.escape("\u{0}\u{1B}\u{FFFE}"), "\\u{0}\\u{1b}\\u{fffe}")
    }
}
