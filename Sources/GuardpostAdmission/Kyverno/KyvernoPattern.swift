import Foundation

/// Kyverno's validate pattern language: wildcards, `|` alternatives, `&` conjunctions, comparison
/// operators, `!` negation, ranges, and the anchors `=()` `X()` `^()` `<()` `()` `+()`.
enum KyvernoPattern {
    enum Result: Equatable {
        case pass
        /// The resource does not satisfy the pattern at `path` (Kyverno's path form, `/spec/containers/0/image/`).
        case fail(path: String, reason: String)
        /// A conditional anchor did not match: the element (or, for a global anchor, the rule) is skipped.
        case skip(path: String, reason: String, global: Bool)
    }

    static func validate(_ resource: KValue, _ pattern: KValue) -> Result {
        element(resource, pattern, "/")
    }

    // MARK: Anchors

    enum Anchor { case none, condition, global, equality, negation, existence, add }

    static func anchor(of key: String) -> (Anchor, String) {
        func inner(_ prefix: String) -> String? {
            guard key.hasPrefix(prefix), key.hasSuffix(")"), key.count >= prefix.count + 1 else { return nil }
            return String(key.dropFirst(prefix.count).dropLast())
        }
        if let k = inner("=(") { return (.equality, k) }
        if let k = inner("X(") { return (.negation, k) }
        if let k = inner("^(") { return (.existence, k) }
        if let k = inner("<(") { return (.global, k) }
        if let k = inner("+(") { return (.add, k) }
        if let k = inner("(") { return (.condition, k) }
        return (.none, key)
    }

    // MARK: Tree walk

    static func element(_ resource: KValue?, _ pattern: KValue, _ path: String) -> Result {
        switch pattern {
        case .object(let p):
            guard case .object(let r)? = resource else {
                return .fail(path: path, reason: "expected a map at \(path), found \(resource?.typeName ?? "nothing")")
            }
            return map(r, p, path)
        case .array(let p):
            guard case .array(let r)? = resource else {
                return .fail(path: path, reason: "expected an array at \(path), found \(resource?.typeName ?? "nothing")")
            }
            return array(r, p, path)
        default:
            // A scalar pattern over an array applies to each element.
            if case .array(let items)? = resource {
                for (i, item) in items.enumerated() where !scalar(item, pattern) {
                    return .fail(path: path + "\(i)/", reason: "value \(item.text) does not match \(pattern.text)")
                }
                return .pass
            }
            if scalar(resource ?? .null, pattern) { return .pass }
            return .fail(path: path, reason: "value \(resource?.text ?? "null") does not match \(pattern.text)")
        }
    }

    static func map(_ resource: [String: KValue], _ pattern: [String: KValue], _ path: String) -> Result {
        let pattern = expandWildcardKeys(pattern, resource, path)
        // Conditions first (conditional and global anchors, and existence anchors), then the rest.
        func rank(_ k: String) -> Int {
            switch anchor(of: k).0 {
            case .condition, .global, .existence: return 0
            default: return containsConditional(pattern[k]!) ? 2 : 1
            }
        }
        let keys = pattern.keys.sorted { (rank($0), $0) < (rank($1), $1) }
        var pendingSkip: Result? = nil
        for key in keys {
            let pv = pattern[key]!
            let (kind, name) = anchor(of: key)
            let current = path + name + "/"
            switch kind {
            case .condition, .global:
                guard let rv = resource[name] else {
                    return .skip(path: current, reason: "conditional anchor key \(name) doesn't exist in the resource", global: kind == .global)
                }
                switch element(rv, pv, current) {
                case .pass: continue
                case .fail(let p, let r), .skip(let p, let r, false): return .skip(path: p, reason: r, global: kind == .global)
                case .skip(let p, let r, true): return .skip(path: p, reason: r, global: true)
                }
            case .negation:
                if resource[name] != nil { return .fail(path: current, reason: "\(name) is not allowed") }
            case .equality, .add:
                guard let rv = resource[name] else { continue }
                let r = element(rv, pv, current)
                if case .pass = r { continue }
                if case .skip(_, _, false) = r { pendingSkip = pendingSkip ?? r; continue }
                return r
            case .existence:
                guard let rv = resource[name] else {
                    return .fail(path: current, reason: "existence anchor \(name) not found in the resource")
                }
                guard case .array(let items) = rv, case .array(let pItems) = pv, let first = pItems.first else {
                    let r = element(rv, pv, current)
                    if case .pass = r { continue }
                    return r
                }
                if !items.contains(where: { element($0, first, current) == .pass }) {
                    return .fail(path: current, reason: "existence anchor \(name): no element matches")
                }
            case .none:
                if case .string(let s) = pv, s == "*" {
                    if resource[name] == nil || resource[name]! == .null { return .fail(path: path, reason: "\(path)\(name) not found") }
                    continue
                }
                let r = element(resource[name], pv, current)
                switch r {
                case .pass: continue
                case .skip(_, _, false): pendingSkip = pendingSkip ?? r; continue
                default: return r
                }
            }
        }
        return pendingSkip ?? .pass
    }

    static func containsConditional(_ v: KValue) -> Bool {
        switch v {
        case .object(let o): return o.contains { let a = anchor(of: $0.key).0; return a == .condition || a == .global || containsConditional($0.value) }
        case .array(let a): return a.contains(where: containsConditional)
        default: return false
        }
    }

    static func array(_ resource: [KValue], _ pattern: [KValue], _ path: String) -> Result {
        guard let first = pattern.first else { return .fail(path: path, reason: "pattern array is empty") }
        if case .object = first {
            var applied = 0
            var skips: [Result] = []
            for (i, r) in resource.enumerated() {
                let res = element(r, first, path + "\(i)/")
                switch res {
                case .pass: applied += 1
                case .skip(_, _, false): skips.append(res)
                default: return res
                }
            }
            if applied == 0, let s = skips.first { return s }
            return .pass
        }
        guard resource.count >= pattern.count else {
            return .fail(path: path, reason: "array length mismatch: resource has \(resource.count), pattern \(pattern.count)")
        }
        for (i, p) in pattern.enumerated() {
            let res = element(resource[i], p, path + "\(i)/")
            if case .pass = res { continue }
            return res
        }
        return .pass
    }

    /// Label and annotation keys with wildcards in a pattern stand for every matching key of the resource.
    static func expandWildcardKeys(_ pattern: [String: KValue], _ resource: [String: KValue], _ path: String) -> [String: KValue] {
        guard path.hasSuffix("/labels/") || path.hasSuffix("/annotations/") else { return pattern }
        var out: [String: KValue] = [:]
        for (key, v) in pattern {
            let (kind, name) = anchor(of: key)
            guard name.contains("*") || name.contains("?") else { out[key] = v; continue }
            let matches = resource.keys.filter { Wildcard.match(name, $0) }
            if matches.isEmpty { out[key] = v; continue }
            for m in matches {
                let k: String
                switch kind {
                case .none: k = m
                case .equality: k = "=(\(m))"
                case .negation: k = "X(\(m))"
                case .condition: k = "(\(m))"
                case .global: k = "<(\(m))"
                case .existence: k = "^(\(m))"
                case .add: k = "+(\(m))"
                }
                out[k] = v
            }
        }
        return out
    }

    // MARK: Scalars

    static func scalar(_ value: KValue, _ pattern: KValue) -> Bool {
        switch pattern {
        case .null:
            switch value {
            case .null: return true
            case .string(let s): return s.isEmpty
            case .number(let d): return d == 0
            case .bool(let b): return !b
            default: return false
            }
        case .bool(let b):
            if case .bool(let v) = value { return v == b }
            return false
        case .number(let d):
            switch value {
            case .number(let v): return v == d
            case .string(let s): return Double(s) == d
            default: return false
            }
        case .string(let s):
            return s.components(separatedBy: "|").contains { alt in
                alt.trimmingCharacters(in: .whitespaces).components(separatedBy: "&").allSatisfy {
                    stringCondition(value, $0.trimmingCharacters(in: .whitespaces))
                }
            }
        default:
            return false
        }
    }

    static func stringCondition(_ value: KValue, _ cond: String) -> Bool {
        var op = "", operand = Substring(cond)
        for candidate in [">=", "<=", "!", ">", "<"] where cond.hasPrefix(candidate) {
            op = candidate; operand = cond.dropFirst(candidate.count); break
        }
        let rhs = String(operand).trimmingCharacters(in: .whitespaces)
        if op.isEmpty, let (lo, hi, negated) = range(rhs) {
            guard let v = comparable(value) else { return false }
            let inside = compare(v, lo).map { $0 >= 0 } == true && compare(v, hi).map { $0 <= 0 } == true
            return negated ? !inside : inside
        }
        switch op {
        case "", "!":
            let matches: Bool
            switch value {
            case .string(let s): matches = Wildcard.match(rhs, s)
            case .number(let d): matches = Wildcard.match(rhs, KValue.formatNumber(d)) || (Double(rhs) == d)
            case .bool(let b): matches = Wildcard.match(rhs, b ? "true" : "false")
            case .null: matches = rhs == "null" || (rhs.isEmpty) || (rhs.allSatisfy { $0 == "*" } && !rhs.isEmpty && false)
            default: matches = false
            }
            return op == "!" ? !matches : matches
        default:
            guard let v = comparable(value), let c = compare(v, rhs) else { return false }
            switch op {
            case ">=": return c >= 0
            case "<=": return c <= 0
            case ">": return c > 0
            default: return c < 0
            }
        }
    }

    private static func comparable(_ v: KValue) -> String? {
        switch v {
        case .number(let d): return KValue.formatNumber(d)
        case .string(let s): return s
        default: return nil
        }
    }

    /// Compares two texts as numbers, quantities or durations; nil when they are not comparable.
    static func compare(_ a: String, _ b: String) -> Int? {
        if let x = Double(a), let y = Double(b) { return x < y ? -1 : (x > y ? 1 : 0) }
        if let x = KyvernoFunctions.parseQuantity(a), let y = KyvernoFunctions.parseQuantity(b) { return x < y ? -1 : (x > y ? 1 : 0) }
        if let x = KyvernoFunctions.parseDuration(a), let y = KyvernoFunctions.parseDuration(b) { return x < y ? -1 : (x > y ? 1 : 0) }
        return nil
    }

    private static func range(_ s: String) -> (String, String, Bool)? {
        let parts: [String], negated: Bool
        if let r = s.range(of: "!-", options: [], range: s.index(s.startIndex, offsetBy: min(1, s.count))..<s.endIndex) {
            parts = [String(s[..<r.lowerBound]), String(s[r.upperBound...])]; negated = true
        } else if s.count > 1, let r = s.range(of: "-", options: [], range: s.index(after: s.startIndex)..<s.endIndex) {
            parts = [String(s[..<r.lowerBound]), String(s[r.upperBound...])]; negated = false
        } else { return nil }
        guard compare(parts[0], parts[0]) != nil, compare(parts[1], parts[1]) != nil else { return nil }
        return (parts[0], parts[1], negated)
    }
}

/// Kyverno's wildcards: `*` any run of characters, `?` one character.
enum Wildcard {
    static func match(_ pattern: String, _ s: String) -> Bool {
        if !pattern.contains("*") && !pattern.contains("?") { return pattern == s }
        let p = Array(pattern.unicodeScalars), t = Array(s.unicodeScalars)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] { pi += 1; ti += 1 }
            else if pi < p.count, p[pi] == "*" { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    static func hasWildcard(_ s: String) -> Bool { s.contains("*") || s.contains("?") }
}
