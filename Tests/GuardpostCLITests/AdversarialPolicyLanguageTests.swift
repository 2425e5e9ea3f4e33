import XCTest
import Foundation
@testable import GuardpostAdmission

/// Regression tests for the policy languages (Kyverno JMESPath and variables, patterns): inputs that
/// crashed or hung the engine, found while fuzzing (fuzz/README.md). Each runs on an 8 MiB-stack thread
/// with a deadline.
final class AdversarialPolicyLanguageTests: XCTestCase {
    func eval(_ expression: String, seconds: Double = 10, file: StaticString = #filePath, line: UInt = #line) -> Result<KValue, KyvernoEvalError>? {
        let box = ResultBox<Result<KValue, KyvernoEvalError>>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let data: KValue = .object(["list": .array((0..<6).map { .number(Double($0)) }), "s": .string("aaaa")])
            do { box.value = .success(try JMESPath.search(expression, data)) } catch let e as KyvernoEvalError {
                box.value = .failure(e)
            } catch { box.value = .failure(KyvernoEvalError(message: "\(error)")) }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        if done.wait(timeout: .now() + seconds) == .timedOut {
            XCTFail("`\(expression.prefix(80))` did not finish within \(seconds) s", file: file, line: line)
            return nil
        }
        return box.value
    }

    func value(_ expression: String, file: StaticString = #filePath, line: UInt = #line) -> KValue? {
        guard case .success(let v)? = eval(expression, file: file, line: line) else {
            XCTFail("`\(expression.prefix(80))` failed", file: file, line: line)
            return nil
        }
        return v
    }

    func isError(_ expression: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        if case .failure? = eval(expression, file: file, line: line) { return true }
        return false
    }

    /// Slices whose step is near Int.max overflowed `i += step` (a trap).
    func testSliceWithAHugeStepDoesNotOverflow() {
        XCTAssertEqual(value("list[1:5:9223372036854775807]"), .array([.number(1)]))
        XCTAssertEqual(value("list[-2::-9223372036854775808]"), .array([.number(4)]))
        XCTAssertEqual(value("list[::2]"), .array([.number(0), .number(2), .number(4)]))
        XCTAssertEqual(value("list[::-2]"), .array([.number(5), .number(3), .number(1)]))
    }

    /// `replace` and `truncate` converted their count with `Int(_:)`, which traps on 1e300; `replace`
    /// looped `count` times (10^12: a hang) and searched its own replacements again.
    func testReplaceAndTruncateCounts() {
        XCTAssertEqual(value("replace(s, 'a', 'b', `1e300`)"), .string("bbbb"))
        XCTAssertEqual(value("replace(s, 'a', 'b', `1000000000000`)"), .string("bbbb"))
        XCTAssertEqual(value("replace(s, 'a', 'aa', `2`)"), .string("aaaaaa"), "replacements are not searched again (Go's strings.Replace)")
        XCTAssertEqual(value("replace(s, 'a', 'b', `-1`)"), .string("bbbb"))
        XCTAssertEqual(value("replace(s, 'a', 'b', `1`)"), .string("baaa"))
        XCTAssertEqual(value("truncate(s, `1e300`)"), .string("aaaa"))
        XCTAssertEqual(value("truncate(s, `-1e300`)"), .string(""))
        XCTAssertEqual(value("truncate(s, `2`)"), .string("aa"))
    }
}

extension AdversarialPolicyLanguageTests {
    /// Deeply nested expressions (from a policy file there is no length limit) recursed once per level
    /// in the parser, the literal reader and the interpreter: a stack overflow.
    func testDeepExpressionsAreErrorsNotStackOverflows() {
        let n = 100_000
        for expression in [
            String(repeating: "(", count: n) + "s" + String(repeating: ")", count: n),
            String(repeating: "!", count: n) + "s",
            String(repeating: "[", count: n) + "s" + String(repeating: "]", count: n),
            String(repeating: "{a: ", count: n) + "s" + String(repeating: "}", count: n),
            String(repeating: "length(", count: n) + "s" + String(repeating: ")", count: n),
            Array(repeating: "s", count: n).joined(separator: "."),
            Array(repeating: "s", count: n).joined(separator: " | "),
            Array(repeating: "s", count: n).joined(separator: " || "),
        ] {
            XCTAssertTrue(isError(expression), "`\(expression.prefix(40))...` should be refused")
        }
        // A literal too deep for JSON is kept as a string, as Kyverno does with literals that are not JSON.
        let deepLiteral = String(repeating: "[", count: n) + String(repeating: "]", count: n)
        XCTAssertEqual(value("`" + deepLiteral + "`"), .string(deepLiteral))
        // Ordinary nesting still works.
        XCTAssertEqual(value("((((length(s))))) == `4`"), .bool(true))
        XCTAssertEqual(value("`[[[[1]]]]`"), .array([.array([.array([.array([.number(1)])])])]))
    }
}
