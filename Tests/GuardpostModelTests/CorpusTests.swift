import XCTest
import GuardpostDocuments
@testable import GuardpostModel

/// Walks every file of ../shared/corpus: each is classified and loaded, or reported with a located
/// error. Never a crash, never a hang.
final class CorpusTests: XCTestCase {
    func testEveryCorpusFileIsClassifiedOrLocated() throws {
        let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        guard FileManager.default.fileExists(atPath: corpus.path) else { throw XCTSkip("../shared/corpus is absent") }
        let load = InputLoader.load(paths: [corpus.path], options: .init(workers: 2))
        let infra = InfrastructureBuilder.build(load)
        var counts: [String: Int] = [:]
        for f in infra.files { counts[f.format?.rawValue ?? "other", default: 0] += 1 }
        let parseErrors = infra.diagnostics.filter { $0.kind == .parseError && $0.severity == .error }
        let hcl = infra.diagnostics.filter { $0.kind == .unsupported && $0.message.hasPrefix("HCL") }.count
        print("CORPUS: \(infra.files.count) files: \(counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")); parse errors=\(parseErrors.count); HCL skipped=\(hcl); resources=\(infra.resources.count) clusters=\(infra.clusters.count) k8s objects=\(infra.kubernetesObjects.count)")
        for e in parseErrors { print("  parse error: \(e.location): \(e.message)") }
        XCTAssertGreaterThan(infra.files.count, 1000)
        XCTAssertGreaterThan(counts["kubernetes"] ?? 0, 500)
        XCTAssertGreaterThan(counts["cloudformation"] ?? 0, 50)
        XCTAssertGreaterThan(counts["terraform-plan"] ?? 0, 5)
        // Every .tf file (85: terraform-aws-modules eks/vpc, eks-blueprints, checkov fixtures) is read
        // as Terraform native syntax; none is skipped and none fails to parse.
        XCTAssertGreaterThanOrEqual(counts["terraform-hcl"] ?? 0, 80)
        XCTAssertEqual(hcl, 0, "no HCL file is skipped")
        XCTAssertFalse(parseErrors.contains { $0.location.file.path.hasSuffix(".tf") }, "a .tf file failed to parse")
        let hclClusters = infra.clusters.filter { $0.resource.format == .terraformHCL }
        XCTAssertGreaterThan(hclClusters.count, 10)
        // terraform-aws-eks examples call the module with `source = "../.."`: its cluster is read as module.eks.
        XCTAssertTrue(hclClusters.contains { $0.resource.address == "module.eks.aws_eks_cluster.this" })
        // Every error is located inside its file.
        for d in infra.diagnostics where d.severity == .error {
            XCTAssertGreaterThanOrEqual(d.location.line, 1)
            XCTAssertGreaterThanOrEqual(d.location.column, 1)
        }
        // The known-bad cfn-lint fixtures are the only parse errors.
        XCTAssertLessThanOrEqual(parseErrors.count, 3, parseErrors.map(\.description).joined(separator: "\n"))
    }
}

extension Diagnostic: CustomStringConvertible {
    public var description: String { "\(location): \(message)" }
}
