/// A strict RFC 8259 JSON reader producing positioned `Node`s.
///
/// - Scans bytes directly (no Foundation). Strings without escapes are decoded in one slice.
/// - Every node gets a start mark and an end mark (the end is exclusive: the position just after the
///   node's last character); every mapping key gets its own location (the key's quotes included).
///   Lines break at LF, CR or CRLF; columns count Unicode scalars, 1-based.
/// - Numbers keep their source text exactly.
/// - Encodings: UTF-8 (optional BOM), UTF-16LE/BE with BOM (transcoded first). UTF-16 without BOM
///   and UTF-32 are errors (see `TextEncoding`).
/// - Duplicate keys: the FIRST occurrence stays in the tree; every later one is reported as a warning
///   (use `parseWithWarnings`), located at the duplicate key and naming the first one's position.
/// - Limits: `maxDepth` (an opening bracket deeper than the limit is an error at that bracket).
///   Parsing does not recurse, whatever the depth.
public enum JSONReader {
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: SourceFile, limits: ParseLimits = .default) throws -> Node {
        try parseWithWarnings(bytes, file: file, limits: limits).node
    }

    public static func parse(_ bytes: [UInt8], file: SourceFile, limits: ParseLimits = .default) throws -> Node {
        try bytes.withUnsafeBytes { try parse($0, file: file, limits: limits) }
    }

    public static func parse(_ text: String, file: SourceFile, limits: ParseLimits = .default) throws -> Node {
        var text = text
        return try text.withUTF8 { try parse(UnsafeRawBufferPointer($0), file: file, limits: limits) }
    }

    /// Parses and also returns warnings (duplicate keys).
    public static func parseWithWarnings(_ bytes: UnsafeRawBufferPointer, file: SourceFile,
                                         limits: ParseLimits = .default) throws -> (node: Node, warnings: [ParseError]) {
        try TextEncoding.withUTF8(bytes, file: file) { utf8 in
            var scanner = JSONScanner(bytes: utf8, file: file, limits: limits)
            let node = try scanner.parseDocument()
            return (node, scanner.warnings)
        }
    }

    public static func parseWithWarnings(_ bytes: [UInt8], file: SourceFile,
                                         limits: ParseLimits = .default) throws -> (node: Node, warnings: [ParseError]) {
        try bytes.withUnsafeBytes { try parseWithWarnings($0, file: file, limits: limits) }
    }

    public static func parseWithWarnings(_ text: String, file: SourceFile,
                                         limits: ParseLimits = .default) throws -> (node: Node, warnings: [ParseError]) {
        var text = text
        return try text.withUTF8 { try parseWithWarnings(UnsafeRawBufferPointer($0), file: file, limits: limits) }
    }
}

private let cQuote: UInt8 = 0x22, cBackslash: UInt8 = 0x5C, cComma: UInt8 = 0x2C, cColon: UInt8 = 0x3A
private let cLBrace: UInt8 = 0x7B, cRBrace: UInt8 = 0x7D, cLBracket: UInt8 = 0x5B, cRBracket: UInt8 = 0x5D

struct JSONScanner {
    let b: UnsafeRawBufferPointer
    let n: Int
    let file: SourceFile
    let maxDepth: Int
    var pos = 0
    var line = 1
    var lineStart = 0
    // Column checkpoint: the column of byte offset `colPos` (on the current line). Positions are asked
    // for in increasing order, so counting from the checkpoint keeps long single-line files linear.
    var colPos = 0
    var colValue = 1
    var warnings: [ParseError] = []
    var scratch: [UInt8] = []
    /// Children of the open arrays and objects (see `ChildStack`).
    let items = ChildStack<Node>()
    let entries = ChildStack<Node.Entry>()

    init(bytes: UnsafeRawBufferPointer, file: SourceFile, limits: ParseLimits) {
        self.b = bytes
        self.n = bytes.count
        self.file = file
        self.maxDepth = limits.maxDepth
    }

    // MARK: Positions

    @inline(__always)
    mutating func mark(_ offset: Int) -> Mark {
        if colPos < lineStart || offset < colPos {
            colPos = lineStart
            colValue = 1
        }
        var c = colValue, p = colPos
        while p < offset {
            if b[p] & 0xC0 != 0x80 { c += 1 }
            p += 1
        }
        colPos = offset
        colValue = c
        return Mark(line: line, column: c)
    }

    mutating func error(_ message: String, at offset: Int) -> ParseError {
        ParseError(location: Location(file: file, start: mark(offset)), message: message)
    }

    /// Describes the byte at `offset` for an "unexpected ..." message, or an error for bad bytes.
    mutating func unexpected(_ expected: String, at offset: Int) -> ParseError {
        guard offset < n else { return error("unexpected end of input: \(expected)", at: offset) }
        let c = b[offset]
        if c >= 0x80 {
            let len = TextEncoding.validSequenceLength(b, offset)
            if len == 0 { return error("invalid UTF-8 byte 0x\(TextEncoding.hex2(c))", at: offset) }
            let s = String(decoding: UnsafeRawBufferPointer(rebasing: b[offset..<offset + len]), as: UTF8.self)
            if s == "\u{FEFF}" { return error("unexpected byte order mark (U+FEFF): \(expected)", at: offset) }
            return error("unexpected character '\(s)': \(expected)", at: offset)
        }
        if c < 0x20 || c == 0x7F {
            return error("unexpected control character U+\(TextEncoding.hex4(UInt32(c))): \(expected)", at: offset)
        }
        return error("unexpected character '\(Character(Unicode.Scalar(c)))': \(expected)", at: offset)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < n {
            let c = b[pos]
            if c == 0x20 || c == 0x09 {
                pos += 1
            } else if c == 0x0A {
                pos += 1
                line += 1
                lineStart = pos
            } else if c == 0x0D {
                pos += 1
                if pos < n && b[pos] == 0x0A { pos += 1 }
                line += 1
                lineStart = pos
            } else {
                return
            }
        }
    }

    // MARK: Grammar

    /// An open array or object. Parsing is iterative (an explicit stack, no recursion), so nesting
    /// never consumes the thread's stack; only destroying a deep `Node` tree recurses, and `maxDepth`
    /// bounds that.
    struct Container {
        var isObject: Bool
        var start: Mark
        /// Where this container's children start on the `items` (array) or `entries` (object) stack.
        var childStart: Int
        var index: [String: Int]? = nil
        var key = ""
        var keyLocation: Location? = nil
    }

    mutating func parseDocument() throws -> Node {
        skipWhitespace()
        if pos >= n { throw error(n == 0 ? "empty input: expected a JSON value" : "unexpected end of input: expected a JSON value", at: pos) }
        var stack: [Container] = []
        while true {
            // A value starts at `pos` (whitespace skipped).
            guard pos < n else { throw error("unexpected end of input: expected a JSON value", at: pos) }
            var node: Node
            let c = b[pos]
            if c == cLBrace || c == cLBracket {
                let isObject = c == cLBrace
                if stack.count + 1 > maxDepth { throw error("nesting deeper than \(maxDepth)", at: pos) }
                let start = mark(pos)
                pos += 1
                skipWhitespace()
                if pos < n && b[pos] == (isObject ? cRBrace : cRBracket) {
                    pos += 1
                    node = Node(isObject ? .mapping([]) : .sequence([]), location: Location(file: file, start: start, end: mark(pos)))
                } else {
                    stack.append(Container(isObject: isObject, start: start, childStart: isObject ? entries.count : items.count))
                    if isObject { try readKey(into: &stack[stack.count - 1]) }
                    continue
                }
            } else {
                node = try parseScalar()
            }
            // Attach the finished value to its container; close containers as far as possible.
            while true {
                guard !stack.isEmpty else {
                    skipWhitespace()
                    if pos < n {
                        if b[pos] >= 0x80 && TextEncoding.validSequenceLength(b, pos) == 0 {
                            throw error("invalid UTF-8 byte 0x\(TextEncoding.hex2(b[pos]))", at: pos)
                        }
                        throw error("trailing data after JSON value", at: pos)
                    }
                    return node
                }
                let i = stack.count - 1
                let isObject = stack[i].isObject
                if isObject { addMember(node, to: &stack[i]) } else { items.push(node) }
                skipWhitespace()
                let what = isObject ? "expected ',' or '}' after object member" : "expected ',' or ']' after array element"
                guard pos < n else { throw error("unexpected end of input: \(what)", at: pos) }
                let d = b[pos]
                if d == cComma {
                    pos += 1
                    skipWhitespace()
                    if isObject {
                        if pos < n && b[pos] == cRBrace { throw error("trailing comma before '}'", at: pos) }
                        try readKey(into: &stack[i])
                    } else if pos < n && b[pos] == cRBracket {
                        throw error("trailing comma before ']'", at: pos)
                    }
                    break
                }
                if d == (isObject ? cRBrace : cRBracket) {
                    pos += 1
                    let done = stack.removeLast()
                    node = Node(done.isObject ? .mapping(entries.pop(from: done.childStart)) : .sequence(items.pop(from: done.childStart)),
                                location: Location(file: file, start: done.start, end: mark(pos)))
                    continue
                }
                throw unexpected(what, at: pos)
            }
        }
    }

    /// Reads `"key"` and `:` of an object member; leaves `pos` at the value.
    mutating func readKey(into container: inout Container) throws {
        guard pos < n, b[pos] == cQuote else { throw unexpected("expected a string key in object", at: pos) }
        let keyStart = mark(pos)
        container.key = try scanString()
        container.keyLocation = Location(file: file, start: keyStart, end: mark(pos))
        skipWhitespace()
        guard pos < n, b[pos] == cColon else { throw unexpected("expected ':' after object key", at: pos) }
        pos += 1
        skipWhitespace()
    }

    /// Adds a member; a duplicate key keeps the first value and records a warning.
    mutating func addMember(_ value: Node, to o: inout Container) {
        let key = o.key
        let keyLocation = o.keyLocation!
        let childStart = o.childStart
        var firstIndex: Int? = nil
        if let idx = o.index {
            firstIndex = idx[key]
        } else {
            for j in childStart..<entries.count where entries.withElement(at: j, { $0.key == key }) { firstIndex = j - childStart; break }
        }
        if let first = firstIndex {
            let f = entries.withElement(at: childStart + first) { $0.keyLocation }
            warnings.append(ParseError(location: keyLocation,
                                       message: "duplicate key \"\(key)\" (first at \(f.line):\(f.column)); the first value is kept"))
            return
        }
        entries.push(Node.Entry(key: key, keyLocation: keyLocation, value: value))
        let count = entries.count - childStart
        if o.index != nil {
            o.index![key] = count - 1
        } else if count >= 12 {
            var d: [String: Int] = [:]
            d.reserveCapacity(32)
            for i in 0..<count { d[entries.withElement(at: childStart + i, { $0.key })] = i }
            o.index = d
        }
    }

    /// A string, number or literal at `pos`.
    mutating func parseScalar() throws -> Node {
        let c = b[pos]
        switch c {
        case cQuote:
            let start = mark(pos)
            let s = try scanString()
            return Node(.string(s), location: Location(file: file, start: start, end: mark(pos)))
        case 0x2D, 0x30...0x39: return try parseNumber()
        case 0x74: return try parseLiteral("true", .bool(true))
        case 0x66: return try parseLiteral("false", .bool(false))
        case 0x6E: return try parseLiteral("null", .null)
        default: throw unexpected("expected a JSON value", at: pos)
        }
    }

    mutating func parseLiteral(_ word: StaticString, _ value: Node.Value) throws -> Node {
        let start = pos
        let len = word.utf8CodeUnitCount
        let w = word.utf8Start
        var i = 0
        while i < len {
            guard pos + i < n, b[pos + i] == w[i] else {
                throw error("invalid literal: expected '\(word)'", at: start)
            }
            i += 1
        }
        // A literal must not run into letters or digits ("truex", "nullable").
        if pos + len < n {
            let next = b[pos + len]
            if (next >= 0x61 && next <= 0x7A) || (next >= 0x41 && next <= 0x5A) || (next >= 0x30 && next <= 0x39) || next == 0x5F {
                throw error("invalid literal: expected '\(word)'", at: start)
            }
        }
        let m = mark(start)
        pos += len
        return Node(value, location: Location(file: file, start: m, end: mark(pos)))
    }

    @inline(__always)
    func isDigit(_ i: Int) -> Bool { i < n && b[i] >= 0x30 && b[i] <= 0x39 }

    mutating func parseNumber() throws -> Node {
        let start = pos
        if b[pos] == 0x2D { pos += 1 }
        if pos < n && b[pos] == 0x30 {
            pos += 1
            if isDigit(pos) { throw error("invalid number: leading zeros are not allowed", at: start) }
        } else if isDigit(pos) {
            while isDigit(pos) { pos += 1 }
        } else {
            throw unexpected("invalid number: expected a digit after '-'", at: pos)
        }
        if pos < n && b[pos] == 0x2E {
            pos += 1
            guard isDigit(pos) else { throw unexpected("invalid number: expected a digit after '.'", at: pos) }
            while isDigit(pos) { pos += 1 }
        }
        if pos < n && (b[pos] == 0x65 || b[pos] == 0x45) {
            pos += 1
            if pos < n && (b[pos] == 0x2B || b[pos] == 0x2D) { pos += 1 }
            guard isDigit(pos) else { throw unexpected("invalid number: expected a digit in the exponent", at: pos) }
            while isDigit(pos) { pos += 1 }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<pos]), as: UTF8.self)
        let m = mark(start)
        return Node(.number(text), location: Location(file: file, start: m, end: mark(pos)))
    }

    // MARK: Strings

    /// `pos` at the opening quote; returns with `pos` after the closing quote.
    mutating func scanString() throws -> String {
        let open = pos
        pos += 1
        var runStart = pos
        var escaped = false
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard pos < n else { throw error("unterminated string", at: open) }
            let c = b[pos]
            if c == cQuote {
                break
            } else if c == cBackslash {
                if !escaped { escaped = true }
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[runStart..<pos]))
                try scanEscape()
                runStart = pos
            } else if c < 0x20 {
                throw error("control character U+\(TextEncoding.hex4(UInt32(c))) in string", at: pos)
            } else if c < 0x80 {
                pos += 1
            } else {
                let len = TextEncoding.validSequenceLength(b, pos)
                if len == 0 { throw error("invalid UTF-8 byte 0x\(TextEncoding.hex2(c))", at: pos) }
                pos += len
            }
        }
        let result: String
        if escaped {
            scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[runStart..<pos]))
            result = String(decoding: scratch, as: UTF8.self)
        } else {
            result = String(decoding: UnsafeRawBufferPointer(rebasing: b[runStart..<pos]), as: UTF8.self)
        }
        pos += 1
        return result
    }

    /// `pos` at a backslash; appends the decoded character to `scratch`.
    mutating func scanEscape() throws {
        let at = pos
        guard pos + 1 < n else { throw error("unterminated string", at: at) }
        let e = b[pos + 1]
        pos += 2
        switch e {
        case 0x22: scratch.append(0x22)
        case 0x5C: scratch.append(0x5C)
        case 0x2F: scratch.append(0x2F)
        case 0x62: scratch.append(0x08)
        case 0x66: scratch.append(0x0C)
        case 0x6E: scratch.append(0x0A)
        case 0x72: scratch.append(0x0D)
        case 0x74: scratch.append(0x09)
        case 0x75:
            var u = try hex4(at: at)
            if u >= 0xD800 && u <= 0xDBFF {
                guard pos + 1 < n, b[pos] == cBackslash, b[pos + 1] == 0x75 else {
                    throw error("lone surrogate \\u\(TextEncoding.hex4(u)) in string", at: at)
                }
                let second = pos
                pos += 2
                let lo = try hex4(at: second)
                guard lo >= 0xDC00 && lo <= 0xDFFF else {
                    throw error("lone surrogate \\u\(TextEncoding.hex4(u)) in string", at: at)
                }
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
            } else if u >= 0xDC00 && u <= 0xDFFF {
                throw error("lone surrogate \\u\(TextEncoding.hex4(u)) in string", at: at)
            }
            TextEncoding.appendUTF8(u, to: &scratch)
        default:
            pos = at + 1
            if e >= 0x80 && TextEncoding.validSequenceLength(b, pos) == 0 {
                throw error("invalid UTF-8 byte 0x\(TextEncoding.hex2(e))", at: pos)
            }
            throw error("invalid escape sequence in string", at: at)
        }
    }

    /// Reads 4 hex digits at `pos` (after `\u`).
    mutating func hex4(at escapeStart: Int) throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard pos < n else { throw error("unterminated string", at: escapeStart) }
            let c = b[pos]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error("invalid \\u escape: expected 4 hex digits", at: escapeStart)
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }
}
