// Fuzz target `yaml`: the YAML reader (libyaml events -> positioned nodes: anchors, aliases, merge keys,
// tags, scalar resolution, alias budget) and the sniffer/dispatcher in front of it.
import GuardpostDocuments

let yamlFile = SourceFile(path: "fuzz.yaml")

/// Every node of a parsed document has a position inside the file (iterative walk: no recursion).
func checkPositions(_ root: Node) {
    var stack = [root]
    var visited = 0
    while let n = stack.popLast(), visited < 200_000 {
        visited += 1
        if n.location.line < 1 || n.location.column < 1 { fatalError("node without a position: \(n.location)") }
        switch n.value {
        case .sequence(let items): stack += items
        case .mapping(let entries):
            for e in entries {
                if e.keyLocation.line < 1 || e.keyLocation.column < 1 { fatalError("key without a position: \(e.keyLocation)") }
                stack.append(e.value)
            }
        default: break
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    do {
        let docs = try YAMLReader.parse(bytes, file: yamlFile, limits: fuzzLimits)
        for d in docs.documents { checkPositions(d); _ = d.number; _ = d.int }
        for w in docs.warnings { checkLocation(w) }
    } catch let e as ParseError {
        checkLocation(e)
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    // The dispatcher (content sniffing, JSON-then-YAML retry, binary refusal).
    for doc in fuzzDocuments(bytes, path: "fuzz.yaml") ?? [] { checkPositions(doc) }
    return 0
}
