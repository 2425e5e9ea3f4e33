import Foundation
import XCTest
import ArgumentParser
import GuardpostChecks
import GuardpostReports
@testable import GuardpostCLI

/// `guardpost scan --format ... --output ...` end to end, in process, over `samples/`.
final class ScanFormatsCommandTests: XCTestCase {
    override func setUp() { ReportTestSupport.enterPackageRoot() }

    /// Runs the command with standard output captured; returns (exit code, standard output).
    func scan(_ arguments: [String]) throws -> (code: Int32, stdout: String) {
        let dir = try ReportTestSupport.temporaryDirectory("stdout")
        let capture = dir.appendingPathComponent("stdout.txt").path
        fflush(stdout)
        let saved = dup(STDOUT_FILENO)
        let fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        dup2(fd, STDOUT_FILENO)
        close(fd)
        var code: Int32 = 0
        do {
            var command = try GuardpostCommand.parseAsRoot(arguments)
            try command.run()
        } catch let e as ExitCode {
            code = e.rawValue
        } catch {
            code = GuardpostCommand.exitCode(for: error).rawValue
        }
        fflush(stdout)
        dup2(saved, STDOUT_FILENO)
        close(saved)
        return (code, (try? String(contentsOfFile: capture, encoding: .utf8)) ?? "")
    }

    func testSeveralFormatsInOneRun() throws {
        let dir = try ReportTestSupport.temporaryDirectory("cli")
        let sarif = dir.appendingPathComponent("out.sarif").path, xml = dir.appendingPathComponent("out.xml").path
        let (code, out) = try scan(["scan", "samples/terraform-broken", "--no-config", "--format", "sarif", "--output", sarif,
                                    "--format", "junit", "--output", xml, "--format", "text"])
        XCTAssertEqual(code, 1, "an error finding fails the run")
        XCTAssertTrue(out.contains("plan.json:107:17: error: [GP101 vpc-dns-attributes]"), out)
        let golden = ReportTestSupport.goldenDirectory
        XCTAssertEqual(try String(contentsOfFile: sarif, encoding: .utf8), try String(contentsOfFile: "\(golden)/terraform-broken.sarif", encoding: .utf8))
        XCTAssertEqual(try String(contentsOfFile: xml, encoding: .utf8), try String(contentsOfFile: "\(golden)/terraform-broken.junit.xml", encoding: .utf8))
    }

    func testEachNewFormatIsSelectable() throws {
        let dir = try ReportTestSupport.temporaryDirectory("cli-each")
        for (format, ext) in [("github", "github.txt"), ("markdown", "md"), ("json", "json")] {
            let path = dir.appendingPathComponent("out.\(ext)").path
            let (code, out) = try scan(["scan", "samples/terraform-healthy", "--no-config", "--format", format, "--output", path])
            XCTAssertEqual(code, 0, format)
            XCTAssertEqual(out, "", "\(format) went to the file, not standard output")
            XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8),
                           try String(contentsOfFile: "\(ReportTestSupport.goldenDirectory)/terraform-healthy.\(ext)", encoding: .utf8), format)
        }
    }

    func testUnknownFormatIsAUsageError() throws {
        let (code, _) = try scan(["scan", "samples/terraform-healthy", "--format", "yaml"])
        XCTAssertNotEqual(code, 0)
        XCTAssertNotEqual(code, 1, "a usage error is not a finding")
    }
}
