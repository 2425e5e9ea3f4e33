import GuardpostDocuments

/// What the loaders produce from one or more documents.
public struct LoadResult: Sendable {
    public var resources: [RawResource] = []
    public var kubernetesObjects: [KubernetesObject] = []
    public var diagnostics: [Diagnostic] = []
    /// Per file: the format it was classified as (nil: not an infrastructure file).
    public var classified: [(file: SourceFile, format: InputFormat?)] = []

    public init() {}

    public mutating func append(_ other: LoadResult) {
        resources += other.resources
        kubernetesObjects += other.kubernetesObjects
        diagnostics += other.diagnostics
        classified += other.classified
    }
}

/// Helpers shared by loaders for reporting problems in an input.
extension Diagnostic {
    static func unsupported(_ node: Node, _ message: String, severity: Severity = .warning) -> Diagnostic {
        Diagnostic(kind: .unsupported, severity: severity, location: node.location, message: message)
    }
}

/// Removes instance keys from a Terraform address: `module.vpc["a"].aws_vpc.this[0]` -> `module.vpc.aws_vpc.this`.
public func terraformLinkKey(_ address: String) -> String {
    // ASCII (almost every address): the same walk over bytes, without grapheme breaking.
    if address.utf8.allSatisfy({ $0 < 0x80 }) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(address.utf8.count)
        var depth = 0
        var inQuote = false
        for c in address.utf8 {
            if inQuote {
                if c == 0x22 { inQuote = false }
                continue
            }
            if c == 0x5B { depth += 1; continue }
            if c == 0x5D { depth = max(0, depth - 1); continue }
            if depth > 0 {
                if c == 0x22 { inQuote = true }
                continue
            }
            bytes.append(c)
        }
        return bytes.count == address.utf8.count ? address : String(decoding: bytes, as: UTF8.self)
    }
    var out = ""
    out.reserveCapacity(address.utf8.count)
    var depth = 0
    var inQuote = false
    for ch in address {
        if inQuote {
            if ch == "\"" { inQuote = false }
            continue
        }
        if ch == "[" { depth += 1; continue }
        if ch == "]" { depth = max(0, depth - 1); continue }
        if depth > 0 {
            if ch == "\"" { inQuote = true }
            continue
        }
        out.append(ch)
    }
    return out
}
