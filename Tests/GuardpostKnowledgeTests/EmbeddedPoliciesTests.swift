import Foundation
import XCTest
@testable import GuardpostKnowledge

/// The package root, found from this file's path (Tests/GuardpostKnowledgeTests/<this file>).
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

final class EmbeddedPoliciesTests: XCTestCase {
    func testEveryPoliciesFileIsEmbeddedByteForByte() throws {
        let dir = packageRoot.appendingPathComponent("policies")
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertEqual(onDisk, Knowledge.embeddedFiles.keys.sorted(), "policies/*.json and the embedded copy list different files: run scripts/embed-policies.sh")
        XCTAssertEqual(Set(onDisk), Set(Knowledge.fileNames), "Knowledge.fileNames must name every policies file")
        for name in onDisk {
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            let embedded = Data((Knowledge.embeddedFiles[name] ?? "").utf8)
            XCTAssertEqual(data, embedded, "\(name) differs from its embedded copy: run scripts/embed-policies.sh")
        }
    }

    func testGeneratedFileIsUpToDate() throws {
        let script = packageRoot.appendingPathComponent("scripts/embed-policies.sh").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, "--stdout"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let current = try Data(contentsOf: packageRoot.appendingPathComponent("Sources/GuardpostKnowledge/EmbeddedPolicies.swift"))
        XCTAssertEqual(output, current, "EmbeddedPolicies.swift is stale: run scripts/embed-policies.sh")
    }

    func testEmbeddedDataLoadsAndIsDeterministic() {
        let k = Knowledge.embedded
        XCTAssertEqual(k.checkedDate, "2026-11-28")
        XCTAssertEqual(k.describe(), Knowledge.embedded.describe())
        XCTAssertTrue(k.origins.isEmpty)
    }
}
