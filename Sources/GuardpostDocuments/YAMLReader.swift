import CYAML

/// Every document of a YAML stream, plus warnings (duplicate keys).
public struct YAMLDocuments: Sendable {
    public var documents: [Node]
    public var warnings: [ParseError]
    public init(documents: [Node], warnings: [ParseError]) {
        self.documents = documents
        self.warnings = warnings
    }
}

/// Reads YAML with libyaml's event parser and builds positioned `Node`s straight from the events.
///
/// Scalar resolution (plain = unquoted and untagged scalars) follows the **YAML 1.2 core schema**:
/// - `null`, `Null`, `NULL`, `~` and the empty scalar -> null
/// - `true`/`True`/`TRUE`/`false`/`False`/`FALSE` -> bool
/// - decimal ints (`-12`, `+3`), octal `0o17`, hex `0x1F`, floats (`1.5`, `.5`, `1e3`, `.inf`, `-.Inf`,
///   `.nan`) -> number, keeping the source text exactly
/// - everything else -> string. In particular the YAML 1.1 booleans `yes`/`no`/`on`/`off`/`y`/`n`
///   stay **strings** (sigs.k8s.io/yaml, used by Kubernetes, would read them as bools; CloudFormation
///   reads them as strings). Consumers that need YAML 1.1 semantics must interpret the string.
/// - Quoted scalars and scalars with a non-standard tag (`!Ref`, `!Sub`, the non-specific `!`) are
///   strings. `!!str`, `!!int`, `!!float`, `!!bool`, `!!null` are honoured (an `!!int` that is not an
///   integer is an error); other `!!` tags (`!!binary`, `!!timestamp`) give strings.
///
/// Tags are kept on `Node.tag` in short form: `tag:yaml.org,2002:str` becomes `!!str`; local tags like
/// `!Ref` stay as written; other tags are kept as libyaml resolved them.
///
/// Mapping keys: scalar keys become their source text (`1`, `true`, `~` stay as written); an alias to a
/// scalar uses that scalar's text; sequence/mapping keys are an error. Duplicate keys keep the FIRST
/// value and add a warning naming both positions.
///
/// Anchors and aliases: an alias is a copy of the anchored node (the copy keeps the anchored node's
/// locations, i.e. where the content is written). Every alias costs the number of nodes it copies;
/// beyond `limits.maxAliasExpansion` per file parsing stops with an error ("billion laughs").
/// Merge keys `<<` take a mapping or a sequence of mappings; explicit keys win over merged ones and
/// earlier mappings in the sequence win over later ones; merged entries are inserted where `<<` is.
///
/// Positions: 1-based; columns count Unicode scalars; end marks are exclusive (just after the node).
/// Encodings: as `TextEncoding` (UTF-8, UTF-16 with BOM transcoded first).
public enum YAMLReader {
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: SourceFile, limits: ParseLimits = .default) throws -> YAMLDocuments {
        try TextEncoding.withUTF8(bytes, file: file) { utf8 in
            var builder = YAMLBuilder(file: file, limits: limits)
            return try builder.run(utf8)
        }
    }

    public static func parse(_ bytes: [UInt8], file: SourceFile, limits: ParseLimits = .default) throws -> YAMLDocuments {
        try bytes.withUnsafeBytes { try parse($0, file: file, limits: limits) }
    }

    public static func parse(_ text: String, file: SourceFile, limits: ParseLimits = .default) throws -> YAMLDocuments {
        var text = text
        return try text.withUTF8 { try parse(UnsafeRawBufferPointer($0), file: file, limits: limits) }
    }
}

// MARK: - Builder

private struct Frame {
    var isMapping: Bool
    var start: Mark
    var tag: String?
    var anchor: String?
    /// Where this container's children start on the builder's `items` (sequence) or `entries` (mapping) stack.
    var childStart: Int
    var pendingKey: String? = nil
    var pendingKeyLocation: Location? = nil
    var pendingIsMerge = false
    var keyIndex: [String: Int]? = nil
    /// Merged entries and where they go (an index among this mapping's own entries).
    var merges: [(at: Int, entries: [Node.Entry])] = []
    /// Nodes in this subtree (for the alias budget) and height (for the depth limit on aliases).
    var count = 1
    var height = 1
}

private struct Anchored {
    var node: Node
    var count: Int
    var height: Int
}

private struct YAMLBuilder {
    let file: SourceFile
    let limits: ParseLimits
    var stack: [Frame] = []
    /// Children of the open sequences and mappings (see `ChildStack`).
    let items = ChildStack<Node>()
    let entries = ChildStack<Node.Entry>()
    var anchors: [String: Anchored] = [:]
    var documents: [Node] = []
    var warnings: [ParseError] = []
    var root: Node? = nil
    var documentStart = Mark(line: 1, column: 1)
    var expanded = 0
    var input: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)

    init(file: SourceFile, limits: ParseLimits) {
        self.file = file
        self.limits = limits
    }

    @inline(__always)
    func mark(_ m: yaml_mark_t) -> Mark { Mark(line: Int(m.line) + 1, column: Int(m.column) + 1) }

    @inline(__always)
    func location(_ e: UnsafeMutablePointer<yaml_event_t>) -> Location {
        Location(file: file, start: mark(e.pointee.start_mark), end: mark(e.pointee.end_mark))
    }

    func fail(_ message: String, _ m: Mark) -> ParseError {
        ParseError(location: Location(file: file, start: m), message: message)
    }

    mutating func run(_ utf8: UnsafeRawBufferPointer) throws -> YAMLDocuments {
        input = utf8
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer {
            parser.deallocate()
            event.deallocate()
        }
        guard yaml_parser_initialize(parser) == 1 else {
            throw fail("libyaml: could not initialize the parser", Mark(line: 1, column: 1))
        }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        let base = utf8.baseAddress?.assumingMemoryBound(to: UInt8.self)
        // libyaml needs a non-null pointer even for empty input.
        var empty: UInt8 = 0
        try withUnsafeMutablePointer(to: &empty) { emptyPtr in
            yaml_parser_set_input_string(parser, base ?? UnsafePointer(emptyPtr), utf8.count)
            while true {
                guard yaml_parser_parse(parser, event) == 1 else { throw libyamlError(parser) }
                defer { yaml_event_delete(event) }
                if try handle(event) { break }
            }
        }
        return YAMLDocuments(documents: documents, warnings: warnings)
    }

    /// Returns true at the end of the stream.
    mutating func handle(_ e: UnsafeMutablePointer<yaml_event_t>) throws -> Bool {
        switch e.pointee.type {
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            anchors.removeAll(keepingCapacity: true)
            root = nil
            documentStart = mark(e.pointee.start_mark)
        case YAML_DOCUMENT_END_EVENT:
            documents.append(root ?? Node(.null, location: Location(file: file, start: documentStart)))
            root = nil
        case YAML_SCALAR_EVENT:
            try scalar(e)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = e.pointee.type == YAML_MAPPING_START_EVENT
            let start = mark(e.pointee.start_mark)
            if isExpectingKey {
                throw fail("complex mapping keys (a \(isMapping ? "mapping" : "sequence") used as a key) are not supported", start)
            }
            if stack.count + 1 > limits.maxDepth { throw fail("nesting deeper than \(limits.maxDepth)", start) }
            let tagPtr = isMapping ? e.pointee.data.mapping_start.tag : e.pointee.data.sequence_start.tag
            let anchorPtr = isMapping ? e.pointee.data.mapping_start.anchor : e.pointee.data.sequence_start.anchor
            stack.append(Frame(isMapping: isMapping, start: start, tag: Self.shortTag(tagPtr), anchor: Self.cString(anchorPtr),
                               childStart: isMapping ? entries.count : items.count))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            let frame = stack.removeLast()
            let loc = Location(file: file, start: frame.start, end: mark(e.pointee.end_mark))
            let node: Node
            if frame.isMapping {
                if frame.pendingKey != nil {
                    // libyaml always emits a value; defensive only.
                    throw fail("mapping key without a value", loc.end)
                }
                let own = entries.pop(from: frame.childStart)
                node = Node(.mapping(frame.merges.isEmpty ? own : Self.applyMerges(own, frame.merges)), location: loc, tag: frame.tag)
            } else {
                node = Node(.sequence(items.pop(from: frame.childStart)), location: loc, tag: frame.tag)
            }
            try add(node, count: frame.count, height: frame.height, anchor: frame.anchor)
        case YAML_ALIAS_EVENT:
            let name = Self.cString(e.pointee.data.alias.anchor) ?? ""
            let loc = location(e)
            guard let a = anchors[name] else { throw fail("undefined alias *\(name)", loc.start) }
            expanded += a.count
            if expanded > limits.maxAliasExpansion {
                throw fail("alias expansion exceeds \(limits.maxAliasExpansion) nodes (possible billion-laughs)", loc.start)
            }
            if isExpectingKey {
                guard a.node.isScalar else {
                    throw fail("complex mapping keys (an alias to a \(a.node.kindName) used as a key) are not supported", loc.start)
                }
                setKey(a.node.scalarText ?? "", loc, isMerge: false)
                return false
            }
            if stack.count + a.height > limits.maxDepth { throw fail("nesting deeper than \(limits.maxDepth)", loc.start) }
            try add(a.node, count: a.count, height: a.height, anchor: nil)
        default:
            break // STREAM_START, NO_EVENT
        }
        return false
    }

    var isExpectingKey: Bool {
        // Reads two fields in place (`stack.last` would copy the whole frame: strings, dictionary, arrays).
        let i = stack.count - 1
        return i >= 0 && stack[i].isMapping && stack[i].pendingKey == nil
    }

    mutating func setKey(_ key: String, _ loc: Location, isMerge: Bool) {
        let i = stack.count - 1
        stack[i].pendingKey = key
        stack[i].pendingKeyLocation = loc
        stack[i].pendingIsMerge = isMerge
    }

    mutating func scalar(_ e: UnsafeMutablePointer<yaml_event_t>) throws {
        let s = e.pointee.data.scalar
        var loc = location(e)
        if stack.isEmpty && s.length == 0 && s.tag == nil && s.style == YAML_PLAIN_SCALAR_STYLE {
            // An empty document: libyaml places its empty scalar at the next token; use the document start.
            loc = Location(file: file, start: documentStart)
        }
        let bytes = UnsafeRawBufferPointer(start: s.value, count: s.length)
        let text = String(decoding: bytes, as: UTF8.self)
        if isExpectingKey {
            let isMerge = s.style == YAML_PLAIN_SCALAR_STYLE && s.length == 2 && text == "<<"
                && (s.tag == nil || Self.cString(s.tag) == "tag:yaml.org,2002:merge")
            setKey(text, loc, isMerge: isMerge)
            if let anchor = Self.cString(s.anchor) {
                anchors[anchor] = Anchored(node: Node(.string(text), location: loc), count: 1, height: 1)
            }
            return
        }
        let value: Node.Value
        var tag: String? = nil
        if s.tag == nil {
            value = s.style == YAML_PLAIN_SCALAR_STYLE ? Self.resolvePlain(bytes, text) : .string(text)
        } else {
            let t = Self.shortTag(s.tag)!
            tag = t
            switch t {
            case "!!str": value = .string(text)
            case "!!null": value = .null
            case "!!bool":
                guard case .bool(let v) = Self.resolvePlain(bytes, text) else { throw fail("invalid !!bool value \"\(text)\"", loc.start) }
                value = .bool(v)
            case "!!int":
                guard Self.isInt(bytes) else { throw fail("invalid !!int value \"\(text)\"", loc.start) }
                value = .number(text)
            case "!!float":
                guard Self.isInt(bytes) || Self.isFloat(bytes) else { throw fail("invalid !!float value \"\(text)\"", loc.start) }
                value = .number(text)
            default: value = .string(text)
            }
        }
        try add(Node(value, location: loc, tag: tag), count: 1, height: 1, anchor: Self.cString(s.anchor))
    }

    mutating func add(_ node: Node, count: Int, height: Int, anchor: String?) throws {
        if let anchor { anchors[anchor] = Anchored(node: node, count: count, height: height) }
        guard !stack.isEmpty else {
            root = node
            return
        }
        let i = stack.count - 1
        stack[i].count += count
        if height + 1 > stack[i].height { stack[i].height = height + 1 }
        if !stack[i].isMapping {
            items.push(node)
            return
        }
        // Mapping value (keys are handled before `add` is reached).
        let key = stack[i].pendingKey!
        let keyLocation = stack[i].pendingKeyLocation!
        let isMerge = stack[i].pendingIsMerge
        stack[i].pendingKey = nil
        stack[i].pendingKeyLocation = nil
        stack[i].pendingIsMerge = false
        if isMerge {
            var merged: [Node.Entry] = []
            switch node.value {
            case .mapping(let entries):
                merged = entries
            case .sequence(let items):
                var seen = Set<String>()
                for item in items {
                    guard case .mapping(let entries) = item.value else {
                        throw fail("merge key '<<' needs a mapping or a sequence of mappings, found a \(item.kindName)", item.location.start)
                    }
                    for entry in entries where seen.insert(entry.key).inserted { merged.append(entry) }
                }
            default:
                throw fail("merge key '<<' needs a mapping or a sequence of mappings, found a \(node.kindName)", node.location.start)
            }
            stack[i].merges.append((at: entries.count - stack[i].childStart, entries: merged))
            return
        }
        let childStart = stack[i].childStart
        var first: Int? = nil
        if let idx = stack[i].keyIndex {
            first = idx[key]
        } else {
            for j in childStart..<entries.count where entries.withElement(at: j, { $0.key == key }) { first = j - childStart; break }
        }
        if let first {
            let f = entries.withElement(at: childStart + first) { $0.keyLocation }
            warnings.append(ParseError(location: keyLocation,
                                       message: "duplicate key \"\(key)\" (first at \(f.line):\(f.column)); the first value is kept"))
            return
        }
        entries.push(Node.Entry(key: key, keyLocation: keyLocation, value: node))
        let n = entries.count - childStart
        if stack[i].keyIndex != nil {
            stack[i].keyIndex![key] = n - 1
        } else if n >= 12 {
            var d: [String: Int] = [:]
            for j in 0..<n { d[entries.withElement(at: childStart + j, { $0.key })] = j }
            stack[i].keyIndex = d
        }
    }

    /// Explicit keys win; among merges, the first one to supply a key wins. Merged entries go where `<<` was.
    static func applyMerges(_ own: [Node.Entry], _ merges: [(at: Int, entries: [Node.Entry])]) -> [Node.Entry] {
        var taken = Set<String>(own.map(\.key))
        var out: [Node.Entry] = []
        out.reserveCapacity(own.count)
        var m = 0
        for i in 0...own.count {
            while m < merges.count && merges[m].at == i {
                for entry in merges[m].entries where taken.insert(entry.key).inserted { out.append(entry) }
                m += 1
            }
            if i < own.count { out.append(own[i]) }
        }
        return out
    }

    // MARK: Scalars

    static func cString(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }

    static func shortTag(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let t = cString(p) else { return nil }
        let prefix = "tag:yaml.org,2002:"
        if t.hasPrefix(prefix) { return "!!" + t.dropFirst(prefix.count) }
        return t
    }

    static func resolvePlain(_ b: UnsafeRawBufferPointer, _ text: String) -> Node.Value {
        let n = b.count
        if n == 0 { return .null }
        let c = b[0]
        switch c {
        case 0x7E: // ~
            if n == 1 { return .null }
        case 0x6E, 0x4E: // n N
            if text == "null" || text == "Null" || text == "NULL" { return .null }
        case 0x74, 0x54: // t T
            if text == "true" || text == "True" || text == "TRUE" { return .bool(true) }
        case 0x66, 0x46: // f F
            if text == "false" || text == "False" || text == "FALSE" { return .bool(false) }
        case 0x30...0x39, 0x2B, 0x2D, 0x2E: // digit + - .
            if isInt(b) || isFloat(b) { return .number(text) }
        default:
            break
        }
        return .string(text)
    }

    @inline(__always) static func digit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Core schema ints: `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
    static func isInt(_ b: UnsafeRawBufferPointer) -> Bool {
        let n = b.count
        guard n > 0 else { return false }
        if n > 2 && b[0] == 0x30 && (b[1] == 0x6F || b[1] == 0x78) {
            let hex = b[1] == 0x78
            for i in 2..<n {
                let c = b[i]
                let ok = hex ? (digit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)) : (c >= 0x30 && c <= 0x37)
                if !ok { return false }
            }
            return true
        }
        var i = 0
        if b[0] == 0x2B || b[0] == 0x2D { i = 1 }
        guard i < n else { return false }
        while i < n { if !digit(b[i]) { return false }; i += 1 }
        return true
    }

    /// Core schema floats: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.(inf|Inf|INF)`, `\.(nan|NaN|NAN)`.
    static func isFloat(_ b: UnsafeRawBufferPointer) -> Bool {
        let n = b.count
        var i = 0
        if n > 0 && (b[0] == 0x2B || b[0] == 0x2D) { i = 1 }
        let rest = String(decoding: UnsafeRawBufferPointer(rebasing: b[i...]), as: UTF8.self)
        if rest == ".inf" || rest == ".Inf" || rest == ".INF" { return true }
        if i == 0 && (rest == ".nan" || rest == ".NaN" || rest == ".NAN") { return true }
        var intDigits = 0, fracDigits = 0
        while i < n && digit(b[i]) { i += 1; intDigits += 1 }
        if i < n && b[i] == 0x2E {
            i += 1
            while i < n && digit(b[i]) { i += 1; fracDigits += 1 }
        }
        if intDigits == 0 && fracDigits == 0 { return false }
        if i < n && (b[i] == 0x65 || b[i] == 0x45) {
            i += 1
            if i < n && (b[i] == 0x2B || b[i] == 0x2D) { i += 1 }
            var e = 0
            while i < n && digit(b[i]) { i += 1; e += 1 }
            if e == 0 { return false }
        }
        return i == n
    }

    // MARK: Errors

    func libyamlError(_ p: UnsafeMutablePointer<yaml_parser_t>) -> ParseError {
        let problem = p.pointee.problem.map { String(cString: $0) } ?? "unknown libyaml error"
        switch p.pointee.error {
        case YAML_MEMORY_ERROR:
            return fail("out of memory while parsing YAML", Mark(line: 1, column: 1))
        case YAML_READER_ERROR:
            let offset = Int(p.pointee.problem_offset)
            let value = p.pointee.problem_value
            let m = Positions.mark(in: input, at: offset)
            let message: String
            if problem.contains("UTF-8") {
                // libyaml points at the offending octet (sometimes a trailing one): report the start of
                // the first invalid sequence, the same way the JSON reader does.
                var i = 0
                while i < input.count {
                    if input[i] < 0x80 { i += 1; continue }
                    let len = TextEncoding.validSequenceLength(input, i)
                    if len == 0 { break }
                    i += len
                }
                if i < input.count {
                    return fail("invalid UTF-8 byte 0x\(TextEncoding.hex2(input[i]))", Positions.mark(in: input, at: i))
                }
                message = problem
            } else if problem.contains("control characters"), value >= 0 {
                message = "control character U+\(TextEncoding.hex4(UInt32(value))) is not allowed"
            } else if value >= 0 {
                message = "\(problem) (U+\(TextEncoding.hex4(UInt32(value))))"
            } else {
                message = problem
            }
            return fail(message, m)
        default:
            var message = problem
            if let ctx = p.pointee.context.map({ String(cString: $0) }) {
                let cm = mark(p.pointee.context_mark)
                message += " (\(ctx) at \(cm.line):\(cm.column))"
            }
            return fail(message, mark(p.pointee.problem_mark))
        }
    }
}
