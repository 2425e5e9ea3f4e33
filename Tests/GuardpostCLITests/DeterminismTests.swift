import XCTest
import Foundation
@testable import GuardpostCLI
#if canImport(Glibc)
import Glibc
#endif

/// Two scans of the same input give identical bytes in every format, whatever the number of worker
/// threads and whatever order the file system lists the files in.
final class DeterminismTests: XCTestCase {
    /// The input: the samples plus generated files that exercise ordering (many findings, parse errors,
    /// warnings, several formats in nested folders).
    func inputFiles() throws -> [(String, [UInt8])] {
        var files: [(String, [UInt8])] = []
        let samples = Guardpost.packageRoot.appendingPathComponent("samples")
        guard let e = FileManager.default.enumerator(atPath: samples.path) else { throw XCTSkip("no samples folder") }
        for case let p as String in e {
            var isDir: ObjCBool = false
            let full = samples.appendingPathComponent(p).path
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue else { continue }
            files.append(("samples/\(p)", [UInt8](try Data(contentsOf: URL(fileURLWithPath: full)))))
        }
        XCTAssertGreaterThanOrEqual(files.count, 4, "the samples are part of the input")
        let broken = try String(contentsOf: samples.appendingPathComponent("cloudformation-broken/eks.yaml"), encoding: .utf8)
        for i in 0..<24 {
            // Templates that each produce findings and a cluster prediction (names vary, so order matters).
            files.append(("gen/cfn/t\(i % 5)/stack-\(i).yaml", Array(broken.replacingOccurrences(of: "Default: payments", with: "Default: cluster-\(i)").utf8)))
            files.append(("gen/k8s/ns-\(i).yaml", Array("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\(i)\n  name: dup\(i)\n".utf8)))
            files.append(("gen/bad/b\(i).json", Array("{\"a\": [\(i),,]}".utf8)))
        }
        files.append(("gen/bad/tabs.yaml", Array("a:\n\tb: 1\n".utf8)))
        files.append(("gen/hcl/main.tf", Array("resource \"aws_vpc\" \"x\" {}\n".utf8)))
        return files
    }

    func materialize(_ files: [(String, [UInt8])], in root: URL, reverse: Bool) throws {
        let ordered = reverse ? files.reversed() : files
        // Create folders in the same order as their first file, so a reversed copy also reverses folders.
        for (path, bytes) in ordered {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
    }

    /// The raw order `readdir` returns for a folder (no sorting).
    func listingOrder(_ path: String) -> [String] {
        guard let d = opendir(path) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let ent = readdir(d) {
            let name = withUnsafePointer(to: ent.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    func testSameBytesWhateverTheWorkerCountAndTheListingOrder() throws {
        let files = try inputFiles()
        let a = try Scratch("guardpost-determinism-a")
        try materialize(files, in: a.url, reverse: false)
        // The reversed copy goes on tmpfs when there is one: tmpfs lists entries newest first, so the two
        // copies are listed in different orders.
        let shm = URL(fileURLWithPath: "/dev/shm")
        let bRoot: URL
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: shm.path, isDirectory: &isDir), isDir.boolValue, access(shm.path, W_OK) == 0 {
            bRoot = shm.appendingPathComponent("guardpost-determinism-b-\(UUID().uuidString)")
        } else {
            bRoot = FileManager.default.temporaryDirectory.appendingPathComponent("guardpost-determinism-b-\(UUID().uuidString)")
        }
        try FileManager.default.createDirectory(at: bRoot, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: bRoot) }
        try materialize(files, in: bRoot, reverse: true)
        let orderA = listingOrder(a.path("gen/k8s")), orderB = listingOrder(bRoot.appendingPathComponent("gen/k8s").path)
        XCTAssertEqual(Set(orderA), Set(orderB))
        if orderA == orderB {
            print("note: both copies list gen/k8s in the same order here; the worker-count comparison still applies")
        }

        var commands: [[String]] = OutputFormat.allCases.map { ["scan", "--no-config", "--format", $0.rawValue] }
        commands.append(["inventory", "--no-config"])
        for command in commands {
            let one = try Guardpost.run(command + ["--jobs", "1", "."], in: a.url, timeout: 60)
            let four = try Guardpost.run(command + ["--jobs", "4", "."], in: a.url, timeout: 60)
            let again = try Guardpost.run(command + ["--jobs", "4", "."], in: a.url, timeout: 60)
            let reversed = try Guardpost.run(command + ["--jobs", "4", "."], in: bRoot, timeout: 60)
            let reversedOne = try Guardpost.run(command + ["--jobs", "1", "."], in: bRoot, timeout: 60)
            let name = command.joined(separator: " ")
            for r in [one, four, again, reversed, reversedOne] { assertEnded(r, exit: [0, 1], within: 60, name) }
            XCTAssertGreaterThan(one.stdoutBytes.count, 1000, "\(name): a real report")
            XCTAssertTrue(one.stdoutBytes == four.stdoutBytes, "\(name): --jobs 1 and --jobs 4 differ\n\(firstDifference(one.stdout, four.stdout))")
            XCTAssertTrue(four.stdoutBytes == again.stdoutBytes, "\(name): two runs differ\n\(firstDifference(four.stdout, again.stdout))")
            XCTAssertTrue(one.stdoutBytes == reversed.stdoutBytes, "\(name): the reversed copy differs\n\(firstDifference(one.stdout, reversed.stdout))")
            XCTAssertTrue(one.stdoutBytes == reversedOne.stdoutBytes, "\(name): the reversed copy with --jobs 1 differs")
            XCTAssertEqual(one.status, reversed.status, "\(name): exit codes differ")
        }
        // The same through --output files, every format in one run.
        let out = try Scratch("guardpost-determinism-out")
        var reports: [[String: Data]] = []
        for (jobs, root) in [("1", a.url), ("4", bRoot)] {
            var args = ["scan", "--no-config", "--jobs", jobs, "."]
            for f in OutputFormat.allCases { args += ["--format", f.rawValue, "--output", out.path("\(jobs).\(f.rawValue)")] }
            let r = try Guardpost.run(args, in: root, timeout: 60)
            assertEnded(r, exit: [0, 1], within: 60, "--output with --jobs \(jobs)")
            var files: [String: Data] = [:]
            for f in OutputFormat.allCases { files[f.rawValue] = try Data(contentsOf: URL(fileURLWithPath: out.path("\(jobs).\(f.rawValue)"))) }
            reports.append(files)
        }
        XCTAssertTrue(reports[0] == reports[1], "--output files differ between --jobs 1 (listing order A) and --jobs 4 (reversed copy)")
    }

    func firstDifference(_ a: String, _ b: String) -> String {
        let la = a.split(separator: "\n", omittingEmptySubsequences: false), lb = b.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(la.count, lb.count) {
            let x = i < la.count ? String(la[i]) : "<end>", y = i < lb.count ? String(lb[i]) : "<end>"
            if x != y { return "line \(i + 1):\n- \(x.prefix(300))\n+ \(y.prefix(300))" }
        }
        return "(same lines)"
    }
}
