import Foundation

/// `preconditions` and `validate.deny.conditions`.
enum KyvernoConditions {
    /// A conditions block: a list (all must hold) or `{any: [...], all: [...]}`.
    static func evaluate(_ block: KValue?, _ ctx: KyvernoContext) throws -> Bool {
        guard let block else { return true }
        switch block {
        case .array(let list): return try list.allSatisfy { try condition($0, ctx) }
        case .object(let o):
            var anyOK = true, allOK = true
            if let any = o["any"]?.array, !any.isEmpty { anyOK = try any.contains { try condition($0, ctx) } }
            if let all = o["all"]?.array { allOK = try all.allSatisfy { try condition($0, ctx) } }
            return anyOK && allOK
        case .null: return true
        default: throw KyvernoEvalError(message: "invalid conditions block")
        }
    }

    static func condition(_ c: KValue, _ ctx: KyvernoContext) throws -> Bool {
        let key = try ctx.substituteAll(c["key"] ?? .null)
        var value = try ctx.substituteAll(c["value"] ?? .null)
        // A JSON array given as a string (ConfigMap data) is a set.
        if case .string(let text) = value, text.trimmingCharacters(in: .whitespaces).hasPrefix("["),
           let parsed = KValue.parseJSON(text), case .array = parsed { value = parsed }
        guard let op = c["operator"]?.string else { throw KyvernoEvalError(message: "condition without operator") }
        switch op.lowercased() {
        case "equals", "equal": return equals(key, value)
        case "notequals", "notequal": return !equals(key, value)
        case "anyin": return anyIn(key, value)
        case "allin": return allIn(key, value)
        case "anynotin": return anyNotIn(key, value)
        case "allnotin": return !anyIn(key, value)
        case "in":
            if case .array(let k) = key { return k.allSatisfy { contains(value, $0) } }
            return contains(value, key)
        case "notin":
            if case .array(let k) = key { return !k.allSatisfy { contains(value, $0) } }
            return !contains(value, key)
        case "greaterthan", "gt": return order(key, value).map { $0 > 0 } ?? false
        case "greaterthanorequals", "gte": return order(key, value).map { $0 >= 0 } ?? false
        case "lessthan", "lt": return order(key, value).map { $0 < 0 } ?? false
        case "lessthanorequals", "lte": return order(key, value).map { $0 <= 0 } ?? false
        case "durationgreaterthan", "durationgreaterthanorequals", "durationlessthan", "durationlessthanorequals":
            guard let a = duration(key), let b = duration(value) else { return false }
            switch op.lowercased() {
            case "durationgreaterthan": return a > b
            case "durationgreaterthanorequals": return a >= b
            case "durationlessthan": return a < b
            default: return a <= b
            }
        default:
            throw KyvernoEvalError(message: "condition operator `\(op)` is not evaluated offline", unsupported: true)
        }
    }

    static func equals(_ key: KValue, _ value: KValue) -> Bool {
        switch (key, value) {
        case (.string(let k), .string(let v)):
            if Wildcard.match(v, k) { return true }
            if let c = KyvernoPattern.compare(k, v), KyvernoFunctions.parseQuantity(k) != nil || KyvernoFunctions.parseDuration(k) != nil { return c == 0 }
            return false
        case (.number(let k), .string(let v)): return Double(v) == k || KyvernoFunctions.parseQuantity(v) == k
        case (.string(let k), .number(let v)): return Double(k) == v || KyvernoFunctions.parseQuantity(k) == v
        case (.bool(let k), .string(let v)): return (k ? "true" : "false") == v
        case (.string(let k), .bool(let v)): return (v ? "true" : "false") == k
        default: return key == value
        }
    }

    /// Whether `item` is in the set `value` (a list, or a scalar; wildcards and ranges in the set).
    static func contains(_ value: KValue, _ item: KValue) -> Bool {
        switch value {
        case .array(let a): return a.contains { equals(item, $0) || reverseWildcard(item, $0) || inRange(item, $0) }
        case .string(let s):
            if equals(item, value) || inRange(item, value) { return true }
            if case .string(let i) = item { return s.contains(i) && !i.isEmpty && false }
            return false
        default: return equals(item, value)
        }
    }

    /// Set operators also accept a wildcard on the key side (`*` is in any set).
    private static func reverseWildcard(_ item: KValue, _ member: KValue) -> Bool {
        guard case .string(let k) = item, case .string(let m) = member, Wildcard.hasWildcard(k) else { return false }
        return Wildcard.match(k, m)
    }

    private static func inRange(_ item: KValue, _ rangeValue: KValue) -> Bool {
        guard case .string(let r) = rangeValue, r.contains("-"), !Wildcard.hasWildcard(r) else { return false }
        let itemText: String
        switch item { case .number(let d): itemText = KValue.formatNumber(d); case .string(let s): itemText = s; default: return false }
        guard Double(itemText) != nil else { return false }
        return KyvernoPattern.stringCondition(.string(itemText), r)
    }

    private static func elements(_ key: KValue) -> [KValue] {
        if case .array(let a) = key { return a }
        return [key]
    }

    static func anyIn(_ key: KValue, _ value: KValue) -> Bool { elements(key).contains { contains(value, $0) } }
    static func allIn(_ key: KValue, _ value: KValue) -> Bool {
        let e = elements(key)
        return e.allSatisfy { contains(value, $0) }
    }
    static func anyNotIn(_ key: KValue, _ value: KValue) -> Bool { elements(key).contains { !contains(value, $0) } }

    /// Compares numbers, quantities or durations; nil (the condition is false) when they are not comparable.
    static func order(_ key: KValue, _ value: KValue) -> Int? {
        func text(_ v: KValue) -> String? {
            switch v { case .number(let d): return KValue.formatNumber(d); case .string(let s): return s; default: return nil }
        }
        guard let a = text(key), let b = text(value) else { return nil }
        return KyvernoPattern.compare(a, b)
    }

    private static func duration(_ v: KValue) -> Double? {
        switch v {
        case .number(let d): return d
        case .string(let s): return KyvernoFunctions.parseDuration(s)
        default: return nil
        }
    }
}
