/// The byte-level lexer of the HCL parser: tokens of the expression and structural languages,
/// positions, and errors. Template text (inside quotes and heredocs) is scanned by the parser
/// itself, byte by byte, because what a byte means there depends on the template context.

enum HCLTokenKind: UInt8 {
    case eof, newline, identifier, number, quote, heredoc
    case lBrace, rBrace, lBracket, rBracket, lParen, rParen
    case comma, dot, ellipsis, assign, fatArrow, colon, doubleColon, question
    case plus, minus, star, slash, percent, and, or, bang
    case equal, notEqual, less, greater, lessOrEqual, greaterOrEqual, tilde
    case interpolationStart, directiveStart
}

struct HCLToken {
    var kind: HCLTokenKind
    /// Byte offsets of the token's text (for a heredoc: `<<-EOT`, without the newline).
    var start: Int
    var end: Int
}

struct HCLParser {
    let b: UnsafeRawBufferPointer
    let n: Int
    let file: SourceFile
    let maxDepth: Int
    /// Byte offset of the start of every line (after each LF).
    var lineStarts: [Int] = [0]
    /// Where lexing continues.
    var pos = 0
    /// One token of lookahead, already lexed (pos is after it).
    var ahead: HCLToken?
    /// Newline handling: true on top means newlines are whitespace (inside `()`, `[]`, `${}`, `for`).
    var newlineModes: [Bool] = [false]
    var depth = 0
    // Column checkpoint for `mark(_:)`: positions are mostly asked for in increasing order.
    var checkLine = 0
    var checkOffset = 0
    var checkColumn = 1

    init(bytes: UnsafeRawBufferPointer, file: SourceFile, limits: ParseLimits) throws {
        self.b = bytes
        self.n = bytes.count
        self.file = file
        self.maxDepth = max(1, limits.maxDepth)
        // One pass: validate UTF-8 and find line starts, so that every later step works on valid text.
        var i = 0
        while i < n {
            let c = b[i]
            if c < 0x80 {
                if c == 0x0A { lineStarts.append(i + 1) }
                i += 1
            } else {
                let len = TextEncoding.validSequenceLength(b, i)
                if len == 0 { throw error("invalid UTF-8 byte 0x\(TextEncoding.hex2(c)); HCL files must be UTF-8", at: i) }
                i += len
            }
        }
    }

    // MARK: Positions

    /// 1-based line and column of a byte offset (columns count Unicode scalars; a tab is one column).
    mutating func mark(_ offset: Int) -> Mark {
        let offset = min(max(offset, 0), n)
        var line: Int
        if checkLine < lineStarts.count, lineStarts[checkLine] <= offset,
           checkLine + 1 >= lineStarts.count || offset < lineStarts[checkLine + 1] {
            line = checkLine
        } else {
            var lo = 0, hi = lineStarts.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
            }
            line = lo
        }
        var col: Int, p: Int
        if line == checkLine && offset >= checkOffset { col = checkColumn; p = checkOffset }
        else { col = 1; p = lineStarts[line] }
        while p < offset {
            if b[p] & 0xC0 != 0x80 { col += 1 }
            p += 1
        }
        checkLine = line; checkOffset = offset; checkColumn = col
        return Mark(line: line + 1, column: col)
    }

    mutating func location(_ start: Int, _ end: Int) -> Location {
        let s = mark(start)
        return Location(file: file, start: s, end: mark(end))
    }

    func error(_ message: String, at offset: Int) -> ParseError {
        var copy = self
        return ParseError(location: Location(file: file, start: copy.mark(offset)), message: message)
    }

    func linecol(_ offset: Int) -> String {
        var copy = self
        let m = copy.mark(offset)
        return "\(m.line):\(m.column)"
    }

    func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
    }

    /// What a token is, for "expected X, found Y" messages.
    func describe(_ t: HCLToken) -> String {
        switch t.kind {
        case .eof: return "the end of the file"
        case .newline: return "the end of the line"
        case .identifier: return "'\(text(t.start, t.end))'"
        case .number: return "the number \(text(t.start, t.end))"
        case .quote: return "a string"
        case .heredoc: return "a heredoc"
        default: return "'\(text(t.start, t.end))'"
        }
    }

    // MARK: Tokens

    /// Whether newlines are currently whitespace.
    var ignoringNewlines: Bool { newlineModes[newlineModes.count - 1] }

    mutating func pushNewlines(ignored: Bool) { newlineModes.append(ignored) }

    mutating func popNewlines() { if newlineModes.count > 1 { newlineModes.removeLast() } }

    /// The next token, skipping newlines when they are whitespace.
    mutating func peek() throws -> HCLToken {
        while true {
            let t: HCLToken
            if let a = ahead { t = a } else { t = try lex(); ahead = t }
            if t.kind == .newline && ignoringNewlines { ahead = nil; continue }
            return t
        }
    }

    @discardableResult
    mutating func next() throws -> HCLToken {
        let t = try peek()
        ahead = nil
        return t
    }

    /// Skips newline tokens whatever the mode.
    mutating func skipNewlines() throws {
        while true {
            let t: HCLToken
            if let a = ahead { t = a } else { t = try lex(); ahead = t }
            guard t.kind == .newline else { return }
            ahead = nil
        }
    }

    @discardableResult
    mutating func expect(_ kind: HCLTokenKind, _ message: @autoclosure () -> String, openedAt: Int? = nil) throws -> HCLToken {
        let t = try peek()
        guard t.kind == kind else {
            let opened = openedAt.map { " opened at \(linecol($0))" } ?? ""
            throw error("\(message())\(opened), found \(describe(t))", at: t.start)
        }
        ahead = nil
        return t
    }

    @inline(__always)
    func byte(_ i: Int) -> UInt8 { i < n ? b[i] : 0 }

    @inline(__always)
    static func isASCIIIdentifierStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F
    }

    @inline(__always)
    static func isASCIIIdentifierContinue(_ c: UInt8) -> Bool {
        isASCIIIdentifierStart(c) || (c >= 0x30 && c <= 0x39) || c == 0x2D
    }

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// The scalar starting at `i` (the input is valid UTF-8) and its length in bytes.
    func scalar(at i: Int) -> (Unicode.Scalar, Int) {
        let c = b[i]
        if c < 0x80 { return (Unicode.Scalar(c), 1) }
        let len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
        var v = UInt32(c) & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07)
        for k in 1..<len { v = (v << 6) | (UInt32(b[i + k]) & 0x3F) }
        return (Unicode.Scalar(v) ?? "\u{FFFD}", len)
    }

    /// Length of the identifier starting at `i`, 0 if none starts there.
    func identifierLength(at i: Int) -> Int {
        guard i < n else { return 0 }
        var p = i
        let c = b[p]
        if Self.isASCIIIdentifierStart(c) { p += 1 }
        else if c >= 0x80 {
            let (s, len) = scalar(at: p)
            guard s.properties.isIDStart else { return 0 }
            p += len
        } else { return 0 }
        while p < n {
            let c = b[p]
            if c < 0x80 {
                guard Self.isASCIIIdentifierContinue(c) else { break }
                p += 1
            } else {
                let (s, len) = scalar(at: p)
                guard s.properties.isIDContinue else { break }
                p += len
            }
        }
        return p - i
    }

    /// Lexes one token at `pos` in the expression/structural language.
    mutating func lex() throws -> HCLToken {
        // Whitespace and comments.
        while pos < n {
            let c = b[pos]
            if c == 0x20 || c == 0x09 { pos += 1; continue }
            if c == 0x0D && byte(pos + 1) == 0x0A { break } // CRLF: a newline token
            if c == 0x23 || (c == 0x2F && byte(pos + 1) == 0x2F) { // # or //: up to the newline
                while pos < n && b[pos] != 0x0A && !(b[pos] == 0x0D && byte(pos + 1) == 0x0A) { pos += 1 }
                continue
            }
            if c == 0x2F && byte(pos + 1) == 0x2A { // /* ... */
                let open = pos
                pos += 2
                while true {
                    guard pos + 1 < n else { throw error("unterminated comment: no closing */ for the /* here", at: open) }
                    if b[pos] == 0x2A && b[pos + 1] == 0x2F { pos += 2; break }
                    pos += 1
                }
                continue
            }
            break
        }
        let start = pos
        guard pos < n else { return HCLToken(kind: .eof, start: n, end: n) }
        let c = b[pos]
        func single(_ k: HCLTokenKind, _ len: Int = 1) -> HCLToken {
            pos += len
            return HCLToken(kind: k, start: start, end: pos)
        }
        switch c {
        case 0x0A: return single(.newline)
        case 0x0D: return single(.newline, 2)
        case 0x30...0x39:
            pos += 1
            while pos < n && Self.isDigit(b[pos]) { pos += 1 }
            if byte(pos) == 0x2E && Self.isDigit(byte(pos + 1)) {
                pos += 2
                while pos < n && Self.isDigit(b[pos]) { pos += 1 }
            }
            if byte(pos) == 0x65 || byte(pos) == 0x45 { // e / E
                var q = pos + 1
                if byte(q) == 0x2B || byte(q) == 0x2D { q += 1 }
                if Self.isDigit(byte(q)) {
                    pos = q
                    while pos < n && Self.isDigit(b[pos]) { pos += 1 }
                }
            }
            return HCLToken(kind: .number, start: start, end: pos)
        case 0x22: return single(.quote)
        case 0x7B: return single(.lBrace)
        case 0x7D: return single(.rBrace)
        case 0x5B: return single(.lBracket)
        case 0x5D: return single(.rBracket)
        case 0x28: return single(.lParen)
        case 0x29: return single(.rParen)
        case 0x2C: return single(.comma)
        case 0x3F: return single(.question)
        case 0x2B: return single(.plus)
        case 0x2D: return single(.minus)
        case 0x2A: return single(.star)
        case 0x2F: return single(.slash)
        case 0x7E: return single(.tilde)
        case 0x2E: return byte(pos + 1) == 0x2E && byte(pos + 2) == 0x2E ? single(.ellipsis, 3) : single(.dot)
        case 0x3A: return byte(pos + 1) == 0x3A ? single(.doubleColon, 2) : single(.colon)
        case 0x3D:
            if byte(pos + 1) == 0x3D { return single(.equal, 2) }
            if byte(pos + 1) == 0x3E { return single(.fatArrow, 2) }
            return single(.assign)
        case 0x21: return byte(pos + 1) == 0x3D ? single(.notEqual, 2) : single(.bang)
        case 0x3E: return byte(pos + 1) == 0x3D ? single(.greaterOrEqual, 2) : single(.greater)
        case 0x26:
            if byte(pos + 1) == 0x26 { return single(.and, 2) }
            throw error("unexpected character '&': the logical AND operator is '&&'", at: pos)
        case 0x7C:
            if byte(pos + 1) == 0x7C { return single(.or, 2) }
            throw error("unexpected character '|': the logical OR operator is '||'", at: pos)
        case 0x24:
            if byte(pos + 1) == 0x7B { return single(.interpolationStart, 2) }
            throw error("unexpected character '$' outside a string", at: pos)
        case 0x25: return byte(pos + 1) == 0x7B ? single(.directiveStart, 2) : single(.percent)
        case 0x3C:
            if byte(pos + 1) == 0x3D { return single(.lessOrEqual, 2) }
            if byte(pos + 1) == 0x3C { return try lexHeredocIntroduction() }
            return single(.less)
        default:
            let len = identifierLength(at: pos)
            if len > 0 { pos += len; return HCLToken(kind: .identifier, start: start, end: pos) }
            if c == 0x27 {
                throw error("unexpected character \"'\": strings are written in double quotes (\"...\")", at: pos)
            }
            if c >= 0x80 {
                let (s, _) = scalar(at: pos)
                if s == "\u{FEFF}" { throw error("unexpected byte order mark (U+FEFF)", at: pos) }
                throw error("unexpected character '\(Character(s))'", at: pos)
            }
            if c < 0x20 || c == 0x7F {
                throw error("unexpected control character U+\(TextEncoding.hex4(UInt32(c)))", at: pos)
            }
            throw error("unexpected character '\(Character(Unicode.Scalar(c)))'", at: pos)
        }
    }

    /// `<<EOT` or `<<-EOT` followed by a newline. The token covers the introduction; `pos` moves past
    /// the newline, to the first line of the heredoc's content.
    mutating func lexHeredocIntroduction() throws -> HCLToken {
        let start = pos
        var p = pos + 2
        if byte(p) == 0x2D { p += 1 }
        let len = identifierLength(at: p)
        guard len > 0 else {
            throw error("invalid heredoc: '<<' must be followed by a marker name (<<EOT or <<-EOT) and a newline", at: start)
        }
        let end = p + len
        var q = end
        while byte(q) == 0x20 || byte(q) == 0x09 { q += 1 }
        if byte(q) == 0x0D && byte(q + 1) == 0x0A { q += 2 }
        else if byte(q) == 0x0A { q += 1 }
        else { throw error("invalid heredoc: the marker \(text(p, end)) must be followed by a newline; the content starts on the next line", at: end) }
        pos = q
        return HCLToken(kind: .heredoc, start: start, end: end)
    }
}

extension HCLParser {
    /// Drops the token `peek()` returned.
    @inline(__always)
    mutating func consume() { ahead = nil }
}
