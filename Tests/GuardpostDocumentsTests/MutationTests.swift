import XCTest
@testable import GuardpostDocuments

/// Deterministic mutation testing: damaged inputs must parse or throw a ParseError located inside the
/// file, never crash.
final class MutationTests: XCTestCase {
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    let interesting: [UInt8] = [0x00, 0x0A, 0x0D, 0x09, 0x22, 0x27, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x3A, 0x2C, 0x2D, 0x26, 0x2A,
                                0x21, 0x3C, 0x23, 0x7C, 0x3E, 0x75, 0xC3, 0xA9, 0xED, 0xA0, 0xF0, 0x9F, 0xEF, 0xBB, 0xBF, 0xFF, 0xFE, 0x80]

    func mutate(_ seed: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var b = seed
        for _ in 0..<(1 + rng.below(4)) {
            switch rng.below(4) {
            case 0 where !b.isEmpty: b[rng.below(b.count)] = interesting[rng.below(interesting.count)]
            case 1: b.insert(interesting[rng.below(interesting.count)], at: rng.below(b.count + 1))
            case 2 where !b.isEmpty: b.remove(at: rng.below(b.count))
            default:
                if b.count > 2 {
                    let cut = rng.below(b.count)
                    b = Array(b[..<cut])
                }
            }
        }
        return b
    }

    func lineCount(_ b: [UInt8]) -> Int { b.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) } }

    func check(_ bytes: [UInt8], _ parse: ([UInt8]) throws -> Void) {
        do {
            try parse(bytes)
        } catch let e as ParseError {
            XCTAssertGreaterThanOrEqual(e.location.line, 1)
            XCTAssertGreaterThanOrEqual(e.location.column, 1)
            XCTAssertLessThanOrEqual(e.location.line, lineCount(bytes) + 1, "\(e) for \(bytes)")
        } catch {
            XCTFail("non-ParseError \(error)")
        }
    }

    func testMutatedJSON() {
        let seeds = [
            #"{"a": [1, -2.5e3, true, false, null], "b": {"c": "d\u00e9\n\ud83d\ude00"}, "é": "x"}"#,
            "[\n  {\"k\": \"v\"},\r\n  [[]], {}\n]",
        ].map { Array($0.utf8) }
        var rng = SplitMix(state: 42)
        let f = SourceFile(path: "m.json")
        for i in 0..<4000 {
            let b = mutate(seeds[i % seeds.count], &rng)
            check(b) { _ = try JSONReader.parseWithWarnings($0, file: f) }
            check(b) { _ = try DocumentReader.read(bytes: $0, file: f) }
        }
    }

    func testMutatedYAML() {
        let seeds = [
            "a: &x {b: [1, 2]}\nc: *x\nd:\n  <<: *x\n  e: !Ref f\n---\n- \"q\\u00e9\"\n- 'it''s'\n- |\n  block\n",
            "k:\n  - name: é😀\n    v: ~\n? x\n: y\n",
        ].map { Array($0.utf8) }
        var rng = SplitMix(state: 7)
        let f = SourceFile(path: "m.yaml")
        for i in 0..<4000 {
            let b = mutate(seeds[i % seeds.count], &rng)
            check(b) { _ = try YAMLReader.parse($0, file: f) }
        }
    }
}

/// The depth limit keeps recursion (JSON parsing, Node destruction) within small thread stacks.
final class StackTests: XCTestCase {
    func testMaxDepthFitsInSmallThreadStack() {
        let done = expectation(description: "parsed")
        let t = Thread {
            let f = SourceFile(path: "deep")
            let json = String(repeating: "{\"a\":[", count: 256) + "1" + String(repeating: "]}", count: 256)
            let yaml = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
            for _ in 0..<2 {
                do {
                    _ = try JSONReader.parse(json, file: f)
                    _ = try YAMLReader.parse(yaml, file: f)
                } catch {
                    XCTFail("\(error)")
                }
            }
            done.fulfill()
        }
        t.stackSize = 512 * 1024
        t.start()
        wait(for: [done], timeout: 30)
    }
}
