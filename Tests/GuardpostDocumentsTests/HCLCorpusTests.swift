import XCTest
import GuardpostDocuments

/// Every `.tf` file of ../shared/corpus (terraform-aws-modules, eks-blueprints, checkov fixtures)
/// parses with the HCL reader, or fails with a located error that this test names.
final class HCLCorpusTests: XCTestCase {
    static var corpus: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }

    static func terraformFiles() throws -> [URL] {
        guard FileManager.default.fileExists(atPath: corpus.path) else { throw XCTSkip("../shared/corpus is absent") }
        let walker = FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: nil)
        var out: [URL] = []
        while let url = walker?.nextObject() as? URL { if url.pathExtension == "tf" { out.append(url) } }
        return out.sorted { $0.path < $1.path }
    }

    func testEveryCorpusTerraformFileParses() throws {
        let files = try Self.terraformFiles()
        XCTAssertGreaterThanOrEqual(files.count, 80, "the corpus has 85 .tf files")
        var failures: [String] = []
        var attributes = 0, blocks = 0, totalBytes = 0
        let contents = try files.map { try [UInt8](Data(contentsOf: $0)) }
        let start = Date()
        for (url, bytes) in zip(files, contents) {
            totalBytes += bytes.count
            do {
                let body = try HCLReader.parse(bytes, file: SourceFile(path: url.path))
                blocks += body.blocks.count
                attributes += body.blocks.reduce(0) { $0 + $1.body.attributes.count }
            } catch let e as ParseError {
                failures.append(e.description)
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("HCL CORPUS: \(files.count) files, \(files.count - failures.count) parsed, \(blocks) top-level blocks, \(attributes) attributes in them, \(totalBytes) bytes in \(String(format: "%.2f", seconds)) s")
        XCTAssertEqual(failures, [], "corpus files that do not parse")
        XCTAssertGreaterThan(blocks, 500)
    }
}
