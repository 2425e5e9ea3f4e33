// Shared by every fuzz target (compiled into each one by scripts/fuzz.sh).
import GuardpostDocuments

/// Smaller limits than the CLI's so one input stays fast; the same code paths.
let fuzzLimits = ParseLimits(maxFileSize: 1 << 20, maxDepth: 512, maxAliasExpansion: 100_000)

/// Every located error must point inside a file: line and column from 1.
@inline(never)
func checkLocation(_ e: ParseError) {
    if e.location.line < 1 || e.location.column < 1 { fatalError("bad error location: \(e)") }
}

/// Parses bytes the way the scan does (sniffer, JSON or YAML); nil on a located parse error.
func fuzzDocuments(_ bytes: UnsafeRawBufferPointer, path: String) -> [Node]? {
    do {
        return try DocumentReader.read(bytes: bytes, file: SourceFile(path: path), limits: fuzzLimits).documents
    } catch let e as ParseError {
        checkLocation(e)
        return nil
    } catch {
        fatalError("unexpected error type: \(error)")
    }
}
