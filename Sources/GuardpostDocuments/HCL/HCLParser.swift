/// The recursive-descent parser of HCL's structural and expression languages. Recursion happens only
/// where the source nests (blocks, brackets, sub-expressions, templates), and every level counts
/// against `maxDepth`, so no input can exhaust the stack.
extension HCLParser {
    // MARK: Depth

    mutating func enter(at offset: Int) throws {
        depth += 1
        if depth > maxDepth {
            throw error("nesting deeper than \(maxDepth) levels (blocks, brackets, operators and templates count); simplify the expression or split it", at: offset)
        }
    }

    mutating func leave() { depth -= 1 }

    // MARK: Structure

    mutating func parseFile() throws -> HCLBody {
        let body = try parseBody(closedBy: nil)
        return body
    }

    /// A body: attributes and blocks, each ending at a newline. `closedBy` is the offset of the `{`
    /// that opened it (nil at the top level, which ends at the end of the file).
    mutating func parseBody(closedBy open: Int?) throws -> HCLBody {
        pushNewlines(ignored: false)
        defer { popNewlines() }
        let bodyStart = open.map { $0 + 1 } ?? 0
        var items: [HCLBody.Item] = []
        var seen: [String: Location] = [:]
        while true {
            try skipNewlines()
            let t = try peek()
            if t.kind == .eof {
                if let open {
                    throw error("unclosed block: no '}' for the '{' at \(linecol(open)) before the end of the file", at: t.start)
                }
                return HCLBody(items: items, location: location(bodyStart, n))
            }
            if t.kind == .rBrace {
                guard open != nil else { throw error("unexpected '}': there is no block to close here", at: t.start) }
                return HCLBody(items: items, location: location(bodyStart, t.start))
            }
            guard t.kind == .identifier else {
                throw error("expected an attribute (name = value) or a block (type \"label\" { ... }), found \(describe(t))", at: t.start)
            }
            consume()
            let name = text(t.start, t.end)
            let nameLocation = location(t.start, t.end)
            let after = try peek()
            if after.kind == .assign {
                consume()
                let value = try parseExpression()
                if let first = seen[name] {
                    throw error("attribute '\(name)' is defined twice in this body (first at \(first.line):\(first.column))", at: t.start)
                }
                seen[name] = nameLocation
                items.append(.attribute(HCLAttribute(name: name, nameLocation: nameLocation, expression: value,
                                                     location: Location(file: file, start: nameLocation.start, end: value.location.end))))
                try expectEndOfItem(what: "the value of '\(name)'", closable: open != nil)
                continue
            }
            // A block: labels, then '{'.
            var labels: [HCLLabel] = []
            while true {
                let l = try peek()
                if l.kind == .identifier {
                    consume()
                    labels.append(HCLLabel(value: text(l.start, l.end), location: location(l.start, l.end), quoted: false))
                } else if l.kind == .quote {
                    consume()
                    let template = try parseQuotedTemplate(openQuote: l.start)
                    guard case .template(let tpl) = template.kind, let value = tpl.literalValue else {
                        throw error("a block label must be a literal string: interpolations and directives are not allowed here", at: l.start)
                    }
                    labels.append(HCLLabel(value: value, location: template.location, quoted: true))
                } else if l.kind == .lBrace {
                    break
                } else if labels.isEmpty {
                    throw error("expected '=' (an attribute) or a label or '{' (a block) after '\(name)', found \(describe(l))", at: l.start)
                } else {
                    throw error("expected a block label or '{' in the '\(name)' block header, found \(describe(l))", at: l.start)
                }
            }
            let openBrace = try next()
            try enter(at: openBrace.start)
            let body = try parseBody(closedBy: openBrace.start)
            leave()
            let close = try next() // the '}' parseBody stopped at
            items.append(.block(HCLBlock(type: name, typeLocation: nameLocation, labels: labels, body: body,
                                         location: location(t.start, close.end))))
            try expectEndOfItem(what: "the '\(name)' block", closable: open != nil)
        }
    }

    /// After an attribute or block: a newline, the end of the file, or (in a block) its closing brace.
    mutating func expectEndOfItem(what: String, closable: Bool) throws {
        let t = try peek()
        switch t.kind {
        case .newline: consume()
        case .eof: break
        case .rBrace where closable: break
        default:
            throw error("expected a newline after \(what), found \(describe(t)); put each attribute and block on its own line", at: t.start)
        }
    }

    mutating func parseStandaloneExpression() throws -> HCLExpression {
        pushNewlines(ignored: true)
        let e = try parseExpression()
        let t = try peek()
        guard t.kind == .eof else { throw error("unexpected \(describe(t)) after the expression", at: t.start) }
        return e
    }

    // MARK: Expressions

    mutating func parseExpression() throws -> HCLExpression {
        let first = try peek()
        try enter(at: first.start)
        defer { leave() }
        let condition = try parseBinary(minPrecedence: 1)
        guard try peek().kind == .question else { return condition }
        consume()
        let whenTrue = try parseExpression()
        try expect(.colon, "expected ':' between the two results of the conditional (cond ? a : b)")
        let whenFalse = try parseExpression()
        return HCLExpression(.conditional(condition, whenTrue, whenFalse),
                             location: Location(file: file, start: condition.location.start, end: whenFalse.location.end))
    }

    static func binaryOperator(_ k: HCLTokenKind) -> HCLBinaryOperator? {
        switch k {
        case .or: return .or
        case .and: return .and
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessOrEqual: return .lessOrEqual
        case .greater: return .greater
        case .greaterOrEqual: return .greaterOrEqual
        case .plus: return .add
        case .minus: return .subtract
        case .star: return .multiply
        case .slash: return .divide
        case .percent: return .modulo
        default: return nil
        }
    }

    /// Precedence climbing: operators of one level associate to the left. Each operator applied counts
    /// as one level of nesting, so a chain of a million `+` is an error, not a million-deep tree.
    mutating func parseBinary(minPrecedence: Int) throws -> HCLExpression {
        var lhs = try parseUnary()
        var chain = 0
        defer { depth -= chain }
        while true {
            let t = try peek()
            guard let op = Self.binaryOperator(t.kind), op.precedence >= minPrecedence else { return lhs }
            consume()
            let rhs = try parseBinary(minPrecedence: op.precedence + 1)
            chain += 1
            depth += 1
            if depth > maxDepth {
                throw error("expression nesting deeper than \(maxDepth) levels (each operator counts); split the expression", at: t.start)
            }
            lhs = HCLExpression(.binary(op, lhs, rhs), location: Location(file: file, start: lhs.location.start, end: rhs.location.end))
        }
    }

    mutating func parseUnary() throws -> HCLExpression {
        let t = try peek()
        let op: HCLUnaryOperator
        switch t.kind {
        case .minus: op = .negate
        case .bang: op = .not
        default: return try parsePostfix()
        }
        consume()
        try enter(at: t.start)
        defer { leave() }
        let operand = try parseUnary()
        return HCLExpression(.unary(op, operand), location: Location(file: file, start: mark(t.start), end: operand.location.end))
    }

    mutating func parsePostfix() throws -> HCLExpression {
        let startToken = try peek()
        let base = try parsePrimary()
        var steps: [HCLTraversalStep] = []
        var end = base.location.end
        while true {
            let t = try peek()
            if t.kind == .dot {
                consume()
                // The name must follow the dot directly (no newline in between).
                let saved = newlineModes
                newlineModes = [false]
                let name = try peek()
                newlineModes = saved
                switch name.kind {
                case .identifier:
                    consume()
                    steps.append(.attribute(text(name.start, name.end), location(t.start, name.end)))
                case .number:
                    // Legacy index `.0`; `.0.1` lexes as one number and means two indexes.
                    consume()
                    var p = name.start
                    while p < name.end {
                        var q = p
                        while q < name.end && Self.isDigit(b[q]) { q += 1 }
                        guard q > p, q == name.end || b[q] == 0x2E else {
                            throw error("invalid legacy index '.\(text(name.start, name.end))': write [index] instead", at: name.start)
                        }
                        let key = HCLExpression(.literal(.number(text(p, q))), location: location(p, q))
                        steps.append(.index(key, location(p == name.start ? t.start : p - 1, q)))
                        p = q + 1
                    }
                case .star:
                    consume()
                    steps.append(.splat(full: false, location(t.start, name.end)))
                default:
                    throw error("expected an attribute name, an index or '*' after '.', found \(describe(name))", at: name.start)
                }
                end = mark(name.end)
            } else if t.kind == .lBracket {
                consume()
                pushNewlines(ignored: true)
                defer { popNewlines() }
                let inner = try peek()
                if inner.kind == .star {
                    consume()
                    let close = try expect(.rBracket, "expected ']' after '[*'")
                    steps.append(.splat(full: true, location(t.start, close.end)))
                    end = mark(close.end)
                } else {
                    let key = try parseExpression()
                    let close = try expect(.rBracket, "expected ']' to close the index", openedAt: t.start)
                    steps.append(.index(key, location(t.start, close.end)))
                    end = mark(close.end)
                }
            } else {
                break
            }
        }
        if steps.isEmpty { return base }
        return HCLExpression(.traversal(base, steps), location: Location(file: file, start: mark(startToken.start), end: end))
    }

    mutating func parsePrimary() throws -> HCLExpression {
        let t = try next()
        switch t.kind {
        case .number:
            return HCLExpression(.literal(.number(text(t.start, t.end))), location: location(t.start, t.end))
        case .identifier:
            let name = text(t.start, t.end)
            let following = try peek()
            if following.kind == .lParen || following.kind == .doubleColon {
                return try parseFunctionCall(name: name, nameStart: t.start, nameEnd: t.end)
            }
            switch name {
            case "true": return HCLExpression(.literal(.bool(true)), location: location(t.start, t.end))
            case "false": return HCLExpression(.literal(.bool(false)), location: location(t.start, t.end))
            case "null": return HCLExpression(.literal(.null), location: location(t.start, t.end))
            default: return HCLExpression(.variable(name), location: location(t.start, t.end))
            }
        case .quote:
            return try parseQuotedTemplate(openQuote: t.start)
        case .heredoc:
            return try parseHeredoc(t)
        case .lParen:
            pushNewlines(ignored: true)
            defer { popNewlines() }
            let inner = try parseExpression()
            let close = try expect(.rParen, "expected ')' to close the '('", openedAt: t.start)
            return HCLExpression(.parenthesized(inner), location: location(t.start, close.end))
        case .lBracket:
            pushNewlines(ignored: true)
            defer { popNewlines() }
            if try isForKeyword() { return try parseFor(open: t, objectForm: false) }
            var items: [HCLExpression] = []
            while true {
                if try peek().kind == .rBracket { break }
                items.append(try parseExpression())
                let sep = try peek()
                if sep.kind == .comma { consume(); continue }
                if sep.kind == .rBracket { break }
                throw error("expected ',' or ']' in the list opened at \(linecol(t.start)), found \(describe(sep))", at: sep.start)
            }
            let close = try next()
            return HCLExpression(.tuple(items), location: location(t.start, close.end))
        case .lBrace:
            pushNewlines(ignored: true)
            let isFor = try isForKeyword()
            if isFor {
                defer { popNewlines() }
                return try parseFor(open: t, objectForm: true)
            }
            popNewlines()
            return try parseObject(open: t)
        case .eof:
            throw error("expected an expression, found the end of the file", at: t.start)
        case .newline:
            throw error("expected an expression before the end of the line", at: t.start)
        default:
            throw error("expected an expression, found \(describe(t))", at: t.start)
        }
    }

    mutating func isForKeyword() throws -> Bool {
        let t = try peek()
        return t.kind == .identifier && t.end - t.start == 3 && text(t.start, t.end) == "for"
    }

    mutating func parseFunctionCall(name first: String, nameStart: Int, nameEnd: Int) throws -> HCLExpression {
        var name = first
        var nameEnd = nameEnd
        while try peek().kind == .doubleColon {
            consume()
            let part = try expect(.identifier, "expected a name after '::' in the function name '\(name)::'")
            name += "::" + text(part.start, part.end)
            nameEnd = part.end
        }
        let open = try expect(.lParen, "expected '(' after the function name '\(name)'")
        pushNewlines(ignored: true)
        defer { popNewlines() }
        var arguments: [HCLExpression] = []
        var expands = false
        while true {
            if try peek().kind == .rParen { break }
            arguments.append(try parseExpression())
            var sep = try peek()
            if sep.kind == .ellipsis {
                consume()
                expands = true
                sep = try peek()
                if sep.kind == .comma { consume(); sep = try peek() }
                guard sep.kind == .rParen else {
                    throw error("'...' expands the last argument of '\(name)': expected ')' after it, found \(describe(sep))", at: sep.start)
                }
                break
            }
            if sep.kind == .comma { consume(); continue }
            if sep.kind == .rParen { break }
            throw error("expected ',' or ')' in the arguments of '\(name)' opened at \(linecol(open.start)), found \(describe(sep))", at: sep.start)
        }
        let close = try next()
        let call = HCLFunctionCall(name: name, nameLocation: location(nameStart, nameEnd), arguments: arguments, expandsFinalArgument: expands)
        return HCLExpression(.functionCall(call), location: location(nameStart, close.end))
    }

    /// `{ key = value, key: value \n ... }`: elements end at a comma or a newline.
    mutating func parseObject(open: HCLToken) throws -> HCLExpression {
        pushNewlines(ignored: false)
        defer { popNewlines() }
        var items: [HCLObjectItem] = []
        while true {
            try skipNewlines()
            if try peek().kind == .rBrace { break }
            if try peek().kind == .eof {
                throw error("unclosed object: no '}' for the '{' at \(linecol(open.start)) before the end of the file", at: n)
            }
            let keyExpression = try parseExpression()
            let key: HCLObjectItem.Key
            if case .variable(let name) = keyExpression.kind { key = .identifier(name, keyExpression.location) }
            else { key = .expression(keyExpression) }
            let sep = try peek()
            guard sep.kind == .assign || sep.kind == .colon else {
                throw error("expected '=' or ':' after the object key, found \(describe(sep))", at: sep.start)
            }
            consume()
            let value = try parseExpression()
            items.append(HCLObjectItem(key: key, value: value))
            let after = try peek()
            switch after.kind {
            case .comma, .newline: consume()
            case .rBrace: break
            case .eof:
                throw error("unclosed object: no '}' for the '{' at \(linecol(open.start)) before the end of the file", at: n)
            default:
                throw error("expected ',', a newline or '}' after the object element, found \(describe(after))", at: after.start)
            }
        }
        let close = try next()
        return HCLExpression(.object(items), location: location(open.start, close.end))
    }

    /// `[for ...]` or `{for ...}`; the opening bracket is consumed and `for` is next.
    mutating func parseFor(open: HCLToken, objectForm: Bool) throws -> HCLExpression {
        consume() // for
        let first = try expect(.identifier, "expected a variable name after 'for'")
        var keyVariable: String?
        var valueVariable = text(first.start, first.end)
        if try peek().kind == .comma {
            consume()
            let second = try expect(.identifier, "expected a second variable name after ',' in 'for'")
            keyVariable = valueVariable
            valueVariable = text(second.start, second.end)
        }
        let inKeyword = try peek()
        guard inKeyword.kind == .identifier, text(inKeyword.start, inKeyword.end) == "in" else {
            throw error("expected 'in' after the variable names of the 'for' expression, found \(describe(inKeyword))", at: inKeyword.start)
        }
        consume()
        let collection = try parseExpression()
        try expect(.colon, "expected ':' after the collection of the 'for' expression")
        var keyExpression: HCLExpression?
        var valueExpression = try parseExpression()
        var grouping = false
        if objectForm {
            try expect(.fatArrow, "expected '=>' between the key and the value of the object 'for' expression")
            keyExpression = valueExpression
            valueExpression = try parseExpression()
            if try peek().kind == .ellipsis { consume(); grouping = true }
        }
        var condition: HCLExpression?
        let maybeIf = try peek()
        if maybeIf.kind == .identifier, text(maybeIf.start, maybeIf.end) == "if" {
            consume()
            condition = try parseExpression()
        }
        let close = try expect(objectForm ? .rBrace : .rBracket,
                               "expected '\(objectForm ? "}" : "]")' to close the 'for' expression", openedAt: open.start)
        let f = HCLForExpression(keyVariable: keyVariable, valueVariable: valueVariable, collection: collection,
                                 keyExpression: keyExpression, valueExpression: valueExpression, grouping: grouping, condition: condition)
        return HCLExpression(.forExpression(f), location: location(open.start, close.end))
    }
}
