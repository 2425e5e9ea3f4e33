import Foundation

/// Kyverno's `{{ ... }}` variables: JMESPath over the request context, innermost first.
struct KyvernoContext {
    var root: [String: KValue]

    func lookup(_ expr: String) throws -> KValue {
        try JMESPath.search(expr, .object(root))
    }

    mutating func set(path: String, _ value: KValue) {
        let parts = path.split(separator: ".").map(String.init)
        root = KyvernoContext.setting(root, parts[...], value)
    }

    private static func setting(_ obj: [String: KValue], _ parts: ArraySlice<String>, _ value: KValue) -> [String: KValue] {
        var obj = obj
        guard let first = parts.first else { return obj }
        if parts.count == 1 { obj[first] = value; return obj }
        obj[first] = .object(setting(obj[first]?.object ?? [:], parts.dropFirst(), value))
        return obj
    }

    /// Substitutes every variable of `text`; a text that is exactly one variable keeps the value's type.
    func substitute(_ text: String) throws -> KValue {
        var s = text
        var guardCount = 0
        while let close = s.range(of: "}}") {
            guardCount += 1
            if guardCount > 64 { throw KyvernoEvalError(message: "too many nested variables in `\(text)`") }
            guard let open = s.range(of: "{{", options: .backwards, range: s.startIndex..<close.lowerBound) else { break }
            var expr = String(s[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespaces)
            // Escaped quotes as YAML flow scalars sometimes keep them.
            expr = expr.replacingOccurrences(of: "\\\"", with: "\"")
            let value = try lookup(expr)
            if open.lowerBound == s.startIndex, close.upperBound == s.endIndex {
                return value
            }
            s.replaceSubrange(open.lowerBound..<close.upperBound, with: value.text)
        }
        return .string(s)
    }

    /// Substitutes variables in every string of a value (pattern, conditions).
    func substituteAll(_ v: KValue) throws -> KValue {
        switch v {
        case .string(let s): return s.contains("{{") ? try substitute(s) : v
        case .array(let a): return .array(try a.map { try substituteAll($0) })
        case .object(let o):
            var out: [String: KValue] = [:]
            for (k, x) in o {
                let key = k.contains("{{") ? try substitute(k).text : k
                out[key] = try substituteAll(x)
            }
            return .object(out)
        default: return v
        }
    }

    /// Evaluates the rule's (or foreach's) `context` entries that can be evaluated offline.
    mutating func load(entries: KValue?, provided: Set<String>) throws {
        for entry in entries?.array ?? [] {
            guard let name = entry["name"]?.string else { continue }
            if provided.contains(name) || provided.contains(where: { $0.hasPrefix(name + ".") }) { continue }
            if let variable = entry["variable"] {
                var value: KValue = .null
                if let v = variable["value"] { value = try substituteAll(v) }
                if let path = variable["jmesPath"]?.string {
                    let p = try substitute(path).text
                    if variable["value"] != nil { value = try JMESPath.search(p, value) } else { value = try lookup(p) }
                }
                if value.isNull, let d = variable["default"] { value = try substituteAll(d) }
                set(path: name, value)
            } else {
                let what = entry["apiCall"] != nil ? "an API call" : entry["configMap"] != nil ? "a ConfigMap lookup"
                    : entry["imageRegistry"] != nil ? "an image registry lookup" : entry["globalReference"] != nil ? "a global context entry" : "an external context entry"
                throw KyvernoEvalError(message: "context entry `\(name)` needs \(what), which is not evaluated offline", unsupported: true)
            }
        }
    }
}
