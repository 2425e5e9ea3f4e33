/// Templates: quoted strings, heredocs and standalone templates. Template text is scanned byte by
/// byte; `${` and `%{` hand over to the expression parser, which stops at the closing `}`.
///
/// The parts are first collected flat (literals, interpolations, directive markers), then strip
/// markers (`~`) and heredoc indentation are applied, then directives are nested with an explicit
/// stack.
extension HCLParser {
    enum FlatPart {
        case literal([UInt8], start: Int, end: Int)
        case interpolation(HCLExpression, stripBefore: Bool, stripAfter: Bool)
        case directive(Directive, stripBefore: Bool, stripAfter: Bool, start: Int, end: Int)
    }

    enum Directive {
        case ifOpen(HCLExpression)
        case elseBranch
        case endIf
        case forOpen(key: String?, value: String, collection: HCLExpression)
        case endFor
    }

    enum TemplateMode {
        /// `"..."`: escapes, no raw newlines, ends at `"`.
        case quoted
        /// Ends at a line holding only the marker (after optional spaces).
        case heredoc(marker: [UInt8])
        /// Ends at the end of the input.
        case standalone
    }

    // MARK: Entry points

    /// After the opening quote (`pos` is just past it).
    mutating func parseQuotedTemplate(openQuote: Int) throws -> HCLExpression {
        let contentStart = pos
        var flat = try scanTemplate(mode: .quoted, openAt: openQuote)
        let contentEnd = pos - 1
        applyStripMarkers(&flat)
        let parts = try nest(flat)
        let template = HCLTemplate(parts: parts, text: text(contentStart, contentEnd), isHeredoc: false)
        return HCLExpression(.template(template), location: location(openQuote, pos))
    }

    /// After the heredoc introduction token (`pos` is at the start of the first content line).
    mutating func parseHeredoc(_ intro: HCLToken) throws -> HCLExpression {
        var markerStart = intro.start + 2
        let flush = b[markerStart] == 0x2D
        if flush { markerStart += 1 }
        let marker = Array(UnsafeRawBufferPointer(rebasing: b[markerStart..<intro.end]))
        let contentStart = pos
        var flat = try scanTemplate(mode: .heredoc(marker: marker), openAt: intro.start)
        // `pos` is now just after the closing marker; the content ended at the start of its line.
        var contentEnd = pos - marker.count
        while contentEnd > contentStart && (b[contentEnd - 1] == 0x20 || b[contentEnd - 1] == 0x09) { contentEnd -= 1 }
        if flush { removeIndentation(&flat) }
        applyStripMarkers(&flat)
        let parts = try nest(flat)
        let template = HCLTemplate(parts: parts, text: text(contentStart, contentEnd), isHeredoc: true)
        return HCLExpression(.template(template), location: location(intro.start, pos))
    }

    mutating func parseStandaloneTemplate() throws -> HCLTemplate {
        var flat = try scanTemplate(mode: .standalone, openAt: 0)
        applyStripMarkers(&flat)
        let parts = try nest(flat)
        return HCLTemplate(parts: parts, text: text(0, n), isHeredoc: false)
    }

    // MARK: Scanning

    mutating func scanTemplate(mode: TemplateMode, openAt: Int) throws -> [FlatPart] {
        var parts: [FlatPart] = []
        var literal: [UInt8] = []
        var literalStart = pos
        var atLineStart = true
        func flush(_ end: Int) {
            if !literal.isEmpty { parts.append(.literal(literal, start: literalStart, end: end)) }
            literal.removeAll(keepingCapacity: true)
        }
        while true {
            if case .heredoc(let marker) = mode, atLineStart, let end = closingMarker(marker, at: pos) {
                flush(pos)
                pos = end
                return parts
            }
            atLineStart = false
            guard pos < n else {
                switch mode {
                case .quoted:
                    throw error("unterminated string: no closing '\"' for the string that starts here", at: openAt)
                case .heredoc(let marker):
                    let name = String(decoding: marker, as: UTF8.self)
                    throw error("unterminated heredoc: no line with only \(name) closes the heredoc that starts here before the end of the file", at: openAt)
                case .standalone:
                    flush(pos)
                    return parts
                }
            }
            if literal.isEmpty { literalStart = pos }
            let c = b[pos]
            switch c {
            case 0x22 where isQuoted(mode):
                flush(pos)
                pos += 1
                return parts
            case 0x5C where isQuoted(mode):
                try decodeEscape(into: &literal)
            case 0x0A, 0x0D:
                if isQuoted(mode) {
                    throw error("a quoted string cannot span lines: close it with '\"' on this line, use \\n for a newline, or use a heredoc (<<EOT)", at: pos)
                }
                literal.append(c)
                pos += 1
                if c == 0x0A { atLineStart = true }
            case 0x24, 0x25: // $ or %
                let opensSequence = byte(pos + 1) == 0x7B
                let escaped = byte(pos + 1) == c && byte(pos + 2) == 0x7B
                if escaped {
                    literal.append(c); literal.append(0x7B)
                    pos += 3
                } else if opensSequence {
                    flush(pos)
                    let start = pos
                    pos += 2
                    let stripBefore = byte(pos) == 0x7E
                    if stripBefore { pos += 1 }
                    if c == 0x24 {
                        parts.append(try scanInterpolation(start: start, stripBefore: stripBefore))
                    } else {
                        parts.append(try scanDirective(start: start, stripBefore: stripBefore))
                    }
                    literalStart = pos
                } else {
                    literal.append(c)
                    pos += 1
                }
            default:
                if c < 0x20 && c != 0x09 {
                    throw error("control character U+\(TextEncoding.hex4(UInt32(c))) in a string; write it as an escape (\\uNNNN)", at: pos)
                }
                literal.append(c)
                pos += 1
            }
        }
    }

    func isQuoted(_ mode: TemplateMode) -> Bool {
        if case .quoted = mode { return true }
        return false
    }

    /// If the line at `p` is the heredoc's closing marker (optionally indented), the offset just after it.
    func closingMarker(_ marker: [UInt8], at p: Int) -> Int? {
        var q = p
        while q < n && (b[q] == 0x20 || b[q] == 0x09) { q += 1 }
        guard q + marker.count <= n else { return nil }
        for (k, m) in marker.enumerated() where b[q + k] != m { return nil }
        let end = q + marker.count
        if end == n || b[end] == 0x0A || (b[end] == 0x0D && byte(end + 1) == 0x0A) { return end }
        return nil
    }

    mutating func decodeEscape(into out: inout [UInt8]) throws {
        let start = pos
        let e = byte(pos + 1)
        switch e {
        case 0x6E: out.append(0x0A); pos += 2
        case 0x72: out.append(0x0D); pos += 2
        case 0x74: out.append(0x09); pos += 2
        case 0x22: out.append(0x22); pos += 2
        case 0x5C: out.append(0x5C); pos += 2
        case 0x75, 0x55: // \uNNNN, \UNNNNNNNN
            let count = e == 0x75 ? 4 : 8
            var v: UInt32 = 0
            for k in 0..<count {
                let h = byte(pos + 2 + k)
                let d: UInt32
                switch h {
                case 0x30...0x39: d = UInt32(h - 0x30)
                case 0x61...0x66: d = UInt32(h - 0x61 + 10)
                case 0x41...0x46: d = UInt32(h - 0x41 + 10)
                default:
                    throw error("invalid escape: \\\(e == 0x75 ? "u" : "U") must be followed by \(count) hexadecimal digits", at: start)
                }
                v = v << 4 | d
            }
            guard let scalar = Unicode.Scalar(v) else {
                throw error("invalid escape: U+\(String(v, radix: 16, uppercase: true)) is not a Unicode scalar value", at: start)
            }
            out.append(contentsOf: Array(String(scalar).utf8))
            pos += 2 + count
        default:
            if e == 0 && pos + 1 >= n { throw error("unterminated string: the file ends after '\\'", at: start) }
            let shown = e < 0x80 && e >= 0x20 ? String(Character(Unicode.Scalar(e))) : "U+\(TextEncoding.hex4(UInt32(e)))"
            throw error("invalid escape sequence '\\\(shown)': the escapes are \\n \\r \\t \\\" \\\\ \\uNNNN \\UNNNNNNNN (write \\\\ for a backslash)", at: start)
        }
    }

    /// `${` (and an optional `~`) consumed; parses the expression and the closing `}` (or `~}`).
    mutating func scanInterpolation(start: Int, stripBefore: Bool) throws -> FlatPart {
        ahead = nil
        pushNewlines(ignored: true)
        defer { popNewlines() }
        try enter(at: start)
        defer { leave() }
        let e = try parseExpression()
        let stripAfter = try closeSequence(openedAt: start, what: "interpolation")
        return .interpolation(e, stripBefore: stripBefore, stripAfter: stripAfter)
    }

    /// After the expression of `${...}` or `%{...}`: `}` or `~}`. Leaves `pos` just after the brace.
    mutating func closeSequence(openedAt start: Int, what: String) throws -> Bool {
        var t = try next()
        var strip = false
        if t.kind == .tilde { strip = true; t = try next() }
        guard t.kind == .rBrace else {
            throw error("expected '}' to close the \(what) opened at \(linecol(start)), found \(describe(t))", at: t.start)
        }
        ahead = nil
        return strip
    }

    mutating func scanDirective(start: Int, stripBefore: Bool) throws -> FlatPart {
        ahead = nil
        pushNewlines(ignored: true)
        defer { popNewlines() }
        let keyword = try next()
        guard keyword.kind == .identifier else {
            throw error("expected if, else, endif, for or endfor after '%{', found \(describe(keyword))", at: keyword.start)
        }
        let word = text(keyword.start, keyword.end)
        let directive: Directive
        switch word {
        case "if":
            try enter(at: start)
            defer { leave() }
            directive = .ifOpen(try parseExpression())
        case "else": directive = .elseBranch
        case "endif": directive = .endIf
        case "endfor": directive = .endFor
        case "for":
            try enter(at: start)
            defer { leave() }
            let first = try expect(.identifier, "expected a variable name after '%{ for'")
            var key: String?
            var value = text(first.start, first.end)
            if try peek().kind == .comma {
                consume()
                let second = try expect(.identifier, "expected a second variable name after ',' in '%{ for'")
                key = value
                value = text(second.start, second.end)
            }
            let inKeyword = try peek()
            guard inKeyword.kind == .identifier, text(inKeyword.start, inKeyword.end) == "in" else {
                throw error("expected 'in' in the '%{ for' directive, found \(describe(inKeyword))", at: inKeyword.start)
            }
            consume()
            directive = .forOpen(key: key, value: value, collection: try parseExpression())
        default:
            throw error("unknown template directive '\(word)': expected if, else, endif, for or endfor", at: keyword.start)
        }
        let stripAfter = try closeSequence(openedAt: start, what: "'%{ \(word)' directive")
        return .directive(directive, stripBefore: stripBefore, stripAfter: stripAfter, start: start, end: pos)
    }

    // MARK: Post-processing

    /// `~` removes the whitespace (newlines included) of the literal next to it.
    func applyStripMarkers(_ flat: inout [FlatPart]) {
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        for i in flat.indices {
            var before = false, after = false
            switch flat[i] {
            case .interpolation(_, let sb, let sa): before = sb; after = sa
            case .directive(_, let sb, let sa, _, _): before = sb; after = sa
            case .literal: continue
            }
            if before, i > 0, case .literal(var bytes, let s, let e) = flat[i - 1] {
                while let last = bytes.last, isSpace(last) { bytes.removeLast() }
                flat[i - 1] = .literal(bytes, start: s, end: e)
            }
            if after, i + 1 < flat.count, case .literal(let bytes, let s, let e) = flat[i + 1] {
                var k = 0
                while k < bytes.count && isSpace(bytes[k]) { k += 1 }
                flat[i + 1] = .literal(Array(bytes[k...]), start: s, end: e)
            }
        }
    }

    /// `<<-`: the smallest indentation of the non-blank lines is removed from every line.
    func removeIndentation(_ flat: inout [FlatPart]) {
        // Line starts are: the start of the content, and every position after a newline in a literal.
        var minimum = Int.max
        var atLineStart = true
        for part in flat {
            switch part {
            case .literal(let bytes, _, _):
                var k = 0
                while k < bytes.count {
                    if atLineStart {
                        var spaces = 0
                        while k + spaces < bytes.count && (bytes[k + spaces] == 0x20 || bytes[k + spaces] == 0x09) { spaces += 1 }
                        let blank = k + spaces < bytes.count && (bytes[k + spaces] == 0x0A || bytes[k + spaces] == 0x0D)
                        if !blank { minimum = min(minimum, spaces) }
                        atLineStart = false
                        k += spaces
                        continue
                    }
                    if bytes[k] == 0x0A { atLineStart = true }
                    k += 1
                }
            default:
                if atLineStart { minimum = 0 }
                atLineStart = false
            }
        }
        guard minimum > 0 && minimum != Int.max else { return }
        atLineStart = true
        for i in flat.indices {
            guard case .literal(let bytes, let s, let e) = flat[i] else { atLineStart = false; continue }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var k = 0
            while k < bytes.count {
                if atLineStart {
                    var removed = 0
                    while removed < minimum && k < bytes.count && (bytes[k] == 0x20 || bytes[k] == 0x09) { k += 1; removed += 1 }
                    atLineStart = false
                    continue
                }
                out.append(bytes[k])
                if bytes[k] == 0x0A { atLineStart = true }
                k += 1
            }
            flat[i] = .literal(out, start: s, end: e)
        }
    }

    /// Nests `if`/`else`/`endif` and `for`/`endfor` with an explicit stack (no recursion).
    mutating func nest(_ flat: [FlatPart]) throws -> [HCLTemplatePart] {
        struct Open {
            var directive: Directive
            var start: Int
            var parts: [HCLTemplatePart] = []
            var thenParts: [HCLTemplatePart]?
        }
        var root: [HCLTemplatePart] = []
        var stack: [Open] = []
        func append(_ p: HCLTemplatePart) {
            if stack.isEmpty { root.append(p) } else { stack[stack.count - 1].parts.append(p) }
        }
        for part in flat {
            switch part {
            case .literal(let bytes, let s, let e):
                if !bytes.isEmpty { append(.literal(String(decoding: bytes, as: UTF8.self), location(s, e))) }
            case .interpolation(let e, _, _):
                append(.interpolation(e))
            case .directive(let d, _, _, let s, let e):
                switch d {
                case .ifOpen, .forOpen:
                    if depth + stack.count + 1 > maxDepth {
                        throw error("template directives nested deeper than \(maxDepth) levels", at: s)
                    }
                    stack.append(Open(directive: d, start: s))
                case .elseBranch:
                    guard var top = stack.last, case .ifOpen = top.directive, top.thenParts == nil else {
                        throw error("'%{ else }' without a matching '%{ if }'", at: s)
                    }
                    top.thenParts = top.parts
                    top.parts = []
                    stack[stack.count - 1] = top
                case .endIf:
                    guard let top = stack.last, case .ifOpen(let condition) = top.directive else {
                        throw error("'%{ endif }' without a matching '%{ if }'", at: s)
                    }
                    stack.removeLast()
                    let thenParts = top.thenParts ?? top.parts
                    let elseParts = top.thenParts == nil ? nil : top.parts
                    append(.ifDirective(condition: condition, then: thenParts, else: elseParts, location: location(top.start, e)))
                case .endFor:
                    guard let top = stack.last, case .forOpen(let key, let value, let collection) = top.directive else {
                        throw error("'%{ endfor }' without a matching '%{ for }'", at: s)
                    }
                    stack.removeLast()
                    append(.forDirective(keyVariable: key, valueVariable: value, collection: collection, body: top.parts, location: location(top.start, e)))
                }
            }
        }
        if let open = stack.last {
            if case .ifOpen = open.directive { throw error("'%{ if }' without a matching '%{ endif }'", at: open.start) }
            throw error("'%{ for }' without a matching '%{ endfor }'", at: open.start)
        }
        return root
    }
}
