/// The syntax a document is parsed with.
public enum DocumentSyntax: String, Sendable {
    case json, yaml, binary
}

public enum FormatSniffer {
    /// Content first: after a BOM and whitespace, `{` or `[` -> json; NUL bytes in the first 8 KB of a
    /// file without a UTF-16 BOM -> binary (this includes UTF-16 without BOM, which the readers refuse);
    /// otherwise yaml. The extension only breaks ties (empty or whitespace-only content: `.json` -> json).
    public static func sniff(_ bytes: UnsafeRawBufferPointer, path: String) -> DocumentSyntax {
        let detected = TextEncoding.detect(bytes)
        var i = 0
        var step = 1
        var offsetInUnit = 0
        switch detected {
        case .utf8(let bom):
            i = bom
            let end = min(bytes.count, 8192)
            for j in 0..<end where bytes[j] == 0 { return .binary }
        case .utf16(let be):
            i = 2; step = 2; offsetInUnit = be ? 1 : 0
        case .utf16WithoutBOM, .utf32:
            return .binary
        }
        // First non-whitespace character (ASCII view; for UTF-16 look at the low byte of ASCII units).
        while i + step - 1 < bytes.count {
            let c = bytes[i + offsetInUnit]
            if step == 2 && bytes[i + (1 - offsetInUnit)] != 0 { break }
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                i += step
                continue
            }
            if c == 0x7B || c == 0x5B { return .json }
            return .yaml
        }
        if i + step - 1 >= bytes.count && path.lowercased().hasSuffix(".json") { return .json }
        return .yaml
    }

    public static func sniff(_ bytes: [UInt8], path: String) -> DocumentSyntax {
        bytes.withUnsafeBytes { sniff($0, path: path) }
    }
}

/// Sniffs and dispatches to the JSON or YAML reader.
public enum DocumentReader {
    /// - JSON content -> one document. If content that starts with `{`/`[` is not valid JSON, it is read
    ///   as YAML (YAML is a superset: flow mappings, comments ...); when that succeeds and the file is
    ///   named `.json`, the JSON error is added as a warning. When both fail, the JSON error is thrown
    ///   for `.json` files and the YAML error otherwise.
    /// - Binary content -> throws a ParseError at 1:1 (callers that want to skip binaries silently can
    ///   call `FormatSniffer.sniff` first).
    public static func read(bytes: UnsafeRawBufferPointer, file: SourceFile, limits: ParseLimits = .default) throws
        -> (documents: [Node], warnings: [ParseError], syntax: DocumentSyntax) {
        if bytes.count > limits.maxFileSize {
            throw ParseError(location: Location(file: file, line: 1, column: 1),
                             message: "file is \(bytes.count) bytes, larger than the limit of \(limits.maxFileSize) bytes")
        }
        let syntax = FormatSniffer.sniff(bytes, path: file.path)
        switch syntax {
        case .binary:
            // Let the encoding layer give its specific message (UTF-16 without BOM, UTF-32) if it has one.
            switch TextEncoding.detect(bytes) {
            case .utf16WithoutBOM, .utf32:
                _ = try TextEncoding.withUTF8(bytes, file: file) { _ in 0 }
            default: break
            }
            var offset = 0
            while offset < bytes.count && bytes[offset] != 0 { offset += 1 }
            throw ParseError(location: Location(file: file, line: 1, column: 1),
                             message: "binary file (NUL byte at offset \(offset)); not parsed")
        case .yaml:
            let docs = try YAMLReader.parse(bytes, file: file, limits: limits)
            return (docs.documents, docs.warnings, .yaml)
        case .json:
            do {
                let (node, warnings) = try JSONReader.parseWithWarnings(bytes, file: file, limits: limits)
                return ([node], warnings, .json)
            } catch let jsonError as ParseError {
                // Only content that starts with `{`/`[` gets a second chance as YAML (not an empty `.json`).
                if isLimitError(jsonError) || FormatSniffer.sniff(bytes, path: "") != .json { throw jsonError }
                let isJSONName = file.path.lowercased().hasSuffix(".json")
                do {
                    let docs = try YAMLReader.parse(bytes, file: file, limits: limits)
                    var warnings = docs.warnings
                    if isJSONName {
                        warnings.insert(ParseError(location: jsonError.location,
                                                   message: "not valid JSON (\(jsonError.message)); read as YAML instead"), at: 0)
                    }
                    return (docs.documents, warnings, .yaml)
                } catch let yamlError as ParseError {
                    throw isJSONName ? jsonError : yamlError
                }
            }
        }
    }

    public static func read(bytes: [UInt8], file: SourceFile, limits: ParseLimits = .default) throws
        -> (documents: [Node], warnings: [ParseError], syntax: DocumentSyntax) {
        try bytes.withUnsafeBytes { try read(bytes: $0, file: file, limits: limits) }
    }

    /// Errors that YAML would hit too (or that say the encoding is unusable): no point retrying.
    static func isLimitError(_ e: ParseError) -> Bool {
        e.message.hasPrefix("nesting deeper than") || e.message.hasPrefix("invalid UTF-8")
            || e.message.contains("UTF-16") || e.message.contains("UTF-32")
    }
}
