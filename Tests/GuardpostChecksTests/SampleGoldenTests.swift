import Foundation
import XCTest

/// `guardpost scan samples/<name>`, run from the package root like a user would, must print exactly the committed
/// `samples/<name>/expected.txt` and exit 1 when it reports errors. Each sample shows one GuardDuty coverage issue.
final class SampleGoldenTests: XCTestCase {
    /// Sample -> the GuardDuty issue it demonstrates, as the report prints it.
    static let samples: [(name: String, issue: String)] = [
        ("manual-no-endpoint", "predicted GuardDuty issue: Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas"),
        ("shared-vpc-owner", "predicted GuardDuty issue: VPC Endpoint Creation Failed: Owner account ID 111122223333 for shared VPC vpc-0a1b2c3d4e5f60789 doesn't have either Runtime Monitoring, automated agent configuration, or both, enabled."),
        ("shared-vpc-deletion", "GuardDuty reports Shared VPC Endpoint Deletion Failed: Shared VPC endpoint deletion not allowed for account ID 444455556666"),
        ("addon-conflict", "predicted GuardDuty issue: Addon Status Unhealthy: EKS Addon issue - ConfigurationConflict: Conflicts found when trying to apply."),
        ("addon-config-invalid", "predicted GuardDuty issue: Addon Creation Failed"),
        ("scp-deny-telemetry", "[GP134 scp-denies-telemetry]"),
        ("nodes-too-small", "[GP132 nodegroup-instance-too-small]"),
    ]

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `guardpost` next to the test bundle (`.build/debug`).
    static var binary: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("guardpost")
        }
        #endif
        return Bundle.main.bundleURL.appendingPathComponent("guardpost")
    }

    func run(_ arguments: [String]) throws -> (output: String, status: Int32) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = Self.packageRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }

    func testSamplesPrintTheirExpectedOutput() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            XCTFail("\(Self.binary.path) is missing: `swift build` builds it"); return
        }
        for sample in Self.samples {
            let expectedURL = Self.packageRoot.appendingPathComponent("samples/\(sample.name)/expected.txt")
            let (output, status) = try run(["scan", "samples/\(sample.name)"])
            if ProcessInfo.processInfo.environment["GUARDPOST_UPDATE_GOLDEN"] == "1" {
                try output.write(to: expectedURL, atomically: true, encoding: .utf8)
            }
            let expected = try String(contentsOf: expectedURL, encoding: .utf8)
            XCTAssertEqual(output, expected, "samples/\(sample.name): output differs from expected.txt; if the change is intended, regenerate it from the package root: .build/debug/guardpost scan samples/\(sample.name) > samples/\(sample.name)/expected.txt")
            let errors = expected.range(of: #"; 0 errors,"#) == nil
            XCTAssertEqual(status, errors ? 1 : 0, "samples/\(sample.name): exit code")
        }
    }

    /// The committed golden files keep showing the issue each sample is about (a regenerated golden that lost it fails).
    func testEachSampleShowsItsIssue() throws {
        for sample in Self.samples {
            let expected = try String(contentsOf: Self.packageRoot.appendingPathComponent("samples/\(sample.name)/expected.txt"), encoding: .utf8)
            XCTAssertTrue(expected.contains(sample.issue), "samples/\(sample.name)/expected.txt no longer shows: \(sample.issue)")
            XCTAssertFalse(expected.contains(Self.packageRoot.path), "samples/\(sample.name)/expected.txt must use paths relative to the package root")
        }
    }
}
