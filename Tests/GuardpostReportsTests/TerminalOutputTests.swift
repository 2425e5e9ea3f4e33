import Foundation
import XCTest
import GuardpostChecks
import GuardpostReports

/// The text report prints input text to a terminal: control sequences must not reach it.
final class TerminalOutputTests: XCTestCase {
    override func setUp() { ReportTestSupport.enterPackageRoot() }

    func testHostileNamesAreShownNotInterpreted() throws {
        let result = try ReportTestSupport.result(ReportTestSupport.hostileCase())
        for color in [false, true] {
            var text = TextReport(color: color).render(result)
            if color {
                // Our own colours are the only escape sequences allowed.
                for code in ["1;31", "1;32", "1;33", "1;36", "0"] { text = text.replacingOccurrences(of: "\u{1B}[\(code)m", with: "") }
            }
            XCTAssertFalse(text.contains("\u{1B}"), "an escape sequence from the input reached the terminal")
            XCTAssertFalse(text.contains("\r"), "a carriage return could overwrite a line")
            XCTAssertTrue(text.contains("\\u{1b}[31m"), "the escape is shown visibly")
            // The CR LF in the name is shown, so the name stays on one line.
            XCTAssertTrue(text.contains("@octocat`%,:\\u{d}\\u{a}::error::x"), text)
        }
    }
}
