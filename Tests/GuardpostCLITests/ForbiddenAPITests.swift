import XCTest
import Foundation

/// Safe outputs, checked in the source: the product does no network access, runs no process and writes
/// no file except through the CLI's `emit` function (the one place `--output` is written). Scans every
/// `.swift` file under `Sources/` for the APIs that would do otherwise.
final class ForbiddenAPITests: XCTestCase {
    struct Rule {
        var what: String
        var pattern: NSRegularExpression
        init(_ what: String, _ pattern: String) {
            self.what = what
            self.pattern = try! NSRegularExpression(pattern: pattern)
        }
    }

    static let rules: [Rule] = [
        // Process execution
        Rule("process execution (Process/NSTask)", #"\b(Process|NSTask)\s*\(|\bProcess\.(run|launch)"#),
        Rule("process execution (posix_spawn/system/popen/exec/fork)", #"(?<![\w.])(posix_spawnp?|system|popen|execv|execvp|execve|execl|execlp|fork|vfork)\s*\("#),
        Rule("dynamic loading", #"(?<![\w.])dlopen\s*\("#),
        // Network
        Rule("network (URLSession/URLRequest/NWConnection/CFSocket/Stream)", #"\b(URLSession|URLRequest|NWConnection|NWListener|CFSocket|CFStream|InputStream\(url|OutputStream\(url)"#),
        Rule("network (socket/connect/getaddrinfo)", #"(?<![\w.])(socket|connect|getaddrinfo|gethostbyname|bind|listen|sendto|recvfrom)\s*\("#),
        Rule("network (Data/String from a URL)", #"contentsOf:\s*URL\(string:"#),
        // File writes
        Rule("file write (FileManager)", #"\.(createFile|createDirectory|removeItem|moveItem|copyItem|linkItem|createSymbolicLink|setAttributes|trashItem|replaceItem)\s*\("#),
        Rule("file write (fopen with a write mode)", #"(?<![\w.])(fopen|freopen|fdopen)\s*\([^,]*,\s*"[^"]*[wa+]"#),
        Rule("file write (open with write flags)", #"(?<![\w.])open\s*\([^)]*O_(WRONLY|RDWR|CREAT|TRUNC|APPEND)"#),
        Rule("file write (POSIX)", #"(?<![\w.])(?<!func )(creat|unlink|unlinkat|rmdir|mkdir|mkdirat|rename|renameat|remove|symlink|chmod|fchmod|chown|truncate|ftruncate|mkfifo|mknod)\s*\("#),
        Rule("file write (Data/String write)", #"\.write\s*\(\s*to(File)?\s*:|\.write\s*\(\s*toFile|FileHandle\s*\(\s*(forWritingTo|forWritingAtPath|forUpdating)"#),
        Rule("environment changes", #"(?<![\w.])(setenv|putenv|unsetenv)\s*\("#),
    ]

    /// Source text without comments and without the text of string literals (prose such as "a file
    /// system (...)" must not count). Short literals (up to 4 characters: `"wb"`, `"a+"`) are kept so
    /// that file modes can be checked. Line breaks are kept, so line numbers stay right.
    static func code(_ source: String) -> String {
        let t = Array(source.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        func starts(_ s: String, at j: Int) -> Bool {
            let u = Array(s.unicodeScalars)
            return j + u.count <= t.count && Array(t[j..<j + u.count]) == u
        }
        while i < t.count {
            let c = t[i]
            if starts("//", at: i) {
                while i < t.count, t[i] != "\n" { i += 1 }
                continue
            }
            if starts("/*", at: i) {
                var depth = 0
                while i < t.count {
                    if starts("/*", at: i) { depth += 1; i += 2; continue }
                    if starts("*/", at: i) { depth -= 1; i += 2; if depth == 0 { break }; continue }
                    if t[i] == "\n" { out.append("\n") }
                    i += 1
                }
                continue
            }
            if c == "#" || c == "\"" {
                // A string literal: #*"..."#* or #*"""..."""#*.
                var hashes = 0
                var j = i
                while j < t.count, t[j] == "#" { hashes += 1; j += 1 }
                guard j < t.count, t[j] == "\"" else { out.append(c); i += 1; continue }
                let multi = starts("\"\"\"", at: j)
                let close = (multi ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes)
                var k = j + (multi ? 3 : 1)
                var body = String.UnicodeScalarView()
                while k < t.count, !starts(close, at: k) {
                    if hashes == 0, t[k] == "\\", k + 1 < t.count { body.append(t[k]); body.append(t[k + 1]); k += 2; continue }
                    body.append(t[k])
                    k += 1
                }
                out.append("\"")
                if body.count <= 4 { out.append(contentsOf: body) } else { out.append(contentsOf: body.filter { $0 == "\n" }) }
                out.append("\"")
                i = min(t.count, k + close.unicodeScalars.count)
                continue
            }
            out.append(c)
            i += 1
        }
        return String(out)
    }

    /// Removes the body of `func emit(` (the CLI's one writer), keeping the line count.
    static func withoutEmitFunction(_ code: String) -> String {
        guard let start = code.range(of: "func emit(") else { return code }
        guard let open = code[start.upperBound...].firstIndex(of: "{") else { return code }
        var depth = 0
        var i = open
        while i < code.endIndex {
            if code[i] == "{" { depth += 1 }
            if code[i] == "}" { depth -= 1; if depth == 0 { break } }
            i = code.index(after: i)
        }
        guard i < code.endIndex else { return code }
        let body = code[open...i]
        return code.replacingCharacters(in: open...i, with: String(body.filter { $0 == "\n" }))
    }

    static func violations(in source: String, file: String, emitAllowed: Bool) -> [String] {
        var text = code(source)
        if emitAllowed { text = withoutEmitFunction(text) }
        var out: [String] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (n, line) in lines.enumerated() {
            let s = String(line)
            for rule in rules where rule.pattern.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil {
                out.append("\(file):\(n + 1): \(rule.what): \(s.trimmingCharacters(in: .whitespaces))")
            }
        }
        return out
    }

    func testLibraryAndCLISourcesUseNoForbiddenAPI() throws {
        let sources = Guardpost.packageRoot.appendingPathComponent("Sources")
        guard let e = FileManager.default.enumerator(atPath: sources.path) else { throw XCTSkip("no Sources folder at \(sources.path)") }
        var files: [String] = []
        for case let p as String in e where p.hasSuffix(".swift") { files.append(p) }
        XCTAssertGreaterThan(files.count, 50, "the scan must see the sources")
        var found: [String] = []
        for p in files.sorted() {
            let text = try String(contentsOf: sources.appendingPathComponent(p), encoding: .utf8)
            found += Self.violations(in: text, file: "Sources/\(p)", emitAllowed: p.hasPrefix("GuardpostCLI/"))
        }
        XCTAssertEqual(found, [], "forbidden APIs outside the CLI's emit function:\n" + found.joined(separator: "\n"))
    }

    /// The scanner itself: it must catch each forbidden call and leave ordinary code alone.
    func testTheScannerCatchesWhatItShould() {
        let bad = [
            "let p = Process()", "try Process.run(url, arguments: [])", "posix_spawn(&pid, path, nil, nil, argv, envp)",
            "_ = system(\"ls\")", "let f = popen(cmd, \"r\")", "execv(path, argv)", "let s = URLSession.shared",
            "let fd = socket(AF_INET, SOCK_STREAM, 0)", "connect(fd, addr, len)", "FileManager.default.createFile(atPath: p, contents: d)",
            "let f = fopen(path, \"w\")", "let f = fopen(path, \"a+\")", "let fd = open(path, O_WRONLY | O_CREAT, 0o644)",
            "try data.write(to: url)", "try s.write(toFile: p, atomically: true, encoding: .utf8)", "unlink(path)",
            "let h = FileHandle(forWritingAtPath: p)", "let d = try Data(contentsOf: URL(string: \"https://example.com\")!)",
            "setenv(\"X\", \"1\", 1)",
        ]
        for line in bad {
            XCTAssertFalse(Self.violations(in: line, file: "x.swift", emitAllowed: false).isEmpty, "not caught: \(line)")
        }
        let fine = [
            "let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)", "inProgress.remove(name)", "set.insert(x)",
            "// Process() in a comment", "/* system(\"x\") */", "let f = fopen(path, \"rb\")", "let text = \"a file system (FIFO)\"",
            "stack.append(frame)", "out.write(x)",
        ]
        for line in fine {
            XCTAssertEqual(Self.violations(in: line, file: "x.swift", emitAllowed: false), [], "false alarm: \(line)")
        }
        let cli = "func emit(_ t: String, to path: String?) throws {\n    guard let f = fopen(path, \"wb\") else { return }\n    fclose(f)\n}\nfunc other() { let f = fopen(p, \"w\") }\n"
        XCTAssertEqual(Self.violations(in: cli, file: "cli.swift", emitAllowed: true).count, 1, "emit is allowed, nothing else")
        XCTAssertTrue(Self.violations(in: cli, file: "cli.swift", emitAllowed: true).first?.hasPrefix("cli.swift:5:") == true)
    }
}
