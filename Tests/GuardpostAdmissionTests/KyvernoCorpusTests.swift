import XCTest
import Foundation
@testable import GuardpostAdmission

/// Runs every Kyverno CLI suite of the corpus with our engine.
final class KyvernoCorpusTests: XCTestCase {
    static var corpus: String {
        let here = URL(fileURLWithPath: #filePath)
        // Tests/GuardpostAdmissionTests/<file> -> worktree root -> ../shared/corpus
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/corpus/kyverno__policies").path
    }

    /// Disagreements allowed over the corpus suites (pinned; lower it as the engine improves).
    static let maxDisagreed = 0

    func testCorpusSuitesAgree() throws {
        guard FileManager.default.fileExists(atPath: Self.corpus) else { throw XCTSkip("corpus absent at \(Self.corpus)") }
        let suites = KyvernoTestRunner.discover(under: Self.corpus)
        XCTAssertGreaterThan(suites.count, 100)
        var agreed = 0, disagreed = 0, skipped = 0
        var reasons: [String: Int] = [:]
        for s in suites {
            for r in KyvernoTestRunner.run(suiteFile: s) {
                switch r.status {
                case .agreed: agreed += 1
                case .disagreed:
                    disagreed += 1
                    print("DISAGREED \(r.suite) \(r.name): \(r.detail ?? "")")
                case .skipped:
                    skipped += 1
                    reasons[r.detail ?? "", default: 0] += 1
                }
            }
        }
        for (k, v) in reasons.sorted(by: { $0.value > $1.value }) { print("SKIPPED x\(v): \(k)") }
        print("KYVERNO CORPUS: suites=\(suites.count) agreed=\(agreed) disagreed=\(disagreed) skipped=\(skipped)")
        XCTAssertLessThanOrEqual(disagreed, Self.maxDisagreed)
    }

    /// Every Kyverno policy file of the corpus is evaluated or reported as not evaluable, never a crash.
    func testEveryCorpusPolicyLoads() throws {
        guard FileManager.default.fileExists(atPath: Self.corpus) else { throw XCTSkip("corpus absent") }
        let e = FileManager.default.enumerator(atPath: Self.corpus)!
        var policies = 0, unsupported = 0
        var reasons: [String: Int] = [:]
        let pod = sampleRequest()
        while let rel = e.nextObject() as? String {
            guard rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") else { continue }
            let path = Self.corpus + "/" + rel
            guard let objs = try? KyvernoTestRunner.objects(path) else { continue }
            let ps = objs.filter(KyvernoEngine.isKyvernoPolicy)
            if ps.isEmpty { continue }
            policies += ps.count
            for d in KyvernoEngine.evaluate(policies: ps, request: pod) {
                if case .cannotEvaluate(let reason) = d.outcome { unsupported += 1; reasons[reason, default: 0] += 1 }
            }
        }
        for (k, v) in reasons.sorted(by: { $0.value > $1.value }) { print("NOT EVALUABLE x\(v): \(k)") }
        print("KYVERNO POLICIES: \(policies) policies, \(unsupported) decisions not evaluable")
        XCTAssertGreaterThan(policies, 100)
    }
}
