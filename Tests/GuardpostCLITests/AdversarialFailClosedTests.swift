import XCTest
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Fail closed: a file that cannot be read or parsed is an error finding and fails the run unless the
/// threshold is `none`; the summary says how many files had problems and why; a configuration or
/// policy file that cannot be read stops the run with exit code 2.
final class AdversarialFailClosedTests: XCTestCase {
    let manifest = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n"

    func testUnreadableAndUnparsableFilesFailTheRunAndTheSummarySaysWhy() throws {
        let s = try Scratch()
        try s.write("in/good.yaml", manifest)
        try s.write("in/broken.json", "{\"a\": ")
        try s.write("in/tabs.yaml", "a:\n\tb: c\n")
        XCTAssertEqual(mkfifo(s.path("in/pipe.yaml"), 0o644), 0)
        XCTAssertEqual(symlink("gone.json", s.path("in/gone-link.json")), 0)
        let r = try Guardpost.run(["scan", "--no-config", "in"], in: s.url)
        assertEnded(r, exit: [1], "problems")
        assertLocated(r, "in/broken.json:1:7", "broken.json")
        assertLocated(r, "in/tabs.yaml:2:1", "tabs.yaml")
        assertLocated(r, "in/pipe.yaml:1:1", "pipe.yaml")
        assertLocated(r, "in/gone-link.json:1:1", "gone-link.json")
        for f in ["broken.json", "tabs.yaml", "pipe.yaml", "gone-link.json"] {
            XCTAssertTrue(r.stdout.contains("error: [GP001 input-unreadable]") && r.stdout.contains("in/\(f)"), f)
        }
        // The summary: how many, and why.
        XCTAssertTrue(r.stdout.contains("4 file problems (see GP001): 2 not parsed, 2 unreadable."), String(r.stdout.suffix(400)))
        // The readable file was still scanned.
        XCTAssertTrue(r.stdout.contains("1 kubernetes"), String(r.stdout.suffix(400)))
        // Only an explicit `--fail-on none` lets the run pass; the findings are still printed.
        let none = try Guardpost.run(["scan", "--no-config", "--fail-on", "none", "in"], in: s.url)
        assertEnded(none, exit: [0], "--fail-on none")
        XCTAssertTrue(none.stdout.contains("in/broken.json:1:7"), none.stdout)
        for threshold in ["error", "warning", "info"] {
            assertEnded(try Guardpost.run(["scan", "--no-config", "--fail-on", threshold, "in"], in: s.url), exit: [1], "--fail-on \(threshold)")
        }
        // The JSON report carries the same problems as findings and diagnostics.
        let json = try Guardpost.run(["scan", "--no-config", "--format", "json", "in"], in: s.url)
        assertEnded(json, exit: [1], "json")
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let findings = try XCTUnwrap(doc["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.filter { $0["ruleId"] as? String == "GP001" && $0["severity"] as? String == "error" }.count, 4)
    }

    func testPathsThatDoNotExistAreErrors() throws {
        let s = try Scratch()
        let r = try Guardpost.run(["scan", "--no-config", "missing-folder", "missing.json"], in: s.url)
        assertEnded(r, exit: [1], "missing paths")
        assertLocated(r, "missing-folder:1:1", "missing folder")
        assertLocated(r, "missing.json:1:1", "missing file")
    }

    func testAConfigurationFileThatCannotBeReadStopsTheRunWithExitCode2() throws {
        let s = try Scratch()
        try s.write("in/good.yaml", manifest)
        try s.write("tabs.yml", "accounts:\n\t- id: \"111122223333\"\n")
        try s.write("binary.yml", [0, 1, 2, 3, 0xFF])
        XCTAssertEqual(mkfifo(s.path("fifo.yml"), 0o644), 0)
        let cases: [(String, String)] = [
            ("missing.yml", "missing.yml:1:1"), ("tabs.yml", "tabs.yml:2:1"), ("binary.yml", "binary.yml:1:1"),
            ("fifo.yml", "fifo.yml:1:1"), ("/dev/zero", "/dev/zero:1:1"), ("in", "in:1:1"),
        ]
        for (config, location) in cases {
            let r = try Guardpost.run(["scan", "--config", config, "in"], in: s.url, timeout: 10)
            assertEnded(r, exit: [2], within: 10, "--config \(config)")
            XCTAssertTrue(r.stderr.contains("configuration error") && r.stderr.contains(location), "--config \(config): \(r.stderr)")
            XCTAssertTrue(r.stdout.isEmpty, "--config \(config): no report when the configuration is unusable")
        }
        // A .guardpost.yml found upward from the scanned path is read the same way.
        try s.write("proj/.guardpost.yml", "accounts: [unclosed\n")
        try s.write("proj/k8s/ns.yaml", manifest)
        let found = try Guardpost.run(["scan", "proj/k8s"], in: s.url)
        assertEnded(found, exit: [2], "found .guardpost.yml")
        XCTAssertTrue(found.stderr.contains("proj/.guardpost.yml:"), found.stderr)
    }

    func testAPolicyFolderThatCannotBeReadStopsTheRunWithExitCode2() throws {
        let s = try Scratch()
        try s.write("in/good.yaml", manifest)
        try s.write("not-a-folder", "x")
        try s.write("bad/agent-versions.json", "{")
        for (policies, expected) in [("missing-dir", "missing-dir"), ("not-a-folder", "not-a-folder"), ("bad", "bad/agent-versions.json")] {
            let r = try Guardpost.run(["scan", "--no-config", "--policies", policies, "in"], in: s.url)
            assertEnded(r, exit: [2], "--policies \(policies)")
            XCTAssertTrue(r.stderr.contains("policies error") && r.stderr.contains(expected), "--policies \(policies): \(r.stderr)")
        }
        let k = try Guardpost.run(["knowledge", "--policies", "bad"], in: s.url)
        assertEnded(k, exit: [2], "knowledge --policies bad")
    }

    func testUsageErrorsExitWith2() throws {
        let s = try Scratch()
        for args in [["scan", "--fail-on", "bogus"], ["scan", "--no-such-option"], ["scan", "--format", "pdf"], ["scan", "--jobs", "many"], ["no-such-command", "--x"]] {
            let r = try Guardpost.run(args, in: s.url)
            assertEnded(r, exit: [2], args.joined(separator: " "))
            XCTAssertTrue(r.stderr.contains("Error") || r.stderr.contains("error"), "\(args): \(r.stderr)")
        }
        assertEnded(try Guardpost.run(["--help"], in: s.url), exit: [0], "--help")
        assertEnded(try Guardpost.run(["rules", "show", "GP999"], in: s.url), exit: [2], "unknown rule")
    }
}
