// Fuzz target `hcl`: the HCL2 native-syntax parser (`HCLReader`) on raw bytes.
// Besides "no crash, no hang": errors are located (line, column >= 1).
import GuardpostDocuments

let hclFile = SourceFile(path: "fuzz.tf")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHCL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    do {
        // As the loader does: on a thread whose stack is sized for the depth limit.
        _ = try HCLLargeStack.run(maxDepth: fuzzLimits.maxDepth) { try HCLReader.parse(bytes, file: hclFile, limits: fuzzLimits) }
    } catch let e as ParseError {
        checkLocation(e)
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    return 0
}
