import Foundation

/// An error while evaluating a Kyverno expression: either the expression is wrong, or it uses what
/// this engine does not evaluate (reported as "cannot evaluate").
struct KyvernoEvalError: Error, CustomStringConvertible {
    var message: String
    var unsupported: Bool = false
    var description: String { message }
}

/// A JMESPath implementation (the standard grammar plus the Kyverno functions the shipped policies use).
indirect enum JMESNode {
    case identity
    case field(String)
    case subexpr(JMESNode, JMESNode)
    case index(Int)
    case slice(Int?, Int?, Int?)
    case indexExpr(JMESNode, JMESNode)
    case projection(JMESNode, JMESNode)
    case valueProjection(JMESNode, JMESNode)
    case filterProjection(JMESNode, JMESNode, JMESNode)
    case flatten(JMESNode)
    case multiList([JMESNode])
    case multiHash([(String, JMESNode)])
    case or(JMESNode, JMESNode)
    case and(JMESNode, JMESNode)
    case not(JMESNode)
    case compare(String, JMESNode, JMESNode)
    case pipe(JMESNode, JMESNode)
    case literal(KValue)
    case function(String, [JMESNode])
    case exprRef(JMESNode)
}

private enum Tok: Equatable {
    case ident(String), quoted(String), raw(String), literal(String), number(Int)
    case dot, star, lbracket, rbracket, lbrace, rbrace, filter, flatten, pipe, or, and, not
    case cmp(String), at, amp, colon, comma, lparen, rparen, eof
}

enum JMESPath {
    /// Limits that keep a hostile expression from exhausting the stack (the parser and the interpreter
    /// recurse once per nesting level) or time; real policies stay far below them.
    static let maxTokens = 4096
    static let maxNesting = 128

    static func compile(_ text: String) throws -> JMESNode {
        let tokens = try lex(text)
        guard tokens.count <= maxTokens else {
            throw KyvernoEvalError(message: "JMESPath expression longer than \(maxTokens) tokens")
        }
        var p = JMESParser(tokens: tokens)
        let node = try p.expression(0)
        guard p.peek == .eof else { throw KyvernoEvalError(message: "unexpected token in JMESPath expression `\(text)`") }
        return node
    }

    static func search(_ text: String, _ data: KValue) throws -> KValue {
        try JMESInterpreter().eval(try compile(text), data)
    }

    private static func lex(_ text: String) throws -> [Tok] {
        let s = Array(text.unicodeScalars)
        var i = 0
        var out: [Tok] = []
        func isIdentStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
        func isIdent(_ c: Unicode.Scalar) -> Bool { isIdentStart(c) || (c >= "0" && c <= "9") }
        while i < s.count {
            let c = s[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            if isIdentStart(c) {
                var j = i; while j < s.count, isIdent(s[j]) { j += 1 }
                out.append(.ident(String(String.UnicodeScalarView(s[i..<j])))); i = j; continue
            }
            if (c >= "0" && c <= "9") || (c == "-" && i + 1 < s.count && s[i + 1] >= "0" && s[i + 1] <= "9") {
                var j = i + 1; while j < s.count, s[j] >= "0" && s[j] <= "9" { j += 1 }
                out.append(.number(Int(String(String.UnicodeScalarView(s[i..<j]))) ?? 0)); i = j; continue
            }
            switch c {
            case ".": out.append(.dot); i += 1
            case "*": out.append(.star); i += 1
            case "@": out.append(.at); i += 1
            case "]": out.append(.rbracket); i += 1
            case "{": out.append(.lbrace); i += 1
            case "}": out.append(.rbrace); i += 1
            case "(": out.append(.lparen); i += 1
            case ")": out.append(.rparen); i += 1
            case ",": out.append(.comma); i += 1
            case ":": out.append(.colon); i += 1
            case "[":
                if i + 1 < s.count, s[i + 1] == "?" { out.append(.filter); i += 2 }
                else if i + 1 < s.count, s[i + 1] == "]" { out.append(.flatten); i += 2 }
                else { out.append(.lbracket); i += 1 }
            case "|":
                if i + 1 < s.count, s[i + 1] == "|" { out.append(.or); i += 2 } else { out.append(.pipe); i += 1 }
            case "&":
                if i + 1 < s.count, s[i + 1] == "&" { out.append(.and); i += 2 } else { out.append(.amp); i += 1 }
            case "!":
                if i + 1 < s.count, s[i + 1] == "=" { out.append(.cmp("!=")); i += 2 } else { out.append(.not); i += 1 }
            case "=":
                guard i + 1 < s.count, s[i + 1] == "=" else { throw KyvernoEvalError(message: "unexpected `=` in `\(text)`") }
                out.append(.cmp("==")); i += 2
            case "<", ">":
                if i + 1 < s.count, s[i + 1] == "=" { out.append(.cmp(String(c) + "=")); i += 2 } else { out.append(.cmp(String(c))); i += 1 }
            case "\"", "'", "`":
                var j = i + 1
                var buf = String.UnicodeScalarView()
                while j < s.count, s[j] != c {
                    if s[j] == "\\", j + 1 < s.count {
                        if c == "\"" { buf.append(s[j]); buf.append(s[j + 1]) }
                        else if s[j + 1] == c { buf.append(c) }
                        else { buf.append(s[j]); buf.append(s[j + 1]) }
                        j += 2; continue
                    }
                    buf.append(s[j]); j += 1
                }
                guard j < s.count else { throw KyvernoEvalError(message: "unterminated quote in `\(text)`") }
                let body = String(buf)
                if c == "\"" {
                    guard case .string(let v)? = KValue.parseJSON("\"" + body + "\"") else { throw KyvernoEvalError(message: "bad quoted identifier in `\(text)`") }
                    out.append(.quoted(v))
                } else if c == "'" { out.append(.raw(body)) } else { out.append(.literal(body)) }
                i = j + 1
            default:
                throw KyvernoEvalError(message: "unexpected character `\(c)` in JMESPath expression `\(text)`")
            }
        }
        out.append(.eof)
        return out
    }
}

private struct JMESParser {
    var tokens: [Tok]
    var pos = 0
    var nesting = 0
    var peek: Tok { tokens[pos] }
    mutating func next() -> Tok { let t = tokens[pos]; if pos < tokens.count - 1 { pos += 1 }; return t }

    func bp(_ t: Tok) -> Int {
        switch t {
        case .pipe: return 1
        case .or: return 2
        case .and: return 3
        case .cmp: return 5
        case .flatten: return 9
        case .star: return 20
        case .filter: return 21
        case .dot: return 40
        case .not: return 45
        case .lbrace: return 50
        case .lbracket: return 55
        case .lparen: return 60
        default: return 0
        }
    }

    mutating func expect(_ t: Tok) throws {
        guard next() == t else { throw KyvernoEvalError(message: "JMESPath: expected \(t)") }
    }

    mutating func expression(_ rbp: Int) throws -> JMESNode {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= JMESPath.maxNesting else {
            throw KyvernoEvalError(message: "JMESPath expression nested deeper than \(JMESPath.maxNesting)")
        }
        var left = try nud(next())
        while rbp < bp(peek) { left = try led(next(), left) }
        return left
    }

    mutating func nud(_ t: Tok) throws -> JMESNode {
        switch t {
        case .ident(let n), .quoted(let n):
            if case .ident = t, peek == .lparen {
                _ = next()
                var args: [JMESNode] = []
                while peek != .rparen {
                    if peek == .amp { _ = next(); args.append(.exprRef(try expression(0))) } else { args.append(try expression(0)) }
                    if peek == .comma { _ = next() }
                }
                try expect(.rparen)
                return .function(n, args)
            }
            return .field(n)
        case .raw(let s): return .literal(.string(s))
        case .literal(let s):
            if let v = KValue.parseJSON(s) { return .literal(v) }
            return .literal(.string(s.trimmingCharacters(in: .whitespaces)))
        case .at: return .identity
        case .star: return .valueProjection(.identity, try projectionRHS(bp(.star)))
        case .filter: return try filter(.identity)
        case .flatten: return .projection(.flatten(.identity), try projectionRHS(bp(.flatten)))
        case .lbrace: return try multiHash()
        case .lbracket:
            if case .number = peek { return try indexOrSlice(.identity) }
            if peek == .colon { return try indexOrSlice(.identity) }
            if peek == .star, tokens[pos + 1] == .rbracket { _ = next(); _ = next(); return .projection(.identity, try projectionRHS(bp(.star))) }
            return try multiList()
        case .not: return .not(try expression(bp(.not)))
        case .lparen:
            let e = try expression(0); try expect(.rparen); return e
        case .amp: return .exprRef(try expression(0))
        default: throw KyvernoEvalError(message: "JMESPath: unexpected token \(t)")
        }
    }

    mutating func led(_ t: Tok, _ left: JMESNode) throws -> JMESNode {
        switch t {
        case .dot:
            if peek == .star { _ = next(); return .valueProjection(left, try projectionRHS(bp(.star))) }
            return .subexpr(left, try dotRHS(bp(.dot)))
        case .pipe: return .pipe(left, try expression(bp(.pipe)))
        case .or: return .or(left, try expression(bp(.or)))
        case .and: return .and(left, try expression(bp(.and)))
        case .cmp(let op): return .compare(op, left, try expression(bp(t)))
        case .flatten: return .projection(.flatten(left), try projectionRHS(bp(.flatten)))
        case .filter: return try filter(left)
        case .lbracket:
            if case .number = peek { return try indexOrSlice(left) }
            if peek == .colon { return try indexOrSlice(left) }
            if peek == .star { _ = next(); try expect(.rbracket); return .projection(left, try projectionRHS(bp(.star))) }
            throw KyvernoEvalError(message: "JMESPath: bad index expression")
        case .lparen:
            throw KyvernoEvalError(message: "JMESPath: unexpected `(`")
        default: throw KyvernoEvalError(message: "JMESPath: unexpected token \(t)")
        }
    }

    mutating func dotRHS(_ rbp: Int) throws -> JMESNode {
        switch peek {
        case .ident, .quoted: return try expression(rbp)
        case .lbracket: _ = next(); return try multiList()
        case .lbrace: _ = next(); return try multiHash()
        default: throw KyvernoEvalError(message: "JMESPath: bad token after `.`")
        }
    }

    mutating func projectionRHS(_ rbp: Int) throws -> JMESNode {
        if bp(peek) < 10 { return .identity }
        switch peek {
        case .lbracket, .filter: return try expression(rbp)
        case .dot: _ = next(); return try dotRHS(rbp)
        default: throw KyvernoEvalError(message: "JMESPath: bad projection")
        }
    }

    mutating func filter(_ left: JMESNode) throws -> JMESNode {
        let cond = try expression(0)
        try expect(.rbracket)
        let rhs = peek == .flatten ? JMESNode.identity : try projectionRHS(bp(.filter))
        return .filterProjection(left, rhs, cond)
    }

    mutating func indexOrSlice(_ left: JMESNode) throws -> JMESNode {
        var parts: [Int?] = [nil, nil, nil]
        var idx = 0
        while peek != .rbracket {
            if peek == .colon { idx += 1; _ = next(); if idx > 2 { throw KyvernoEvalError(message: "JMESPath: bad slice") }; continue }
            guard case .number(let n) = next() else { throw KyvernoEvalError(message: "JMESPath: bad index") }
            parts[idx] = n
        }
        _ = next()
        if idx == 0, let n = parts[0] { return .indexExpr(left, .index(n)) }
        return .projection(.indexExpr(left, .slice(parts[0], parts[1], parts[2])), try projectionRHS(bp(.star)))
    }

    mutating func multiList() throws -> JMESNode {
        var items: [JMESNode] = []
        while true {
            items.append(try expression(0))
            if peek == .comma { _ = next(); continue }
            try expect(.rbracket); return .multiList(items)
        }
    }

    mutating func multiHash() throws -> JMESNode {
        var pairs: [(String, JMESNode)] = []
        while true {
            let k: String
            switch next() {
            case .ident(let n), .quoted(let n): k = n
            default: throw KyvernoEvalError(message: "JMESPath: bad multiselect hash key")
            }
            try expect(.colon)
            pairs.append((k, try expression(0)))
            if peek == .comma { _ = next(); continue }
            try expect(.rbrace); return .multiHash(pairs)
        }
    }
}

struct JMESInterpreter {
    func eval(_ node: JMESNode, _ v: KValue) throws -> KValue {
        switch node {
        case .identity: return v
        case .field(let n): return v[n] ?? .null
        case .subexpr(let l, let r):
            let left = try eval(l, v)
            return left.isNull ? .null : try eval(r, left)
        case .index(let i):
            guard let a = v.array else { return .null }
            let j = i < 0 ? a.count + i : i
            return j >= 0 && j < a.count ? a[j] : .null
        case .slice(let start, let stop, let step):
            guard let a = v.array else { return .null }
            return .array(slice(a, start, stop, step ?? 1))
        case .indexExpr(let l, let r): return try eval(r, try eval(l, v))
        case .projection(let l, let r):
            guard let a = try eval(l, v).array else { return .null }
            var out: [KValue] = []
            for x in a { let y = try eval(r, x); if !y.isNull { out.append(y) } }
            return .array(out)
        case .valueProjection(let l, let r):
            guard let o = try eval(l, v).object else { return .null }
            var out: [KValue] = []
            for k in o.keys.sorted() { let y = try eval(r, o[k]!); if !y.isNull { out.append(y) } }
            return .array(out)
        case .filterProjection(let l, let r, let c):
            guard let a = try eval(l, v).array else { return .null }
            var out: [KValue] = []
            for x in a where try eval(c, x).truthy { let y = try eval(r, x); if !y.isNull { out.append(y) } }
            return .array(out)
        case .flatten(let l):
            guard let a = try eval(l, v).array else { return .null }
            var out: [KValue] = []
            for x in a { if let inner = x.array { out += inner } else { out.append(x) } }
            return .array(out)
        case .multiList(let items):
            if v.isNull { return .null }
            return .array(try items.map { try eval($0, v) })
        case .multiHash(let pairs):
            if v.isNull { return .null }
            var o: [String: KValue] = [:]
            for (k, e) in pairs { o[k] = try eval(e, v) }
            return .object(o)
        case .or(let l, let r):
            let a = try eval(l, v); return a.truthy ? a : try eval(r, v)
        case .and(let l, let r):
            let a = try eval(l, v); return a.truthy ? try eval(r, v) : a
        case .not(let e): return .bool(!(try eval(e, v)).truthy)
        case .compare(let op, let l, let r):
            let a = try eval(l, v), b = try eval(r, v)
            switch op {
            case "==": return .bool(a == b)
            case "!=": return .bool(a != b)
            default:
                guard case .number(let x) = a, case .number(let y) = b else { return .null }
                switch op {
                case "<": return .bool(x < y)
                case "<=": return .bool(x <= y)
                case ">": return .bool(x > y)
                default: return .bool(x >= y)
                }
            }
        case .pipe(let l, let r): return try eval(r, try eval(l, v))
        case .literal(let x): return x
        case .exprRef: return .null
        case .function(let name, let args):
            return try KyvernoFunctions.call(name, args, v, self)
        }
    }

    private func slice(_ a: [KValue], _ start: Int?, _ stop: Int?, _ step: Int) -> [KValue] {
        guard step != 0 else { return [] }
        let n = a.count
        func adj(_ x: Int?, _ def: Int) -> Int {
            guard var x else { return def }
            if x < 0 { x += n; if x < 0 { x = step < 0 ? -1 : 0 } } else if x >= n { x = step < 0 ? n - 1 : n }
            return x
        }
        var out: [KValue] = []
        // `i + step` may overflow for steps near Int.max/Int.min (`[1::9223372036854775807]`): stop there.
        if step > 0 {
            var i = adj(start, 0); let e = adj(stop, n)
            while i < e {
                out.append(a[i])
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        } else {
            var i = adj(start, n - 1); let e = adj(stop, -1)
            while i > e {
                out.append(a[i])
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        }
        return out
    }
}
