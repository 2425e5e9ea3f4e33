import XCTest
import Foundation
@testable import GuardpostReports
import GuardpostChecks

/// The HTML report in a real browser: headless Chromium (Debian's package) opens the file offline,
/// applies the filters given in the URL fragment, and runs nothing from the inputs. Skips when
/// Chromium is not installed (scripts/install-test-tools.sh installs it).
final class HTMLReportBrowserTests: XCTestCase {
    typealias F = ReportsAPIFixtures

    func writeReport(_ paths: [String], name: String, csp: Bool = true, noConfig: Bool = false) throws -> String {
        let (result, _) = try F.scan(paths, noConfig: noConfig)
        try FileManager.default.createDirectory(atPath: F.artifactsDirectory, withIntermediateDirectories: true)
        let path = F.artifactsDirectory + "/" + name
        try HTMLReport(contentSecurityPolicy: csp).render(result).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testFiltersFromTheURLFragmentApply() throws {
        _ = try HeadlessChromium.binaryOrSkip()
        let file = try writeReport(["samples/multi-account"], name: "multi-account.html")

        let all = try HeadlessChromium.dumpDOM(file: file)
        XCTAssertTrue(DumpedDOM.bodyTag(all).contains("data-ready=\"1\""), "the report's script ran under its CSP")
        XCTAssertEqual(DumpedDOM.visible(all).count, 10)

        let unhealthy = try HeadlessChromium.dumpDOM(file: file, fragment: "#status=UNHEALTHY&account=111122223333")
        XCTAssertEqual(DumpedDOM.visible(unhealthy), ["payments-batch", "observability"])
        XCTAssertEqual(DumpedDOM.rows(unhealthy).filter(\.hidden).count, 8)
        XCTAssertTrue(unhealthy.contains("<span id=\"shown\">2</span>"))
        XCTAssertTrue(DumpedDOM.bodyTag(unhealthy).contains("data-visible-rows=\"2\""))

        // Text filters match part of the value, ignoring case; select filters match exactly.
        let byName = try HeadlessChromium.dumpDOM(file: file, fragment: "#cluster=PAYMENTS")
        XCTAssertEqual(DumpedDOM.visible(byName), ["payments-api", "payments-web", "payments-ledger", "payments-batch"])
        let manual = try HeadlessChromium.dumpDOM(file: file, fragment: "#management=MANUAL")
        XCTAssertEqual(DumpedDOM.visible(manual), ["sandbox"])
        let issue = try HeadlessChromium.dumpDOM(file: file, fragment: "#issue=legacyvpc")
        XCTAssertEqual(DumpedDOM.visible(issue), ["payments-batch"])
        let none = try HeadlessChromium.dumpDOM(file: file, fragment: "#version=v9.9.9-eksbuild.1")
        XCTAssertEqual(DumpedDOM.visible(none), [])
        XCTAssertTrue(none.contains("<p id=\"no-match\">No cluster matches the filters.</p>"), "the empty state shows")
    }

    func testScreenshotOfTheReport() throws {
        _ = try HeadlessChromium.binaryOrSkip()
        let file = try writeReport(["samples/multi-account"], name: "multi-account.html")
        for (fragment, png) in [("", "multi-account.png"), ("#status=UNHEALTHY", "multi-account-unhealthy.png")] {
            let path = F.artifactsDirectory + "/" + png
            try HeadlessChromium.screenshot(file: file, fragment: fragment, to: path)
            let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
            XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
            let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
            XCTAssertEqual(width, 1400)
            XCTAssertGreaterThan(bytes.count, 20_000, "a rendered page, not a blank one")
        }
    }

    func testNothingFromTheInputsRunsWithOrWithoutTheCSP() throws {
        _ = try HeadlessChromium.binaryOrSkip()
        let dir = try F.hostileFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Without the CSP, only the escaping stands between the payloads and the page.
        for csp in [true, false] {
            let file = try writeReport([dir], name: "hostile\(csp ? "" : "-no-csp").html", csp: csp, noConfig: true)
            let dom = try HeadlessChromium.dumpDOM(file: file)
            let body = DumpedDOM.bodyTag(dom)
            XCTAssertTrue(body.contains("data-ready=\"1\""), "the report's own script ran (csp: \(csp)): \(body)")
            XCTAssertFalse(body.contains("data-pwned"), "a payload ran (csp: \(csp)): \(body)")
            XCTAssertEqual(DumpedDOM.matches("<img", in: dom).count, 0)
            XCTAssertEqual(DumpedDOM.matches("<script", in: dom).count, 1)
            XCTAssertTrue(dom.contains("&lt;script&gt;document.body.setAttribute('data-pwned','script')&lt;/script&gt;"), "shown as text")
            // The hostile name is a filterable value like any other.
            let filtered = try HeadlessChromium.dumpDOM(file: file, fragment: "#cluster=%3Cscript%3E")
            XCTAssertEqual(DumpedDOM.visible(filtered).count, 1)
        }
    }

    /// The check above would see a payload that ran: the same payloads, unescaped, do mark the body.
    func testTheDetectionSeesAPayloadThatRuns() throws {
        _ = try HeadlessChromium.binaryOrSkip()
        try FileManager.default.createDirectory(atPath: F.artifactsDirectory, withIntermediateDirectories: true)
        let file = F.artifactsDirectory + "/control-unescaped.html"
        let page = "<!DOCTYPE html><html><body><p>Vpc\"><img src=x onerror=\"document.body.setAttribute('data-pwned','img')\"></p>"
            + "<p><script>document.body.setAttribute('data-pwned-script','script')</script></p></body></html>"
        try page.write(toFile: file, atomically: true, encoding: .utf8)
        let body = DumpedDOM.bodyTag(try HeadlessChromium.dumpDOM(file: file))
        XCTAssertTrue(body.contains("data-pwned=\"img\""), body)
        XCTAssertTrue(body.contains("data-pwned-script=\"script\""), body)
    }
}
