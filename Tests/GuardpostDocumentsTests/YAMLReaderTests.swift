import XCTest
@testable import GuardpostDocuments

final class YAMLReaderTests: XCTestCase {
    let file = SourceFile(path: "t.yaml")

    func docs(_ s: String) throws -> YAMLDocuments { try YAMLReader.parse(s, file: file) }
    func doc(_ s: String) throws -> Node { try docs(s).documents[0] }

    func assertError(_ s: String, _ line: Int, _ column: Int, _ message: String, limits: ParseLimits = .default,
                     file f: StaticString = #filePath, line l: UInt = #line) {
        assertError(Array(s.utf8), line, column, message, limits: limits, file: f, line: l)
    }

    func assertError(_ bytes: [UInt8], _ line: Int, _ column: Int, _ message: String, limits: ParseLimits = .default,
                     file f: StaticString = #filePath, line l: UInt = #line) {
        do {
            let d = try YAMLReader.parse(bytes, file: file, limits: limits)
            XCTFail("expected error \(message), got \(d.documents)", file: f, line: l)
        } catch let e as ParseError {
            XCTAssertEqual(e.location.line, line, "line of \(e)", file: f, line: l)
            XCTAssertEqual(e.location.column, column, "column of \(e)", file: f, line: l)
            XCTAssertTrue(e.message.contains(message), "message of \(e), expected \(message)", file: f, line: l)
        } catch {
            XCTFail("unexpected error type \(error)", file: f, line: l)
        }
    }

    func testScalarResolutionCoreSchema() throws {
        let n = try doc("""
        a: null
        b: ~
        c:
        d: true
        e: FALSE
        f: yes
        g: on
        h: 0x1F
        i: 0o17
        j: -12
        k: 1.30
        l: .inf
        m: -.Inf
        n: .nan
        o: "true"
        p: '12'
        q: 1e3
        r: 12abc
        s: !!str 12
        t: !!int "7"
        u: 1_000
        v: 0777
        w: +.5
        x: Null
        y: 2024-01-01
        """)
        XCTAssertTrue(n["a"]!.isNull); XCTAssertTrue(n["b"]!.isNull); XCTAssertTrue(n["c"]!.isNull)
        XCTAssertEqual(n["d"]?.bool, true); XCTAssertEqual(n["e"]?.bool, false)
        XCTAssertEqual(n["f"]?.string, "yes"); XCTAssertEqual(n["g"]?.string, "on")
        XCTAssertEqual(n["h"]?.value.numberText, "0x1F")
        XCTAssertEqual(n["i"]?.value.numberText, "0o17")
        XCTAssertEqual(n["j"]?.value.numberText, "-12")
        XCTAssertEqual(n["k"]?.value.numberText, "1.30")
        XCTAssertEqual(n["l"]?.value.numberText, ".inf")
        XCTAssertEqual(n["m"]?.value.numberText, "-.Inf")
        XCTAssertEqual(n["n"]?.value.numberText, ".nan")
        XCTAssertEqual(n["o"]?.string, "true")
        XCTAssertEqual(n["p"]?.string, "12")
        XCTAssertEqual(n["q"]?.value.numberText, "1e3")
        XCTAssertEqual(n["r"]?.string, "12abc")
        XCTAssertEqual(n["s"]?.string, "12"); XCTAssertEqual(n["s"]?.tag, "!!str")
        XCTAssertEqual(n["t"]?.value.numberText, "7"); XCTAssertEqual(n["t"]?.tag, "!!int")
        XCTAssertEqual(n["u"]?.string, "1_000")
        XCTAssertEqual(n["v"]?.value.numberText, "0777")
        XCTAssertEqual(n["w"]?.value.numberText, "+.5")
        XCTAssertTrue(n["x"]!.isNull)
        XCTAssertEqual(n["y"]?.string, "2024-01-01")
        // Numeric accessors understand the core-schema spellings.
        XCTAssertEqual(n["h"]?.int, 31)
        XCTAssertEqual(n["i"]?.int, 15)
        XCTAssertEqual(n["w"]?.number, 0.5)
        XCTAssertEqual(n["l"]?.number, .infinity)
        XCTAssertEqual(n["m"]?.number, -.infinity)
        XCTAssertTrue(n["n"]?.number?.isNaN ?? false)
        XCTAssertEqual(n["q"]?.int, 1000)
        XCTAssertEqual(try doc("a: 1.\nb: -.5\n")["a"]?.number, 1.0)
        XCTAssertEqual(try doc("a: 1.\nb: -.5\n")["b"]?.number, -0.5)
    }

    func testNonStringKeysUseTheirText() throws {
        let n = try doc("1: a\ntrue: b\n~: c\n\"q\": d\n")
        XCTAssertEqual(n.entries?.map(\.key), ["1", "true", "~", "q"])
    }

    func testComplexKeysAreErrors() {
        assertError("? [a, b]\n: c\n", 1, 3, "complex mapping keys")
        assertError("{a: 1}: x\n", 1, 1, "complex mapping keys")
    }

    func testTagsShortForm() throws {
        let n = try doc("""
        Resources:
          B:
            Properties:
              Name: !Ref MyParam
              Arn: !GetAtt [Role, Arn]
              Sub: !Sub "${AWS::Region}-x"
              If: !If [Cond, !Ref A, !Ref "AWS::NoValue"]
              Plain: !!str 5
              Map: !!map {a: 1}
              Empty: !GetAZs ''
              Bare: ! 12
        """)
        let p = n.at(["Resources", "B", "Properties"])!
        XCTAssertEqual(p["Name"]?.tag, "!Ref"); XCTAssertEqual(p["Name"]?.string, "MyParam")
        XCTAssertEqual(p["Arn"]?.tag, "!GetAtt"); XCTAssertEqual(p["Arn"]?.items?.count, 2)
        XCTAssertEqual(p["Sub"]?.tag, "!Sub"); XCTAssertEqual(p["Sub"]?.string, "${AWS::Region}-x")
        XCTAssertEqual(p["If"]?[1]?.tag, "!Ref"); XCTAssertEqual(p["If"]?[2]?.string, "AWS::NoValue")
        XCTAssertEqual(p["Plain"]?.tag, "!!str"); XCTAssertEqual(p["Plain"]?.string, "5")
        XCTAssertEqual(p["Map"]?.tag, "!!map")
        XCTAssertEqual(p["Empty"]?.tag, "!GetAZs"); XCTAssertEqual(p["Empty"]?.string, "")
        XCTAssertEqual(p["Bare"]?.tag, "!"); XCTAssertEqual(p["Bare"]?.string, "12")
        XCTAssertNil(p["Name"].flatMap { _ in n.tag })
    }

    func testInvalidTypedTagsAreErrors() {
        assertError("a: !!int abc\n", 1, 4, "invalid !!int value")
        assertError("a: !!bool yes\n", 1, 4, "invalid !!bool value")
    }

    func testPositions() throws {
        let n = try doc("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: é😀x\n      image: nginx\n")
        XCTAssertEqual(n.location.start, Mark(line: 1, column: 1))
        XCTAssertEqual(n.entry("kind")!.keyLocation.start, Mark(line: 2, column: 1))
        XCTAssertEqual(n["kind"]!.location.start, Mark(line: 2, column: 7))
        XCTAssertEqual(n["kind"]!.location.end, Mark(line: 2, column: 10))
        let c = n.at(["spec", "containers", 0])!
        XCTAssertEqual(c.location.start, Mark(line: 5, column: 7))
        XCTAssertEqual(c["name"]!.location.start, Mark(line: 5, column: 13))
        XCTAssertEqual(c["name"]!.location.end, Mark(line: 5, column: 16))
        XCTAssertEqual(c.entry("image")!.keyLocation.start, Mark(line: 6, column: 7))
        let seq = n.at(["spec", "containers"])!
        XCTAssertEqual(seq.location.start, Mark(line: 5, column: 5))
        // Flow style after multi-byte characters.
        let f = try doc("{é: 😀, k: [1, 2]}")
        XCTAssertEqual(f.entry("k")!.keyLocation.start.column, 8)
        XCTAssertEqual(f["k"]![1]!.location.start.column, 15)
    }

    func testCRLFAndLoneCR() throws {
        let n = try doc("a: 1\r\nb:\r\n  c: 2\r\n")
        XCTAssertEqual(n.at(["b", "c"])!.location.start, Mark(line: 3, column: 6))
        let m = try doc("a: 1\rb: 2\r")
        XCTAssertEqual(m.entry("b")!.keyLocation.start, Mark(line: 2, column: 1))
    }

    func testMultipleAndEmptyDocuments() throws {
        let d = try docs("a: 1\n---\n---\nb: 2\n...\n--- 3\n")
        XCTAssertEqual(d.documents.count, 4)
        XCTAssertEqual(d.documents[0]["a"]?.value.numberText, "1")
        XCTAssertTrue(d.documents[1].isNull)
        XCTAssertEqual(d.documents[1].location.start.line, 2)
        XCTAssertEqual(d.documents[2]["b"]?.location.start.line, 4)
        XCTAssertEqual(d.documents[3].value.numberText, "3")
        XCTAssertEqual(try docs("").documents.count, 0)
        XCTAssertEqual(try docs("# only a comment\n").documents.count, 0)
        XCTAssertEqual(try docs("---\n").documents.count, 1)
    }

    func testAnchorsAliasesAndMerge() throws {
        let n = try doc("""
        base: &base
          image: nginx
          port: 80
        extra: &extra
          port: 8080
          debug: true
        list: &l [1, 2]
        copy: *l
        svc:
          name: web
          <<: *base
          port: 9090
        multi:
          <<: [*extra, *base]
        quoted:
          "<<": *base
        """)
        XCTAssertEqual(n["copy"]?.items?.count, 2)
        XCTAssertEqual(n["copy"]?.location.start.line, 7) // the copy keeps the anchored node's location
        let svc = n["svc"]!
        XCTAssertEqual(svc.entries?.map(\.key), ["name", "image", "port"])
        XCTAssertEqual(svc["port"]?.value.numberText, "9090") // explicit wins
        XCTAssertEqual(svc["image"]?.string, "nginx")
        let multi = n["multi"]!
        XCTAssertEqual(multi["port"]?.value.numberText, "8080") // earlier in the sequence wins
        XCTAssertEqual(multi["image"]?.string, "nginx")
        XCTAssertEqual(multi["debug"]?.bool, true)
        XCTAssertEqual(n["quoted"]?.entries?.first?.key, "<<") // a quoted << is an ordinary key
        XCTAssertEqual(try docs("a: &x 1\nb: *x\n").warnings.count, 0)
    }

    func testMergeErrors() {
        assertError("a: &s scalar\nb:\n  <<: *s\n", 1, 4, "merge key '<<' needs a mapping")
        assertError("b:\n  <<: [1]\n", 2, 8, "merge key '<<' needs a mapping")
    }

    func testUndefinedAlias() {
        assertError("a: *nope\n", 1, 4, "undefined alias *nope")
        // Anchors do not cross documents.
        assertError("a: &x 1\n---\nb: *x\n", 3, 4, "undefined alias *x")
    }

    func testBillionLaughsEndsQuickly() {
        var s = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for i in 1...9 {
            let refs = Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ")
            s += "a\(i): &a\(i) [\(refs)]\n"
        }
        let start = Date()
        assertError(s, 7, 10, "alias expansion exceeds 1000000 nodes (possible billion-laughs)")
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        var limits = ParseLimits()
        limits.maxAliasExpansion = 5
        assertError("a: &a [1, 2]\nb: *a\nc: *a\n", 3, 4, "alias expansion exceeds 5 nodes", limits: limits)
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let flow = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        assertError(flow, 1, 513, "nesting deeper than 512")
        let block = String(repeating: "- ", count: 100_000) + "x\n"
        assertError(block, 1, 1025, "nesting deeper than 512")
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        XCTAssertNoThrow(try doc(ok))
        // An alias may not push the tree beyond the limit either.
        var limits = ParseLimits()
        limits.maxDepth = 4
        assertError("a: &a [[1]]\nb: [[*a]]\n", 2, 6, "nesting deeper than 4", limits: limits)
    }

    func testDuplicateKeysKeepFirstAndWarn() throws {
        let d = try docs("a: 1\nb: 2\na: 3\n")
        XCTAssertEqual(d.documents[0].entries?.count, 2)
        XCTAssertEqual(d.documents[0]["a"]?.value.numberText, "1")
        XCTAssertEqual(d.warnings.count, 1)
        XCTAssertEqual(d.warnings[0].location.start, Mark(line: 3, column: 1))
        XCTAssertTrue(d.warnings[0].message.contains("duplicate key \"a\" (first at 1:1)"), d.warnings[0].message)
    }

    func testLibyamlErrorsAreLocated() {
        assertError("a: b: c\n", 1, 5, "mapping values are not allowed in this context")
        assertError("a:\n  - 1\n  b: 2\n", 3, 3, "did not find expected '-' indicator")
        assertError("a: [1, 2\n", 2, 1, "did not find expected ',' or ']'")
        assertError("a: \"unterminated\n", 2, 1, "found unexpected end of stream")
        assertError("\ta: 1\n", 1, 1, "found character that cannot start any token")
    }

    func testInvalidUTF8AndControlCharacters() {
        assertError([0x61, 0x3A, 0x20, 0x62, 0x0A, 0x63, 0x3A, 0x20, 0xC3, 0x28, 0x0A], 2, 4, "invalid UTF-8 byte 0xC3")
        assertError(Array("a: 1\nb: x".utf8) + [0x01], 2, 5, "control character U+0001")
        assertError(Array("a: 1\nb: x".utf8) + [0x00] + Array("y\n".utf8), 2, 5, "control character U+0000")
    }

    func testBOM() throws {
        let n = try YAMLReader.parse([0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8), file: file).documents[0]
        XCTAssertEqual(n.entry("a")!.keyLocation.start, Mark(line: 1, column: 1))
        // A BOM at the start of a later document is allowed by YAML; anywhere else it is content or an error,
        // never a crash.
        let d = try YAMLReader.parse(Array("a: 1\n---\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("b: 2\n".utf8), file: file)
        XCTAssertEqual(d.documents.count, 2)
        _ = try? YAMLReader.parse(Array("a: x".utf8) + [0xEF, 0xBB, 0xBF] + Array("y\n".utf8), file: file)
    }

    func testUTF16WithBOM() throws {
        let text = "a: 1\nnaïve😀: [x, y]\n"
        for be in [false, true] {
            var bytes: [UInt8] = be ? [0xFE, 0xFF] : [0xFF, 0xFE]
            for u in text.utf16 { bytes += be ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)] }
            let n = try YAMLReader.parse(bytes, file: file).documents[0]
            XCTAssertEqual(n.entry("naïve😀")!.keyLocation.start, Mark(line: 2, column: 1))
            XCTAssertEqual(n["naïve😀"]![1]!.location.start, Mark(line: 2, column: 13))
        }
    }

    func testBlockScalarsAndQuoting() throws {
        let n = try doc("a: |\n  line1\n  line2\nb: >-\n  folded\n  text\nc: 'it''s'\nd: \"\\u00e9\\n\"\n")
        XCTAssertEqual(n["a"]?.string, "line1\nline2\n")
        XCTAssertEqual(n["b"]?.string, "folded text")
        XCTAssertEqual(n["c"]?.string, "it's")
        XCTAssertEqual(n["d"]?.string, "é\n")
    }
}
