import XCTest
import Foundation
@testable import GuardpostReports
import GuardpostChecks

/// The HTML report as text: self-contained, every value escaped, the CSP hashes match the inline
/// script and style, the console's columns and filters are there.
final class HTMLReportTests: XCTestCase {
    typealias F = ReportsAPIFixtures

    func testSHA256AndBase64KnownAnswers() {
        XCTAssertEqual(HTMLReportSHA256.hex(HTMLReportSHA256.digest([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(HTMLReportSHA256.hex(HTMLReportSHA256.digest(Array("abc".utf8))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(HTMLReportSHA256.hex(HTMLReportSHA256.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(HTMLReportSHA256.hex(HTMLReportSHA256.digest(Array(repeating: UInt8(ascii: "a"), count: 1000))),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        for (plain, encoded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("foobar", "Zm9vYmFy")] {
            XCTAssertEqual(HTMLReportSHA256.base64(Array(plain.utf8)), encoded)
        }
    }

    func testTheReportIsOneSelfContainedFileWhoseCSPAllowsOnlyItsOwnScriptAndStyle() throws {
        let (result, _) = try F.scan(["samples/multi-account"])
        let html = HTMLReport().render(result)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        for external in ["src=", "<link", "@import", "url(", "http://", "@font-face"] {
            XCTAssertFalse(html.contains(external), "external reference: \(external)")
        }
        XCTAssertFalse(html.contains("href=\"http"), "no link leaves the file")
        let script = try XCTUnwrap(DumpedDOM.matches("<script>(.*?)</script>", in: html).first?[1])
        let style = try XCTUnwrap(DumpedDOM.matches("<style>(.*?)</style>", in: html).first?[1])
        let csp = try XCTUnwrap(DumpedDOM.matches(#"<meta http-equiv="Content-Security-Policy" content="([^"]*)">"#, in: html).first?[1])
        XCTAssertTrue(csp.hasPrefix("default-src &#39;none&#39;; script-src \(HTMLEscape.attribute(HTMLReportSHA256.cspSource(script)));"), csp)
        XCTAssertTrue(csp.contains("style-src \(HTMLEscape.attribute(HTMLReportSHA256.cspSource(style)))"), csp)
        XCTAssertEqual(DumpedDOM.matches("<script", in: html).count, 1)
        // The console's columns, each with a filter.
        for header in ["Cluster name", "Account ID", "Agent management type", "Coverage status", "Add-on version", "Issue"] {
            XCTAssertTrue(html.contains("<th scope=\"col\">\(header)</th>"), header)
        }
        XCTAssertEqual(DumpedDOM.matches(#"data-filter="(\w+)""#, in: html).map { $0[1] }, HTMLReport.filterKeys)
        XCTAssertEqual(DumpedDOM.matches(#"<tr id="c-\d+""#, in: html).count, 10)
        XCTAssertTrue(html.contains("<div class=\"value\" id=\"coverage-percent\">70%</div>"))
    }

    func testEachIssueLinksToItsFindingWithTheSourceLine() throws {
        let (result, _) = try F.scan(["samples/terraform-broken"])
        let html = HTMLReport().render(result)
        XCTAssertTrue(html.contains("<a href=\"#f-1\">GP101 at samples/terraform-broken/plan.json:107:17</a>"), html)
        XCTAssertTrue(html.contains("<article class=\"finding\" id=\"f-1\">"))
        XCTAssertTrue(html.contains("<pre class=\"source\"><span class=\"ln\">107 | </span>                &quot;enable_dns_hostnames&quot;: false\n<span class=\"ln\">    | </span><span class=\"caret\">                ^</span></pre>"), html)
        XCTAssertTrue(html.contains("<dt>Cluster</dt><dd><a href=\"#c-1\">prod</a></dd>"))
    }

    func testEveryValueFromTheInputsIsEscaped() throws {
        let dir = try F.hostileFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (result, _) = try F.scan([dir], noConfig: true)
        XCTAssertEqual(result.predictions.first?.clusterName, "<script>document.body.setAttribute('data-pwned','script')</script>")
        let html = HTMLReport().render(result)
        XCTAssertEqual(DumpedDOM.matches("<script", in: html).count, 1, "only the report's own script")
        XCTAssertFalse(html.contains("<img"))
        XCTAssertFalse(html.contains("Vpc\"><img"), "no attribute is closed by a value")
        XCTAssertTrue(html.contains("data-cluster=\"&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;script&#39;)&lt;/script&gt;\""))
        XCTAssertTrue(html.contains("Vpc&quot;&gt;&lt;img src=x onerror=&quot;document.body.setAttribute(&#39;data-pwned&#39;,&#39;img&#39;)&quot;&gt;"))
        XCTAssertEqual(HTMLEscape.text("a\u{202E}b\u{1B}[2J\tc\n"), "a\\u{202e}b\\u{1b}[2J\tc\n")
        XCTAssertEqual(HTMLEscape.attribute("x\ny\t"), "x&#10;y&#9;")
    }
}
