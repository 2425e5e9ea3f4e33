import XCTest
@testable import GuardpostDocuments
#if canImport(Glibc)
import Glibc
#endif

final class SourceReaderTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/guardpost-src-XXXXXX".utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        dir = String(cString: p!)
    }

    override func tearDown() {
        _ = try? FileManager.default.removeItem(atPath: dir)
    }

    func assertRefused(_ path: String, _ message: String, limits: ParseLimits = .default,
                       file f: StaticString = #filePath, line l: UInt = #line) {
        do {
            _ = try SourceReader.read(path: path, limits: limits)
            XCTFail("expected refusal", file: f, line: l)
        } catch let e as ParseError {
            XCTAssertEqual(e.location.file.path, path, file: f, line: l)
            XCTAssertEqual(e.location.start, Mark(line: 1, column: 1), file: f, line: l)
            XCTAssertTrue(e.message.contains(message), "\(e)", file: f, line: l)
        } catch {
            XCTFail("\(error)", file: f, line: l)
        }
    }

    func testReadsRegularFile() throws {
        let path = dir + "/a.yaml"
        _ = FileManager.default.createFile(atPath: path, contents: Data("a: 1\n".utf8))
        XCTAssertEqual(try SourceReader.read(path: path, limits: .default), Array("a: 1\n".utf8))
        let empty = dir + "/empty.json"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        XCTAssertEqual(try SourceReader.read(path: empty, limits: .default), [])
    }

    func testRefusesDirectoriesFIFOsDevicesAndMissing() {
        assertRefused(dir, "not a regular file (a directory)")
        let fifo = dir + "/fifo"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        assertRefused(fifo, "not a regular file (a FIFO)") // must not block
        assertRefused("/dev/null", "not a regular file (a character device)")
        assertRefused(dir + "/missing.yaml", "no such file or directory")
        let link = dir + "/dangling"
        XCTAssertEqual(symlink(dir + "/nowhere", link), 0)
        assertRefused(link, "broken symbolic link")
    }

    func testRefusesUnreadableFile() throws {
        XCTAssertEqual(SourceReader.errnoMessage(EACCES, action: "cannot open file"), "cannot open file: permission denied")
        guard getuid() != 0 else { throw XCTSkip("running as root: permissions are not enforced") }
        let path = dir + "/secret.yaml"
        _ = FileManager.default.createFile(atPath: path, contents: Data("a: 1".utf8))
        chmod(path, 0)
        assertRefused(path, "permission denied")
    }

    func testSizeLimit() throws {
        let path = dir + "/big.json"
        _ = FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x20, count: 1000))
        var limits = ParseLimits()
        limits.maxFileSize = 999
        assertRefused(path, "larger than the limit of 999 bytes", limits: limits)
        limits.maxFileSize = 1000
        XCTAssertEqual(try SourceReader.read(path: path, limits: limits).count, 1000)
    }
}

final class FormatSnifferTests: XCTestCase {
    func sniff(_ s: String, _ path: String = "x") -> DocumentSyntax { FormatSniffer.sniff(Array(s.utf8), path: path) }

    func testSniffing() {
        XCTAssertEqual(sniff("{\"a\":1}"), .json)
        XCTAssertEqual(sniff("  \n\t[1]", "x.yaml"), .json)
        XCTAssertEqual(FormatSniffer.sniff([0xEF, 0xBB, 0xBF, 0x7B, 0x7D], path: "x"), .json)
        XCTAssertEqual(sniff("a: 1", "x.json"), .yaml)
        XCTAssertEqual(sniff("---\na: 1"), .yaml)
        XCTAssertEqual(sniff("", "x.json"), .json)
        XCTAssertEqual(sniff("  \n", "x.yml"), .yaml)
        XCTAssertEqual(FormatSniffer.sniff([0x61, 0x00, 0x62], path: "x.yaml"), .binary)
        XCTAssertEqual(FormatSniffer.sniff([0xFF, 0xFE, 0x20, 0x00, 0x7B, 0x00, 0x7D, 0x00], path: "x"), .json)
        XCTAssertEqual(FormatSniffer.sniff([0xFE, 0xFF, 0x00, 0x61, 0x00, 0x3A], path: "x"), .yaml)
    }

    func testDocumentReaderDispatch() throws {
        let f = SourceFile(path: "a.json")
        let j = try DocumentReader.read(bytes: Array("{\"a\": [1, 2]}".utf8), file: f)
        XCTAssertEqual(j.syntax, .json)
        XCTAssertEqual(j.documents.count, 1)
        // A .json file that is really YAML still parses; the JSON problem becomes a warning.
        let y = try DocumentReader.read(bytes: Array("a: 1\nb: [x]\n".utf8), file: f)
        XCTAssertEqual(y.syntax, .yaml)
        XCTAssertEqual(y.documents[0]["b"]?[0]?.string, "x")
        let flow = try DocumentReader.read(bytes: Array("{a: 1, # comment\n b: 2}".utf8), file: f)
        XCTAssertEqual(flow.syntax, .yaml)
        XCTAssertEqual(flow.documents[0]["b"]?.value.numberText, "2")
        XCTAssertEqual(flow.warnings.count, 1)
        XCTAssertTrue(flow.warnings[0].message.contains("not valid JSON"))
        // Broken in both syntaxes: the JSON error for .json files.
        XCTAssertThrowsError(try DocumentReader.read(bytes: Array("{\"a\": [}".utf8), file: f)) { e in
            XCTAssertTrue((e as! ParseError).message.contains("expected a JSON value"), "\(e)")
        }
        // Multi-document YAML.
        let m = try DocumentReader.read(bytes: Array("a: 1\n---\nb: 2\n".utf8), file: SourceFile(path: "k.yaml"))
        XCTAssertEqual(m.documents.count, 2)
        // Binary.
        XCTAssertThrowsError(try DocumentReader.read(bytes: [0x61, 0x3A, 0x00, 0x01], file: SourceFile(path: "b.yaml"))) { e in
            XCTAssertTrue((e as! ParseError).message.contains("binary file"), "\(e)")
        }
        XCTAssertThrowsError(try DocumentReader.read(bytes: [0x7B, 0x00, 0x7D, 0x00], file: f)) { e in
            XCTAssertTrue((e as! ParseError).message.contains("UTF-16LE without a byte order mark"), "\(e)")
        }
        // Depth errors are not retried as YAML.
        XCTAssertThrowsError(try DocumentReader.read(bytes: Array((String(repeating: "[", count: 600)).utf8), file: SourceFile(path: "d"))) { e in
            XCTAssertTrue((e as! ParseError).message.contains("nesting deeper than 512"), "\(e)")
        }
        var small = ParseLimits()
        small.maxFileSize = 3
        XCTAssertThrowsError(try DocumentReader.read(bytes: Array("[1, 2]".utf8), file: f, limits: small)) { e in
            XCTAssertTrue((e as! ParseError).message.contains("larger than the limit of 3 bytes"), "\(e)")
        }
        // Empty .json -> JSON error; empty .yaml -> no documents.
        XCTAssertThrowsError(try DocumentReader.read(bytes: [], file: f))
        XCTAssertEqual(try DocumentReader.read(bytes: [], file: SourceFile(path: "e.yaml")).documents.count, 0)
    }
}

/// Every document in the shared corpus either parses or fails with a located ParseError.
final class CorpusTests: XCTestCase {
    func testCorpusParsesOrFailsWithLocatedErrors() throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: corpus, isDirectory: &isDir), isDir.boolValue else {
            throw XCTSkip("no corpus at \(corpus)")
        }
        let exts: Set<String> = ["json", "yaml", "yml", "template"]
        var parsed = 0, failed = 0, utf16 = 0
        var failures: [String] = []
        let e = FileManager.default.enumerator(atPath: corpus)!
        while let rel = e.nextObject() as? String {
            guard exts.contains((rel as NSString).pathExtension.lowercased()) else { continue }
            let path = corpus + "/" + rel
            let bytes: [UInt8]
            do { bytes = try SourceReader.read(path: path, limits: .default) } catch { continue }
            let f = SourceFile(path: path)
            if bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE { utf16 += 1 }
            do {
                let r = try DocumentReader.read(bytes: bytes, file: f)
                parsed += 1
                if bytes.starts(with: [0xFF, 0xFE]) { XCTAssertEqual(r.syntax, .json, rel) }
            } catch let err as ParseError {
                failed += 1
                XCTAssertTrue(err.location.file === f)
                XCTAssertGreaterThanOrEqual(err.location.line, 1)
                XCTAssertGreaterThanOrEqual(err.location.column, 1)
                failures.append("\(rel): \(err.location.line):\(err.location.column) \(err.message)")
            }
        }
        print("corpus: \(parsed) parsed, \(failed) located errors, \(utf16) UTF-16LE files")
        for f in failures { print("  \(f)") }
        XCTAssertGreaterThan(parsed, 1000)
        // UTF-16 files (the corpus README announces three checkov plans; none are present in this copy)
        // must parse: a UTF-16 failure would show up here.
        XCTAssertFalse(failures.contains { $0.contains("UTF-16") })
        // Only the two deliberately broken cfn-lint fixtures fail.
        XCTAssertLessThanOrEqual(failed, 2, failures.joined(separator: "\n"))
    }

    /// A real `terraform show -json` plan re-encoded as UTF-16LE/BE with BOM parses to the same tree and
    /// the same positions as the UTF-8 original (checkov's Windows plans are UTF-16LE with BOM).
    func testRealPlanAsUTF16() throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = packageRoot.deletingLastPathComponent().path + "/shared/corpus/bridgecrewio__checkov/tests/terraform/runner/resources/plan/tfplan.json"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no corpus plan") }
        let bytes = try SourceReader.read(path: path, limits: .default)
        let f = SourceFile(path: path)
        let original = try JSONReader.parse(bytes, file: f)
        let text = String(decoding: bytes, as: UTF8.self)
        for be in [false, true] {
            var u16: [UInt8] = be ? [0xFE, 0xFF] : [0xFF, 0xFE]
            u16.reserveCapacity(bytes.count * 2 + 2)
            for u in text.utf16 { u16 += be ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)] }
            let r = try DocumentReader.read(bytes: u16, file: f)
            XCTAssertEqual(r.syntax, .json)
            XCTAssertEqual(JSONWriter.compact(r.documents[0]), JSONWriter.compact(original))
            XCTAssertEqual(positions(r.documents[0]), positions(original))
        }
    }

    func positions(_ n: Node) -> [Mark] {
        var out: [Mark] = [n.location.start, n.location.end]
        switch n.value {
        case .sequence(let items): for i in items { out += positions(i) }
        case .mapping(let entries): for e in entries { out.append(e.keyLocation.start); out += positions(e.value) }
        default: break
        }
        return out
    }
}
