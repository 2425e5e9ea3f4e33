import XCTest
import Dispatch
import GuardpostDocuments
@testable import GuardpostModel

final class ResultBox<T>: @unchecked Sendable { var value: T?; init() {} }

/// Regression tests for crashes and hangs found by the adversarial suite and the fuzzers (fuzz/README.md).
/// Each runs in-process on the loader that failed, with a deadline: a hang fails the test instead of
/// blocking the suite.
final class AdversarialRegressionTests: XCTestCase {
    /// Runs `body` on a thread with an 8 MiB stack (what the scan's worker threads get here) and fails if it
    /// takes longer than `seconds`.
    func withDeadline<T>(_ seconds: Double, file: StaticString = #filePath, line: UInt = #line, _ body: @escaping @Sendable () -> T) -> T? {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        if done.wait(timeout: .now() + seconds) == .timedOut {
            XCTFail("did not finish within \(seconds) s", file: file, line: line)
            return nil
        }
        return box.value
    }

    func load(_ text: String, path: String) -> LoadResult? {
        withDeadline(10) { InputLoader.load(bytes: Array(text.utf8), path: path) }
    }

    // MARK: CloudFormation

    /// Found by the adversarial suite: a chain of 100 000 conditions, each naming the next, recursed once
    /// per condition and overflowed the stack (SIGSEGV).
    func testLongConditionChainEndsAtTheDepthLimit() throws {
        let n = 100_000
        var conditions: [String] = []
        for i in 0..<n { conditions.append("\"C\(i)\": {\"Fn::And\": [{\"Condition\": \"C\(i + 1)\"}, {\"Condition\": \"C\(i + 1)\"}]}") }
        conditions.append("\"C\(n)\": {\"Fn::Equals\": [\"a\", \"a\"]}")
        let template = """
        {"AWSTemplateFormatVersion": "2010-09-09", "Conditions": {\(conditions.joined(separator: ","))},
         "Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Condition": "C0", "Properties": {"CidrBlock": {"Fn::If": ["C0", "10.0.0.0/16", "10.1.0.0/16"]}}}}}
        """
        let result = try XCTUnwrap(load(template, path: "chain.json"))
        // The resource is kept (its condition is undecidable at the limit) and the limit is reported, located.
        XCTAssertEqual(result.resources.map(\.address), ["Vpc"])
        let d = try XCTUnwrap(result.diagnostics.first { $0.message.contains("conditions nested deeper than") })
        XCTAssertEqual(d.severity, .warning)
        XCTAssertEqual(d.location.file.path, "chain.json")
    }

    /// Conditions that name each other, and resources whose Refs form a cycle: a located error, links kept.
    func testCircularConditionsAndRefs() throws {
        let template = """
        AWSTemplateFormatVersion: "2010-09-09"
        Conditions:
          X: !Condition Y
          Y: !Not [!Condition X]
        Resources:
          A:
            Type: AWS::EC2::VPC
            Condition: X
            Properties:
              CidrBlock: !Ref B
          B:
            Type: AWS::EC2::Subnet
            Properties:
              VpcId: !Ref A
              CidrBlock: !Sub "${A}-${B.Id}"
        """
        let result = try XCTUnwrap(load(template, path: "cycle.yaml"))
        XCTAssertEqual(result.resources.map(\.address).sorted(), ["A", "B"])
        let d = try XCTUnwrap(result.diagnostics.first { $0.message.contains("refers to itself") })
        XCTAssertEqual(d.severity, .error)
        XCTAssertEqual(d.location.line, 3)
        let b = try XCTUnwrap(result.resources.first { $0.address == "B" })
        XCTAssertEqual(Set(b.references.map(\.target)), ["A", "B"])
    }

    // MARK: Terraform

    /// Found by the adversarial suite: a module whose output names its own inputs, and whose call passes
    /// that output back in, was followed 3^32 times (a hang).
    func testPlanModuleThatCallsItselfResolvesQuickly() throws {
        let plan = """
        {"format_version": "1.2",
         "planned_values": {"root_module": {"resources": [{"address": "aws_vpc.v", "type": "aws_vpc", "mode": "managed", "values": {}}]}},
         "configuration": {"root_module": {
           "resources": [{"address": "aws_vpc.v", "type": "aws_vpc", "expressions": {"cidr_block": {"references": ["module.m.o", "module.m"]}}}],
           "module_calls": {"m": {"source": "./", "expressions": {
               "a": {"references": ["module.m.o", "aws_subnet.s.id"]}, "b": {"references": ["module.m.o"]}, "c": {"references": ["module.m.o"]}},
             "module": {"outputs": {"o": {"expression": {"references": ["var.a", "var.b", "var.c"]}}}}}}}}}
        """
        let result = try XCTUnwrap(load(plan, path: "plan.json"))
        let vpc = try XCTUnwrap(result.resources.first { $0.address == "aws_vpc.v" })
        // The one resource the cycle reaches is still linked.
        XCTAssertEqual(vpc.references.map(\.target), ["aws_subnet.s"])
    }

    /// Found by the adversarial suite: `.tf.json` locals that each name the next one twice expanded 2^60
    /// times (a hang). Now a budget per resource, reported.
    func testTerraformJSONLocalsThatDoubleEndAtTheBudget() throws {
        var locals: [String] = []
        for i in 0..<60 { locals.append("\"l\(i)\": \"${local.l\(i + 1)}${local.l\(i + 1)}\"") }
        locals.append("\"l60\": \"x\"")
        locals.append("\"small\": \"${local.l58}\"")
        let config = """
        {"locals": {\(locals.joined(separator: ","))},
         "resource": {"aws_vpc": {"big": {"cidr_block": "${local.l0}"}, "ok": {"cidr_block": "${local.small}"}}}}
        """
        let result = try XCTUnwrap(load(config, path: "main.tf.json"))
        let big = try XCTUnwrap(result.resources.first { $0.address == "aws_vpc.big" })
        XCTAssertTrue(big.unknownPaths.contains("cidr_block"))
        XCTAssertTrue(result.diagnostics.contains { $0.message.contains("locals expand more than") && $0.message.contains("aws_vpc.big") })
        // Small expansions are unaffected: l58 = 4 copies of "x".
        let ok = try XCTUnwrap(result.resources.first { $0.address == "aws_vpc.ok" })
        XCTAssertEqual(ok.attributes["cidr_block"]?.string, "xxxx")
    }
}
