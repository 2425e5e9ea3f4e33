import XCTest
import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge
@testable import GuardpostChecks

/// Runs every registered rule's examples through the real loaders and the real scanner.
final class RuleExamplesTests: XCTestCase {
    func testEveryRuleHasTriggeringAndPassingExamples() {
        for rule in RuleRegistry.all {
            let m = rule.metadata
            XCTAssertTrue(m.examples.contains { $0.triggers }, "\(m.id) has no triggering example")
            XCTAssertTrue(m.examples.contains { !$0.triggers }, "\(m.id) has no passing example")
            XCTAssertFalse(m.rationale.isEmpty, "\(m.id) has no rationale")
            XCTAssertFalse(m.remediation.isEmpty, "\(m.id) has no remediation")
            XCTAssertFalse(m.title.isEmpty, "\(m.id) has no title")
        }
    }

    func testRuleIdsAndNamesAreUnique() {
        let ids = RuleRegistry.all.map(\.metadata.id)
        XCTAssertEqual(ids.count, Set(ids).count, "duplicate rule ids: \(ids)")
        let names = RuleRegistry.all.map(\.metadata.name)
        XCTAssertEqual(names.count, Set(names).count, "duplicate rule names")
        for id in ids { XCTAssertNotNil(id.range(of: #"^GP\d{3}$"#, options: .regularExpression), "bad id \(id)") }
    }

    /// Every rule file in Sources/GuardpostChecks/Rules declares a rule that is in the registry.
    func testEveryRuleFileIsRegistered() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/GuardpostChecks/Rules")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".swift") }
        let registered = Set(RuleRegistry.all.map(\.metadata.id))
        for file in files {
            guard let id = file.range(of: #"^GP\d{3}"#, options: .regularExpression).map({ String(file[$0]) }) else {
                XCTFail("rule file \(file) is not named GPnnnName.swift"); continue
            }
            XCTAssertTrue(registered.contains(id), "\(file) declares \(id), which is not in RuleRegistry.all")
        }
    }

    func testExamples() throws {
        for rule in RuleRegistry.all {
            for example in rule.metadata.examples {
                let findings = try run(example, rule: rule)
                let got = Set(findings.map { RuleExample.Expected($0.resource, attribute: $0.attribute) })
                let want = Set(example.expect)
                // Expected entries without attribute match any attribute of that resource.
                for w in want {
                    let matched = got.contains(w) || (w.attribute == nil && got.contains { $0.resource == w.resource })
                    XCTAssertTrue(matched, "\(rule.metadata.id) example '\(example.name)': expected a finding on \(w.resource) \(w.attribute ?? ""); got \(got.map { "\($0.resource) \($0.attribute ?? "")" })")
                }
                if want.isEmpty {
                    XCTAssertTrue(findings.isEmpty, "\(rule.metadata.id) example '\(example.name)' must not trigger; got \(findings.map(\.message))")
                } else {
                    for g in got where !want.contains(g) && !want.contains(where: { $0.attribute == nil && $0.resource == g.resource }) {
                        XCTFail("\(rule.metadata.id) example '\(example.name)': unexpected finding on \(g.resource) \(g.attribute ?? "")")
                    }
                }
            }
        }
    }

    /// Writes the example's files to a temporary folder and scans it like the CLI does.
    func run(_ example: RuleExample, rule: any Rule) throws -> [Finding] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gp-example-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var accounts = AccountContext()
        for (name, content) in example.files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
            if name == AccountContextLoader.fileName { accounts = try AccountContextLoader.load(path: url.path) }
        }
        let paths = example.files.map(\.name).filter { $0 != AccountContextLoader.fileName }.map { dir.appendingPathComponent($0).path }
        let load = InputLoader.load(paths: paths, options: .init(workers: 1, region: accounts.defaultRegion))
        let infra = InfrastructureBuilder.build(load)
        let result = Scanner(rules: [rule], knowledge: .embedded, accounts: accounts).scan(infra)
        let prefix = dir.path + "/"
        return result.findings.filter { $0.ruleId == rule.metadata.id }.map { f in
            var f = f
            if f.resource.hasPrefix(prefix) { f.resource = String(f.resource.dropFirst(prefix.count)) }
            return f
        }
    }
}

final class RuleRegistryOrderTests: XCTestCase {
    /// `guardpost rules`, docs/rules.md and every report list the rules in id order.
    func testRegistryIsInIdOrder() {
        let ids = RuleRegistry.all.map(\.metadata.id)
        XCTAssertEqual(ids, ids.sorted())
    }
}
