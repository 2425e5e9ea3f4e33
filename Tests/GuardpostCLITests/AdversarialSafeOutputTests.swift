import XCTest
import Foundation
@testable import GuardpostCLI
#if canImport(Glibc)
import Glibc
#endif

/// Safe outputs: names and text taken from the input cannot drive the terminal (escape sequences,
/// carriage returns, bidirectional overrides) or inject markup into a report; the scan writes no file
/// but `--output`.
final class AdversarialSafeOutputTests: XCTestCase {
    /// A resource name that tries everything: clear screen, set the window title, bell, C1 CSI, a
    /// right-to-left override, CR LF, and HTML.
    static let evilId = #"Vpc\e[2J\e]0;owned\a<script>alert(1)</script>\u202E\x9b31m"#
    static let evilName = #"pay\e[31mments\r\n<img src=x onerror=alert(1)>"#
    static let script = "<script>alert(1)</script>"

    func evilTemplate() throws -> String {
        let sample = try String(contentsOf: Guardpost.packageRoot.appendingPathComponent("samples/cloudformation-broken/eks.yaml"), encoding: .utf8)
        let t = sample.replacingOccurrences(of: "\n  Vpc:\n", with: "\n  \"\(Self.evilId)\":\n")
            .replacingOccurrences(of: "!Ref Vpc\n", with: "!Ref \"\(Self.evilId)\"\n")
            .replacingOccurrences(of: "Default: payments", with: "Default: \"\(Self.evilName)\"")
        XCTAssertNotEqual(t, sample)
        return t
    }

    /// Bytes a terminal would interpret: C0 controls other than LF and TAB, DEL, C1 controls, and the
    /// bidirectional overrides/isolates.
    func terminalControls(_ s: String) -> [String] {
        var found: [String] = []
        for u in s.unicodeScalars {
            let v = u.value
            if (v < 0x20 && v != 0x0A && v != 0x09) || v == 0x7F || (v >= 0x80 && v < 0xA0) || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069) {
                found.append(String(format: "U+%04X", v))
            }
        }
        return found
    }

    func testTerminalOutputCarriesNoControlSequencesFromTheInput() throws {
        let s = try Scratch()
        try s.write("cfn/evil.yaml", try evilTemplate())
        // Raw control bytes in files that do not parse: the error echoes the source line.
        try s.write("cfn/raw.yaml", Array("a: \"x".utf8) + [0x1B] + Array("[2J\u{7}\"\nb: [\r".utf8))
        try s.write("cfn/raw.json", Array("{\"a\": \"".utf8) + [0x1B, 0x5B, 0x32, 0x4A] + Array("\"}".utf8))
        // A file name with an escape sequence.
        try s.write("cfn/n\u{1B}[2Jame\u{7}.json", "{\"a\": ")
        for args in [["scan", "--no-config", "cfn"], ["scan", "--no-config", "--quiet", "cfn"], ["inventory", "--no-config", "cfn"]] {
            let r = try Guardpost.run(args, in: s.url)
            assertEnded(r, exit: [0, 1], args.joined(separator: " "))
            XCTAssertTrue(r.stdout.contains("Vpc"), "\(args): the resource is reported: \(r.stdout.prefix(500))")
            if args[0] == "scan" {
                XCTAssertEqual(terminalControls(r.stdout), [], "\(args): \(r.stdout)")
                XCTAssertTrue(r.stdout.contains("\\u{1b}[2J"), "escapes are shown, visibly: \(r.stdout.prefix(800))")
            }
            XCTAssertEqual(terminalControls(r.stderr), [], "\(args): \(r.stderr)")
        }
        // Error messages on standard error (a configuration key comes from the repository).
        try s.write("evil.yml", "\"k\\e[2J\\a\": 1\n")
        let cfg = try Guardpost.run(["scan", "--config", "evil.yml", "cfn"], in: s.url)
        assertEnded(cfg, exit: [2], "evil configuration")
        XCTAssertTrue(cfg.stderr.contains("configuration error"), cfg.stderr)
        XCTAssertEqual(terminalControls(cfg.stderr), [], cfg.stderr)
    }

    /// Every report format: text has no control characters, JSON parses and keeps the names exactly,
    /// and no other format carries the injected markup raw.
    func testEveryFormatNeutralisesInjectedNames() throws {
        let s = try Scratch()
        try s.write("evil.yaml", try evilTemplate())
        for format in OutputFormat.allCases {
            let r = try Guardpost.run(["scan", "--no-config", "--format", format.rawValue, "evil.yaml"], in: s.url)
            assertEnded(r, exit: [1], "format \(format.rawValue)")
            switch format.rawValue {
            case "text":
                XCTAssertEqual(terminalControls(r.stdout), [], r.stdout)
            case "json":
                let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any], "JSON parses")
                let text = String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self)
                // The exact name survives (JSON escapes it); nothing raw reaches a terminal that cats the file.
                XCTAssertTrue(text.contains("owned"), text)
                XCTAssertEqual(terminalControls(r.stdout), [], "raw control characters in JSON output")
            case "sarif":
                // JSON: the viewer shows message.text as text; it must parse and carry no raw controls.
                XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(r.stdoutBytes)), "SARIF parses")
                XCTAssertEqual(terminalControls(r.stdout), [], "sarif: raw control characters")
            case "github":
                // Workflow commands are shown as plain text; what matters is that nothing raw reaches the runner's log.
                XCTAssertEqual(terminalControls(r.stdout).filter { $0 != "U+000D" }, [], "github: raw control characters")
            case "markdown":
                // Markdown escapes `<` with a backslash, or shows it in a code span; both render it literally.
                let outsideCode = r.stdout.replacingOccurrences(of: "`[^`\n]*`", with: "", options: .regularExpression)
                for markup in [Self.script, "<img src=x"] {
                    XCTAssertNil(outsideCode.range(of: "(?<!\\\\)" + NSRegularExpression.escapedPattern(for: markup), options: .regularExpression),
                                 "markdown: injected markup appears unescaped")
                }
                XCTAssertEqual(terminalControls(r.stdout).filter { $0 != "U+000D" }, [], "markdown: raw control characters")
            default:
                XCTAssertFalse(r.stdout.contains(Self.script), "\(format.rawValue): injected markup appears raw")
                XCTAssertFalse(r.stdout.contains("<img src=x"), "\(format.rawValue): injected markup appears raw")
                XCTAssertEqual(terminalControls(r.stdout).filter { $0 != "U+000D" }, [], "\(format.rawValue): raw control characters")
            }
        }
    }

    /// The scan writes nothing but its `--output` files: the input folder and the working folder are
    /// unchanged apart from them.
    func testNothingIsWrittenButTheOutputFiles() throws {
        let s = try Scratch()
        try s.write("work/in/evil.yaml", try evilTemplate())
        try s.write("work/in/broken.json", "{")
        try s.write("work/in/.guardpost.yml", "region: eu-west-1\n")
        func snapshot() throws -> [String: Date] {
            var out: [String: Date] = [:]
            let root = s.url.appendingPathComponent("work")
            for case let p as String in FileManager.default.enumerator(atPath: root.path)! {
                let attrs = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(p).path)
                out[p] = attrs[.modificationDate] as? Date
            }
            return out
        }
        let before = try snapshot()
        let work = s.url.appendingPathComponent("work")
        let formats = OutputFormat.allCases.map(\.rawValue)
        var args = ["scan", "in"]
        for f in formats { args += ["--format", f, "--output", "report.\(f)"] }
        let r = try Guardpost.run(args, in: work)
        assertEnded(r, exit: [1], "scan with --output")
        XCTAssertEqual(r.stdout, "", "everything went to --output")
        let after = try snapshot()
        let added = Set(after.keys).subtracting(before.keys)
        XCTAssertEqual(added, Set(formats.map { "report.\($0)" }))
        for (path, date) in before { XCTAssertEqual(after[path], date, "\(path) was modified") }
        // Inventory and knowledge write to standard output only.
        let inv = try Guardpost.run(["inventory", "in"], in: work)
        assertEnded(inv, exit: [0], "inventory")
        XCTAssertEqual(Set(try snapshot().keys), Set(after.keys))
    }
}
