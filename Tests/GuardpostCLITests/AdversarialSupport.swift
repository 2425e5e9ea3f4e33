import XCTest
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `guardpost` executable as a subprocess, with a deadline, and reports how it ended.
/// Shared by the adversarial, fail-closed, safe-output and determinism tests.
struct GuardpostRun {
    var status: Int32
    /// True when the process was killed by a signal (a crash, or our own kill after the deadline).
    var signaled: Bool
    var timedOut: Bool
    var stdout: String
    var stderr: String
    var stdoutBytes: [UInt8]
    var seconds: Double
    var output: String { stdout + stderr }
}

enum Guardpost {
    /// The package root, from this file's path (`Tests/GuardpostCLITests/<file>`).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The executable `swift test` built next to the test bundle, else `.build/debug/guardpost`.
    static var binary: URL? {
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent().appendingPathComponent("guardpost")) }
        for b in Bundle.allBundles { candidates.append(b.bundleURL.deletingLastPathComponent().appendingPathComponent("guardpost")) }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/guardpost"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static func requireBinary() throws -> URL {
        guard let b = binary else {
            throw XCTSkip("guardpost executable not found next to the tests or at .build/debug/guardpost; run `swift build` first")
        }
        return b
    }

    /// Runs guardpost with `arguments` in `directory`, killing it after `timeout` seconds.
    /// `prefix` runs it through another program (e.g. `setpriv` to drop privileges).
    static func run(_ arguments: [String], in directory: URL? = nil, timeout: Double = 20, prefix: [String] = [],
                    stdin: URL? = nil) throws -> GuardpostRun {
        let binary = try requireBinary()
        let p = Process()
        if prefix.isEmpty {
            p.executableURL = binary
            p.arguments = arguments
        } else {
            p.executableURL = URL(fileURLWithPath: prefix[0])
            p.arguments = Array(prefix.dropFirst()) + [binary.path] + arguments
        }
        if let directory { p.currentDirectoryURL = directory }
        // Output to files, not pipes: a large report cannot block the child on a full pipe.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("guardpost-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        p.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        let start = Date()
        try p.run()
        var timedOut = false
        if done.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            p.terminate()
            if done.wait(timeout: .now() + 2) == .timedOut {
                kill(p.processIdentifier, SIGKILL)
                done.wait()
            }
        }
        let seconds = Date().timeIntervalSince(start)
        try out.close()
        try err.close()
        let stdoutBytes = [UInt8]((try? Data(contentsOf: outURL)) ?? Data())
        let stderrBytes = [UInt8]((try? Data(contentsOf: errURL)) ?? Data())
        return GuardpostRun(status: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal, timedOut: timedOut,
                            stdout: String(decoding: stdoutBytes, as: UTF8.self), stderr: String(decoding: stderrBytes, as: UTF8.self),
                            stdoutBytes: stdoutBytes, seconds: seconds)
    }
}

/// A temporary folder, removed when the test ends.
final class Scratch {
    let url: URL
    init(_ name: String = "guardpost-adversarial") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit {
        // Restore permissions a test may have removed, then delete.
        _ = chmod(url.path, 0o755)
        if let e = FileManager.default.enumerator(atPath: url.path) {
            for case let p as String in e { _ = chmod(url.appendingPathComponent(p).path, 0o755) }
        }
        try? FileManager.default.removeItem(at: url)
    }

    var path: String { url.path }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let u = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: u)
        return u.path
    }
}

extension XCTestCase {
    /// The common assertions: no signal, no timeout, the expected exit codes, quickly.
    func assertEnded(_ r: GuardpostRun, exit codes: Set<Int32>, within seconds: Double = 20, _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(r.timedOut, "\(what): still running after the deadline (a hang)", file: file, line: line)
        XCTAssertFalse(r.signaled, "\(what): killed by signal \(r.status) (a crash)\n\(r.stderr.prefix(2000))", file: file, line: line)
        if !r.signaled && !r.timedOut {
            XCTAssertTrue(codes.contains(r.status), "\(what): exit code \(r.status), expected \(codes.sorted())\n\(r.output.prefix(2000))", file: file, line: line)
        }
        XCTAssertLessThan(r.seconds, seconds, "\(what): took \(r.seconds) s", file: file, line: line)
    }

    /// Asserts that the output names `path:line:column` (column optional).
    func assertLocated(_ r: GuardpostRun, _ location: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(r.output.contains(location), "\(what): expected the location \(location) in the output:\n\(r.output.prefix(3000))", file: file, line: line)
    }
}
