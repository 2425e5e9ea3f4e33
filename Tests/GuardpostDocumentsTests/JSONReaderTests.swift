import XCTest
@testable import GuardpostDocuments

final class JSONReaderTests: XCTestCase {
    let file = SourceFile(path: "t.json")

    func parse(_ s: String) throws -> Node { try JSONReader.parse(s, file: file) }

    func assertError(_ s: String, _ line: Int, _ column: Int, _ message: String,
                     file f: StaticString = #filePath, line l: UInt = #line) {
        assertError(Array(s.utf8), line, column, message, file: f, line: l)
    }

    func assertError(_ bytes: [UInt8], _ line: Int, _ column: Int, _ message: String,
                     file f: StaticString = #filePath, line l: UInt = #line) {
        do {
            let n = try JSONReader.parse(bytes, file: file)
            XCTFail("expected error \(message), got \(n)", file: f, line: l)
        } catch let e as ParseError {
            XCTAssertEqual(e.location.line, line, "line of \(e)", file: f, line: l)
            XCTAssertEqual(e.location.column, column, "column of \(e)", file: f, line: l)
            XCTAssertTrue(e.message.contains(message), "message of \(e), expected \(message)", file: f, line: l)
        } catch {
            XCTFail("unexpected error type \(error)", file: f, line: l)
        }
    }

    func testValuesAndNumbersKeepSourceText() throws {
        let n = try parse(#"{"a": 1.30, "b": -0, "c": 1E+5, "d": true, "e": false, "f": null, "g": [], "h": {}}"#)
        XCTAssertEqual(n["a"]?.value.numberText, "1.30")
        XCTAssertEqual(n["b"]?.value.numberText, "-0")
        XCTAssertEqual(n["c"]?.value.numberText, "1E+5")
        XCTAssertEqual(n["d"]?.bool, true)
        XCTAssertEqual(n["e"]?.bool, false)
        XCTAssertEqual(n["f"]?.isNull, true)
        XCTAssertEqual(n["g"]?.items?.count, 0)
        XCTAssertEqual(n["h"]?.entries?.count, 0)
        XCTAssertEqual(JSONWriter.compact(n), #"{"a":1.30,"b":-0,"c":1E+5,"d":true,"e":false,"f":null,"g":[],"h":{}}"#)
    }

    func testPositionsOfNodesAndKeys() throws {
        let text = "{\n  \"name\": \"x\",\n  \"list\": [1,\n    {\"deep\": false}]\n}"
        let n = try parse(text)
        XCTAssertEqual(n.location.start, Mark(line: 1, column: 1))
        XCTAssertEqual(n.location.end, Mark(line: 5, column: 2))
        let name = n.entry("name")!
        XCTAssertEqual(name.keyLocation.start, Mark(line: 2, column: 3))
        XCTAssertEqual(name.keyLocation.end, Mark(line: 2, column: 9))
        XCTAssertEqual(name.value.location.start, Mark(line: 2, column: 11))
        XCTAssertEqual(name.value.location.end, Mark(line: 2, column: 14))
        let list = n["list"]!
        XCTAssertEqual(list.location.start, Mark(line: 3, column: 11))
        XCTAssertEqual(list[0]!.location.start, Mark(line: 3, column: 12))
        let deep = list[1]!.entry("deep")!
        XCTAssertEqual(deep.keyLocation.start, Mark(line: 4, column: 6))
        XCTAssertEqual(deep.value.location.start, Mark(line: 4, column: 14))
        XCTAssertEqual(deep.value.location.end, Mark(line: 4, column: 19))
    }

    func testColumnsCountScalarsAfterMultiByteCharacters() throws {
        // "é" is 2 bytes, "€" 3 bytes, "😀" 4 bytes: one column each.
        let n = try parse("{\"é€😀\": \"ü\", \"k\": 1}")
        XCTAssertEqual(n.entry("é€😀")!.keyLocation.start.column, 2)
        XCTAssertEqual(n["é€😀"]!.location.start.column, 9)
        XCTAssertEqual(n.entry("k")!.keyLocation.start.column, 14)
        XCTAssertEqual(n["k"]!.location.start.column, 19)
        // Error column after multi-byte characters.
        assertError("[\"日本\" 1]", 1, 7, "expected ',' or ']' after array element")
    }

    func testCRLFAndLoneCR() throws {
        let n = try parse("{\r\n\"a\":\r1,\r\n\r\n \"b\": 2}")
        XCTAssertEqual(n.entry("a")!.keyLocation.start, Mark(line: 2, column: 1))
        XCTAssertEqual(n["a"]!.location.start, Mark(line: 3, column: 1))
        XCTAssertEqual(n.entry("b")!.keyLocation.start, Mark(line: 5, column: 2))
        assertError("[1,\r\n\r 2 3]", 3, 4, "expected ',' or ']'")
    }

    func testEscapes() throws {
        let n = try parse(#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u20AC", "\ud83d\ude00", "x\u0000y", "plain"]"#)
        XCTAssertEqual(n[0]?.string, "a\"b\\c/d\u{8}\u{C}\n\r\t")
        XCTAssertEqual(n[1]?.string, "é€")
        XCTAssertEqual(n[2]?.string, "😀")
        XCTAssertEqual(n[3]?.string, "x\u{0}y")
        XCTAssertEqual(n[4]?.string, "plain")
    }

    func testErrorsWithExactPositions() {
        assertError(#"{"a": 1 "b": 2}"#, 1, 9, "expected ',' or '}' after object member")
        assertError("{\"a\" 1}", 1, 6, "expected ':' after object key")
        assertError("{1: 2}", 1, 2, "expected a string key in object")
        assertError("{\"a\": 1,}", 1, 9, "trailing comma before '}'")
        assertError("[1,]", 1, 4, "trailing comma before ']'")
        assertError("[1 2]", 1, 4, "expected ',' or ']' after array element")
        assertError("[1] x", 1, 5, "trailing data after JSON value")
        assertError("{} {}", 1, 4, "trailing data after JSON value")
        assertError("", 1, 1, "empty input")
        assertError("  \n ", 2, 2, "unexpected end of input")
        assertError("[1,\n 2", 2, 3, "unexpected end of input: expected ',' or ']'")
        assertError("{\"a\": ", 1, 7, "unexpected end of input: expected a JSON value")
        assertError("\"abc", 1, 1, "unterminated string")
        assertError("[\"a\u{1}b\"]", 1, 4, "control character U+0001 in string")
        assertError("[\"a\nb\"]", 1, 4, "control character U+000A in string")
        assertError("[tru]", 1, 2, "invalid literal: expected 'true'")
        assertError("[nullx]", 1, 2, "invalid literal: expected 'null'")
        assertError("[01]", 1, 2, "leading zeros")
        assertError("[-]", 1, 3, "expected a digit after '-'")
        assertError("[1.]", 1, 4, "expected a digit after '.'")
        assertError("[1e+]", 1, 5, "expected a digit in the exponent")
        assertError("[+1]", 1, 2, "unexpected character '+'")
        assertError("['a']", 1, 2, "unexpected character '''")
        assertError("[\"\\x\"]", 1, 3, "invalid escape sequence")
        assertError("[\"\\u12G4\"]", 1, 3, "expected 4 hex digits")
        assertError("[\"ab\\ud83d\"]", 1, 5, "lone surrogate \\uD83D")
        assertError("[\"ab\\ud83dx\"]", 1, 5, "lone surrogate \\uD83D")
        assertError("[\"\\ude00\"]", 1, 3, "lone surrogate \\uDE00")
        assertError("[\"\\ud83d\\u0041\"]", 1, 3, "lone surrogate")
        assertError("/* c */ 1", 1, 1, "unexpected character '/'")
    }

    func testInvalidUTF8() {
        assertError([0x5B, 0x22, 0x61, 0xC3, 0x28, 0x22, 0x5D], 1, 4, "invalid UTF-8 byte 0xC3")
        assertError([0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D], 1, 3, "invalid UTF-8 byte 0xED") // encoded surrogate
        assertError([0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D], 1, 3, "invalid UTF-8 byte 0xC0") // overlong
        assertError([0x5B, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22, 0x5D], 1, 3, "invalid UTF-8 byte 0xF4") // > U+10FFFF
        assertError([0x5B, 0x31, 0x2C, 0xFF, 0x5D], 1, 4, "invalid UTF-8 byte 0xFF")
        assertError([0x5B, 0x22, 0x61, 0xE2, 0x82], 1, 4, "invalid UTF-8 byte 0xE2") // truncated at EOF
    }

    func testNULBytes() {
        assertError([0x7B, 0x00, 0x7D], 1, 2, "unexpected control character U+0000")
        assertError([0x5B, 0x22, 0x00, 0x22, 0x5D], 1, 3, "control character U+0000 in string")
    }

    func testBOM() throws {
        let n = try JSONReader.parse([0xEF, 0xBB, 0xBF] + Array("{\"a\": 1}".utf8), file: file)
        XCTAssertEqual(n.entry("a")!.keyLocation.start, Mark(line: 1, column: 2))
        // A BOM in the middle is an error.
        assertError(Array("[1,".utf8) + [0xEF, 0xBB, 0xBF] + Array("2]".utf8), 1, 4, "unexpected byte order mark")
    }

    func utf16(_ s: String, bigEndian: Bool, bom: Bool = true) -> [UInt8] {
        var out: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for u in s.utf16 {
            let hi = UInt8(u >> 8), lo = UInt8(u & 0xFF)
            out += bigEndian ? [hi, lo] : [lo, hi]
        }
        return out
    }

    func testUTF16WithBOM() throws {
        let text = "{\n  \"naïve😀\": \"v\",\n  \"b\": [true]\n}"
        for be in [false, true] {
            let n = try JSONReader.parse(utf16(text, bigEndian: be), file: file)
            XCTAssertEqual(n["naïve😀"]?.string, "v")
            XCTAssertEqual(n.entry("naïve😀")!.keyLocation.start, Mark(line: 2, column: 3))
            XCTAssertEqual(n["naïve😀"]!.location.start, Mark(line: 2, column: 13))
            XCTAssertEqual(n["b"]![0]!.location.start, Mark(line: 3, column: 9))
        }
        // Errors are located in UTF-16 files too.
        assertError(utf16("{\n \"a\": 1 2}", bigEndian: false), 2, 9, "expected ',' or '}' after object member")
        // Lone surrogate in the UTF-16 encoding itself.
        var bad = utf16("[\"ab", bigEndian: false)
        bad += [0x3D, 0xD8, 0x22, 0x00, 0x5D, 0x00]
        assertError(bad, 1, 5, "lone surrogate U+D83D")
        assertError([0xFF, 0xFE, 0x5B, 0x00, 0x5D], 1, 2, "odd number of bytes")
    }

    func testUTF16WithoutBOMAndUTF32AreErrors() {
        assertError(utf16("{}", bigEndian: false, bom: false), 1, 1, "UTF-16LE without a byte order mark")
        assertError(utf16("{}", bigEndian: true, bom: false), 1, 1, "UTF-16BE without a byte order mark")
        assertError([0xFF, 0xFE, 0, 0, 0x7B, 0, 0, 0], 1, 1, "UTF-32LE")
        assertError([0, 0, 0xFE, 0xFF, 0, 0, 0, 0x7B], 1, 1, "UTF-32BE")
        assertError([0x7B, 0, 0, 0, 0x7D, 0, 0, 0], 1, 1, "UTF-32LE")
    }

    func testDuplicateKeysKeepFirstAndWarn() throws {
        let (node, warnings) = try JSONReader.parseWithWarnings("{\"a\": 1,\n \"b\": 2,\n \"a\": 3}", file: file)
        XCTAssertEqual(node.entries?.count, 2)
        XCTAssertEqual(node["a"]?.value.numberText, "1")
        XCTAssertEqual(warnings.count, 1)
        XCTAssertEqual(warnings[0].location.start, Mark(line: 3, column: 2))
        XCTAssertTrue(warnings[0].message.contains("duplicate key \"a\" (first at 1:2)"), warnings[0].message)
        // Large objects (dictionary index path).
        var big = "{"
        for i in 0..<40 { big += "\"k\(i)\": \(i), " }
        big += "\"k7\": 0, \"k39\": 1}"
        let (n2, w2) = try JSONReader.parseWithWarnings(big, file: file)
        XCTAssertEqual(n2.entries?.count, 40)
        XCTAssertEqual(n2["k39"]?.value.numberText, "39")
        XCTAssertEqual(w2.count, 2)
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        assertError(deep, 1, 513, "nesting deeper than 512")
        let deepObj = String(repeating: "{\"a\":", count: 100_000)
        assertError(deepObj, 1, 1 + 5 * 512, "nesting deeper than 512")
        // Exactly at the limit is fine.
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        XCTAssertNoThrow(try parse(ok))
        var limits = ParseLimits()
        limits.maxDepth = 3
        XCTAssertThrowsError(try JSONReader.parse("[[[[1]]]]", file: file, limits: limits))
        XCTAssertNoThrow(try JSONReader.parse("[[[1]]]", file: file, limits: limits))
    }

    func testLongSingleLineIsLinearAndColumnsCorrect() throws {
        var s = "["
        for i in 0..<200_000 { s += i == 0 ? "\"é\(i)\"" : ",\"é\(i)\"" }
        s += "]"
        let start = Date()
        let n = try parse(s)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual(n.items?.count, 200_000)
        // Element i starts after "[" and the previous elements.
        var col = 2
        for i in 0..<3 {
            XCTAssertEqual(n[i]!.location.start.column, col)
            col += 3 + String(i).count + 1
        }
    }
}

extension Node.Value {
    var numberText: String? {
        if case .number(let s) = self { return s }
        return nil
    }
}
