// Fuzz target `scan`: the whole scan after reading — classification, every loader, model linking, every
// rule, the coverage prediction and every report format — on one file. Finds what only the later stages
// do with hostile values (integer overflow in a sum, a rule indexing an empty list...).
// Input: any file, loaded as `plan.json` and as `template.yaml`.
import GuardpostDocuments
@testable import GuardpostModel
import GuardpostKnowledge
import GuardpostChecks
import GuardpostReports

let scanner = Scanner()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScan(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))
    for path in ["plan.json", "template.yaml"] {
        let load = InputLoader.load(bytes: bytes, path: path, options: .init(workers: 1, limits: fuzzLimits))
        let result = scanner.scan(InfrastructureBuilder.build(load))
        _ = TextReport().render(result)
        _ = JSONReport().render(result)
        _ = InventoryReport().render(result.infrastructure)
        for f in result.findings where f.location.line < 1 || f.location.column < 1 { fatalError("finding without a position: \(f.location)") }
    }
    return 0
}
