// Fuzz target `json`: the JSON scanner (`JSONReader`) on raw bytes.
// Besides "no crash, no hang": errors are located (line, column >= 1); a document that parses writes
// back (JSONWriter) to JSON that parses to the same text (round trip).
import GuardpostDocuments

let jsonFile = SourceFile(path: "fuzz.json")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    do {
        let (node, _) = try JSONReader.parseWithWarnings(bytes, file: jsonFile, limits: fuzzLimits)
        let text = JSONWriter.compact(node)
        let again: Node
        do { again = try JSONReader.parse(text, file: jsonFile, limits: fuzzLimits) } catch {
            fatalError("JSONWriter output does not parse: \(error)\n\(text)")
        }
        let text2 = JSONWriter.compact(again)
        if text2 != text { fatalError("round trip changed the document:\n\(text)\n\(text2)") }
    } catch let e as ParseError {
        checkLocation(e)
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    return 0
}
