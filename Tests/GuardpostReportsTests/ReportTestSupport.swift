import Foundation
import XCTest
import GuardpostChecks
import GuardpostReports
@testable import GuardpostCLI

/// Paths, scans and tools shared by the report tests. Inputs are given relative to the package root
/// (the test changes to it), so file paths in the outputs are stable from machine to machine.
enum ReportTestSupport {
    /// The package root, found from this file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let goldenDirectory = "Tests/GuardpostReportsTests/Golden"
    static let fixtures = "Tests/GuardpostReportsTests/Fixtures"

    static func enterPackageRoot() {
        let moved = FileManager.default.changeCurrentDirectoryPath(packageRoot.path)
        precondition(moved, "cannot change to the package root \(packageRoot.path)")
    }

    /// One scan the golden files are made from: a name (the golden files' prefix) and its inputs.
    struct Case: Sendable {
        var name: String
        var paths: [String]
        var config: String?

        var pipeline: ScanPipeline {
            ScanPipeline(paths: paths, configPath: config, noConfig: config == nil)
        }
    }

    /// The four samples; a fixture with a parse error, a suppression, and names full of characters
    /// every format must escape; and one whose only finding is informational (GuardDuty settings unknown).
    static let cases: [Case] = [
        Case(name: "terraform-broken", paths: ["samples/terraform-broken"]),
        Case(name: "terraform-healthy", paths: ["samples/terraform-healthy"]),
        Case(name: "cloudformation-broken", paths: ["samples/cloudformation-broken"]),
        Case(name: "cloudformation-healthy", paths: ["samples/cloudformation-healthy"]),
        Case(name: "hostile", paths: ["\(fixtures)/hostile"], config: "\(fixtures)/hostile/.guardpost.yml"),
        Case(name: "unverified", paths: ["\(fixtures)/unverified"]),
    ]

    static func hostileCase() -> Case { cases.first { $0.name == "hostile" }! }

    /// The characters the hostile fixture puts into a Terraform address and a cluster name.
    static let hostile = "<script>\"&'\u{1B}[31m|@octocat`%,:\r\n::error::x"

    nonisolated(unsafe) private static var results: [String: ScanResult] = [:]

    /// Runs the real pipeline (loaders, model, rules, prediction) once per case.
    static func result(_ c: Case) throws -> ScanResult {
        enterPackageRoot()
        if let r = results[c.name] { return r }
        let r = try c.pipeline.run()
        results[c.name] = r
        return r
    }

    /// Every report format the `scan` command offers, with its golden file extension.
    static let formats: [(ext: String, render: @Sendable (ScanResult) -> String)] = [
        ("txt", { TextReport().render($0) }),
        ("json", { JSONReport().render($0) }),
        ("sarif", { SARIFReport().render($0) }),
        ("junit.xml", { JUnitReport().render($0) }),
        ("github.txt", { GitHubReport().render($0) }),
        ("md", { MarkdownReport().render($0) }),
    ]

    // MARK: Files

    static func temporaryDirectory(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("guardpost-reports-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    // MARK: jsonschema (PyPI)

    struct ToolOutput {
        var status: Int32
        var output: String
    }

    static func run(_ arguments: [String]) throws -> ToolOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ToolOutput(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Skips the calling test when python3 or its jsonschema package is missing.
    static func requireJSONSchema() throws {
        let probe = try? run(["python3", "-c", "import jsonschema"])
        guard let probe, probe.status == 0 else {
            throw XCTSkip("python3 with jsonschema is not installed (scripts/install-test-tools.sh installs it); schema validation skipped")
        }
    }

    /// Validates every document given after the schema; prints `index<TAB>path: message` per error.
    static let validatorScript = """
    import json, sys, jsonschema
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=jsonschema.FormatChecker())
    failed = False
    for index, path in enumerate(sys.argv[2:]):
        document = json.load(open(path, encoding="utf-8"))
        errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
        for e in errors[:20]:
            failed = True
            print(str(index) + "\t" + "/".join(str(p) for p in e.absolute_path) + ": " + e.message[:300])
    sys.exit(1 if failed else 0)
    """

    /// Validates each document against the schema file in one run of the validator; returns the
    /// messages per document (an empty list: valid).
    static func schemaErrors(documents: [String], schemaPath: String) throws -> [[String]] {
        let dir = try temporaryDirectory("schema")
        var paths: [String] = []
        for (i, text) in documents.enumerated() {
            let url = dir.appendingPathComponent("document-\(i).json")
            try Data(text.utf8).write(to: url)
            paths.append(url.path)
        }
        let out = try run(["python3", "-c", validatorScript, schemaPath] + paths)
        var errors = Array(repeating: [String](), count: documents.count)
        for line in out.output.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            if parts.count == 2, let i = Int(parts[0]), i < errors.count { errors[i].append(String(parts[1])) }
        }
        if out.status != 0 && errors.allSatisfy(\.isEmpty) {
            throw NSError(domain: "jsonschema", code: Int(out.status), userInfo: [NSLocalizedDescriptionKey: out.output])
        }
        return errors
    }

    static func schemaErrors(document: String, schemaPath: String) throws -> [String] {
        try schemaErrors(documents: [document], schemaPath: schemaPath)[0]
    }
}
