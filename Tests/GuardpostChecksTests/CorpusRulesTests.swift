import XCTest
import Foundation
import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge
@testable import GuardpostChecks

/// Rules GP102-GP118 over the real third-party files of `../shared/corpus` (skipped when absent): every file that
/// declares EKS or GuardDuty resources is scanned on its own with every rule; none may crash, and these rules may
/// only report what is really there (the corpus has no GuardDuty-on-EKS setup, only clusters on Kubernetes 1.14).
final class CorpusRulesTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus")
    static let markers = ["AWS::EKS::", "aws_eks_", "AWS::GuardDuty::", "aws_guardduty_"]
    static let ruleIds: Set<String> = Set((102...118).map { "GP\($0)" })

    func testNoFalseAlarmsOnTheCorpus() throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: Self.corpus.path) else { throw XCTSkip("../shared/corpus is not present") }
        var scanned = 0
        var got: [String] = []
        let walker = fm.enumerator(atPath: Self.corpus.path)
        while let relative = walker?.nextObject() as? String {
            guard [".json", ".yaml", ".yml", ".template"].contains(where: { relative.hasSuffix($0) }) else { continue }
            let path = Self.corpus.appendingPathComponent(relative).path
            guard let data = fm.contents(atPath: path), data.count < 5_000_000 else { continue }
            let text = String(decoding: data, as: UTF8.self)
            guard Self.markers.contains(where: { text.contains($0) }) else { continue }
            scanned += 1
            let load = InputLoader.load(paths: [path], options: .init(workers: 1))
            let result = Scanner().scan(InfrastructureBuilder.build(load))
            for f in result.findings where Self.ruleIds.contains(f.ruleId) {
                got.append("\(relative) \(f.ruleId) \(f.resource) \(f.attribute ?? "")")
            }
        }
        XCTAssertGreaterThan(scanned, 10, "expected EKS/GuardDuty files in the corpus")
        let want = [
            "Checkmarx__kics/assets/queries/cloudFormation/aws/eks_cluster_encryption_disabled/test/negative1.yaml GP112 myCluster Version",
            "Checkmarx__kics/assets/queries/cloudFormation/aws/eks_cluster_encryption_disabled/test/positive3.yaml GP112 MyEKSClusterB Version",
            "Checkmarx__kics/assets/queries/cloudFormation/aws/eks_cluster_encryption_disabled/test/positive4.json GP112 MyEKSClusterB Version",
            "bridgecrewio__checkov/tests/cloudformation/checks/resource/aws/unused/EKSCluster.yaml GP112 myCluster Version",
        ]
        XCTAssertEqual(got.sorted(), want.sorted())
    }
}
