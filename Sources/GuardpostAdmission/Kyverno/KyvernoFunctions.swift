import Foundation

/// JMESPath built-in functions and the Kyverno extensions the shipped policies use.
enum KyvernoFunctions {
    static func call(_ name: String, _ argNodes: [JMESNode], _ current: KValue, _ interp: JMESInterpreter) throws -> KValue {
        // Functions taking an expression reference.
        if name == "sort_by" || name == "max_by" || name == "min_by" || name == "map" {
            guard argNodes.count == 2 else { throw KyvernoEvalError(message: "\(name) takes 2 arguments") }
            let exprNode: JMESNode, arrNode: JMESNode
            if name == "map" { exprNode = argNodes[0]; arrNode = argNodes[1] } else { exprNode = argNodes[1]; arrNode = argNodes[0] }
            guard case .exprRef(let e) = exprNode else { throw KyvernoEvalError(message: "\(name) needs an expression reference") }
            guard let arr = try interp.eval(arrNode, current).array else { return .null }
            let keyed = try arr.map { ($0, try interp.eval(e, $0)) }
            switch name {
            case "map": return .array(keyed.map { $0.1 })
            case "sort_by": return .array(keyed.sorted { lessThan($0.1, $1.1) }.map { $0.0 })
            case "max_by": return keyed.max { lessThan($0.1, $1.1) }?.0 ?? .null
            default: return keyed.min { lessThan($0.1, $1.1) }?.0 ?? .null
            }
        }
        let args = try argNodes.map { try interp.eval($0, current) }
        func arg(_ i: Int) throws -> KValue {
            guard i < args.count else { throw KyvernoEvalError(message: "function \(name) expects more arguments") }
            return args[i]
        }
        func str(_ i: Int) throws -> String {
            let a = try arg(i)
            if case .string(let s) = a { return s }
            throw KyvernoEvalError(message: "function \(name): argument \(i + 1) must be a string, got \(a.typeName)")
        }
        func num(_ i: Int) throws -> Double {
            let a = try arg(i)
            if case .number(let d) = a { return d }
            if case .string(let s) = a, let d = Double(s) { return d }
            throw KyvernoEvalError(message: "function \(name): argument \(i + 1) must be a number")
        }
        switch name {
        case "length":
            switch try arg(0) {
            case .string(let s): return .number(Double(s.count))
            case .array(let a): return .number(Double(a.count))
            case .object(let o): return .number(Double(o.count))
            default: throw KyvernoEvalError(message: "length: invalid type \(try arg(0).typeName)")
            }
        case "keys":
            guard let o = try arg(0).object else { throw KyvernoEvalError(message: "keys: expects an object") }
            return .array(o.keys.sorted().map { .string($0) })
        case "values":
            guard let o = try arg(0).object else { throw KyvernoEvalError(message: "values: expects an object") }
            return .array(o.keys.sorted().map { o[$0]! })
        case "contains":
            let subject = try arg(0), search = try arg(1)
            switch subject {
            case .array(let a): return .bool(a.contains(search))
            case .string(let s):
                guard case .string(let t) = search else { return .bool(false) }
                return .bool(t.isEmpty || s.contains(t))
            default: throw KyvernoEvalError(message: "contains: invalid type \(subject.typeName)")
            }
        case "starts_with": return .bool(try str(0).hasPrefix(try str(1)))
        case "ends_with": return .bool(try str(0).hasSuffix(try str(1)))
        case "to_string":
            let a = try arg(0); if case .string = a { return a }; return .string(a.json)
        case "to_number":
            switch try arg(0) {
            case .number(let d): return .number(d)
            case .string(let s): return Double(s).map { .number($0) } ?? .null
            default: return .null
            }
        case "to_array":
            let a = try arg(0); if case .array = a { return a }; return .array([a])
        case "to_upper": return .string(try str(0).uppercased())
        case "to_lower": return .string(try str(0).lowercased())
        case "trim": return .string(try str(0).trimmingCharacters(in: CharacterSet(charactersIn: try str(1))))
        case "split":
            return .array(try str(0).components(separatedBy: try str(1)).map { .string($0) })
        case "join":
            guard let a = try arg(1).array else { throw KyvernoEvalError(message: "join: expects an array") }
            return .string(a.map { $0.text }.joined(separator: try str(0)))
        case "replace_all":
            return .string(try str(0).replacingOccurrences(of: try str(1), with: try str(2)))
        case "replace":
            let n = try count(try num(3), name)
            let s = try str(0), old = try str(1), new = try str(2)
            if n < 0 { return .string(s.replacingOccurrences(of: old, with: new)) }
            // Go's strings.Replace: the first n non-overlapping matches, left to right; the replacement
            // text is not searched again (so `n` is bounded by the subject, whatever its value).
            var out = "", rest = Substring(s), done = 0
            while done < n, !old.isEmpty, let r = rest.range(of: old) {
                out += rest[..<r.lowerBound]
                out += new
                rest = rest[r.upperBound...]
                done += 1
            }
            return .string(out + rest)
        case "truncate":
            let s = try str(0); let n = try count(try num(1), name); return .string(String(s.prefix(max(0, n))))
        case "equal_fold": return .bool(try str(0).lowercased() == (try str(1)).lowercased())
        case "sort":
            guard let a = try arg(0).array else { throw KyvernoEvalError(message: "sort: expects an array") }
            return .array(a.sorted(by: lessThan))
        case "reverse":
            switch try arg(0) {
            case .array(let a): return .array(a.reversed())
            case .string(let s): return .string(String(s.reversed()))
            default: throw KyvernoEvalError(message: "reverse: invalid type")
            }
        case "max", "min":
            guard let a = try arg(0).array, !a.isEmpty else { return .null }
            let sorted = a.sorted(by: lessThan)
            return name == "max" ? sorted.last! : sorted.first!
        case "sum":
            guard let a = try arg(0).array else { return .null }
            return .number(a.reduce(0.0) { if case .number(let d) = $1 { return $0 + d }; return $0 })
        case "avg":
            guard let a = try arg(0).array, !a.isEmpty else { return .null }
            return .number(a.reduce(0.0) { if case .number(let d) = $1 { return $0 + d }; return $0 } / Double(a.count))
        case "abs": return .number(abs(try num(0)))
        case "ceil": return .number((try num(0)).rounded(.up))
        case "floor": return .number((try num(0)).rounded(.down))
        case "type": return .string(try arg(0).typeName)
        case "not_null": return args.first { !$0.isNull } ?? .null
        case "merge":
            var out: [String: KValue] = [:]
            for a in args { for (k, v) in a.object ?? [:] { out[k] = v } }
            return .object(out)
        case "regex_match":
            let pattern = try str(0)
            let subject: String
            switch try arg(1) { case .string(let s): subject = s; case .number(let d): subject = KValue.formatNumber(d); default: subject = try arg(1).text }
            return .bool(try regexMatches(pattern, subject))
        case "regex_replace_all", "regex_replace_all_literal":
            let re = try regex(try str(0))
            let subject = try arg(1).text
            var repl = try arg(2).text
            if name == "regex_replace_all" {
                // Go's $1 / ${1} syntax to NSRegularExpression's $1.
                repl = repl.replacingOccurrences(of: "${", with: "$").replacingOccurrences(of: "}", with: "")
            } else { repl = NSRegularExpression.escapedTemplate(for: repl) }
            let r = NSRange(subject.startIndex..., in: subject)
            return .string(re.stringByReplacingMatches(in: subject, range: r, withTemplate: repl))
        case "label_match":
            guard let sel = try arg(0).object, let labels = try arg(1).object else { return .bool(false) }
            return .bool(sel.allSatisfy { labels[$0.key] == $0.value })
        case "divide", "multiply", "add", "subtract", "modulo":
            let a = try quantity(try arg(0)), b = try quantity(try arg(1))
            switch name {
            case "divide":
                guard b != 0 else { throw KyvernoEvalError(message: "divide by zero") }
                return .number(a / b)
            case "multiply": return .number(a * b)
            case "add": return .number(a + b)
            case "subtract": return .number(a - b)
            default:
                guard b != 0 else { throw KyvernoEvalError(message: "modulo by zero") }
                return .number(a.truncatingRemainder(dividingBy: b))
            }
        case "time_since":
            // time_since(layout, start, end): `end` empty means now. Only RFC 3339 layouts are read.
            let layout = try str(0)
            guard layout.isEmpty || layout.contains("2006-01-02T15:04:05") else {
                throw KyvernoEvalError(message: "time_since with layout `\(layout)` is not evaluated offline", unsupported: true)
            }
            guard let start = parseTime(try str(1)) else { throw KyvernoEvalError(message: "time_since: cannot parse `\(try str(1))`") }
            let endText = try str(2)
            guard let end = endText.isEmpty ? Date() : parseTime(endText) else { throw KyvernoEvalError(message: "time_since: cannot parse `\(endText)`") }
            return .string(goDuration(end.timeIntervalSince(start)))
        case "parse_json":
            guard let v = KValue.parseJSON(try str(0)) else { throw KyvernoEvalError(message: "parse_json: invalid JSON") }
            return v
        case "base64_decode":
            guard let d = Data(base64Encoded: try str(0)), let s = String(data: d, encoding: .utf8) else { throw KyvernoEvalError(message: "base64_decode: invalid input") }
            return .string(s)
        case "base64_encode":
            return .string(Data((try str(0)).utf8).base64EncodedString())
        default:
            throw KyvernoEvalError(message: "the JMESPath function `\(name)` is not evaluated offline", unsupported: true)
        }
    }

    /// A count argument as an Int: NaN is an error, values beyond Int's range saturate (a plain `Int(d)`
    /// traps on `1e300`).
    static func count(_ d: Double, _ function: String) throws -> Int {
        guard !d.isNaN else { throw KyvernoEvalError(message: "function \(function): NaN is not a count") }
        if d >= 9.2e18 { return Int.max }
        if d <= -9.2e18 { return Int.min }
        return Int(d)
    }

    static func parseTime(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s)
    }

    /// Go's `time.Duration.String()` form, to whole seconds: `37986h15m12s`.
    static func goDuration(_ seconds: Double) -> String {
        var total = Int(seconds.rounded(.towardZero))
        let sign = total < 0 ? "-" : ""
        total = abs(total)
        let h = total / 3600, m = (total % 3600) / 60, s = total % 60
        if h > 0 { return "\(sign)\(h)h\(m)m\(s)s" }
        if m > 0 { return "\(sign)\(m)m\(s)s" }
        return "\(sign)\(s)s"
    }

    static func lessThan(_ a: KValue, _ b: KValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        case (.string(let x), .string(let y)): return x < y
        default: return a.json < b.json
        }
    }

    static func regex(_ pattern: String) throws -> NSRegularExpression {
        do { return try NSRegularExpression(pattern: pattern) } catch {
            throw KyvernoEvalError(message: "invalid regular expression `\(pattern)`")
        }
    }

    static func regexMatches(_ pattern: String, _ s: String) throws -> Bool {
        let re = try regex(pattern)
        return re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    /// A number, or a Kubernetes quantity (`100Mi`, `500m`, `1.5G`) as a number.
    static func quantity(_ v: KValue) throws -> Double {
        switch v {
        case .number(let d): return d
        case .string(let s):
            if let q = parseQuantity(s) { return q }
            throw KyvernoEvalError(message: "`\(s)` is not a number or a quantity")
        default: throw KyvernoEvalError(message: "\(v.typeName) is not a number or a quantity")
        }
    }

    static func parseQuantity(_ raw: String) -> Double? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return nil }
        if let d = Double(s) { return d }
        let suffixes: [(String, Double)] = [
            ("Ki", 1024), ("Mi", 1024 * 1024), ("Gi", pow(1024, 3)), ("Ti", pow(1024, 4)), ("Pi", pow(1024, 5)), ("Ei", pow(1024, 6)),
            ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("K", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15), ("E", 1e18),
        ]
        for (suf, mult) in suffixes where s.hasSuffix(suf) {
            if let d = Double(s.dropLast(suf.count)) { return d * mult }
        }
        return nil
    }

    /// A Go duration (`1h30m`, `300s`, `1.5h`) in seconds.
    static func parseDuration(_ s: String) -> Double? {
        var rest = Substring(s), total = 0.0
        if rest == "0" { return 0 }
        var sign = 1.0
        if rest.hasPrefix("-") { sign = -1; rest = rest.dropFirst() }
        if rest.isEmpty { return nil }
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("h", 3600), ("m", 60), ("s", 1)]
        while !rest.isEmpty {
            let numEnd = rest.firstIndex { !("0123456789.".contains($0)) } ?? rest.endIndex
            guard let n = Double(rest[..<numEnd]) else { return nil }
            rest = rest[numEnd...]
            guard let (u, m) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            total += n * m
            rest = rest.dropFirst(u.count)
        }
        return sign * total
    }
}
