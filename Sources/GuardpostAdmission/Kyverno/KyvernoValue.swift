import Foundation
import GuardpostDocuments

/// A plain JSON value, the form Kyverno works on (resources, patterns after variable substitution,
/// JMESPath results). Positions live on the policy's `Node`s; values lose them.
indirect enum KValue: Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([KValue])
    case object([String: KValue])

    init(_ node: Node) {
        switch node.value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n):
            if let d = Double(n) { self = .number(d) } else { self = .string(n) }
        case .string(let s): self = .string(s)
        case .sequence(let items): self = .array(items.map(KValue.init))
        case .mapping(let entries):
            var d: [String: KValue] = [:]
            for e in entries { d[e.key] = KValue(e.value) }
            self = .object(d)
        }
    }

    subscript(key: String) -> KValue? {
        if case .object(let d) = self { return d[key] }
        return nil
    }

    var object: [String: KValue]? { if case .object(let d) = self { return d }; return nil }
    var array: [KValue]? { if case .array(let a) = self { return a }; return nil }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var isNull: Bool { if case .null = self { return true }; return false }

    /// JMESPath truthiness.
    var truthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .number: return true
        case .string(let s): return !s.isEmpty
        case .array(let a): return !a.isEmpty
        case .object(let o): return !o.isEmpty
        }
    }

    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Text as Kyverno prints a value inside a string: strings raw, the rest as compact JSON.
    var text: String {
        switch self {
        case .string(let s): return s
        default: return json
        }
    }

    var json: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d): return KValue.formatNumber(d)
        case .string(let s): return KValue.quote(s)
        case .array(let a): return "[" + a.map { $0.json }.joined(separator: ",") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { KValue.quote($0) + ":" + o[$0]!.json }.joined(separator: ",") + "}"
        }
    }

    var description: String { json }

    static func formatNumber(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    /// Parses JSON text (JMESPath literals).
    static func parseJSON(_ text: String) -> KValue? {
        var p = MiniJSON(Array(text.unicodeScalars))
        guard let v = p.value() else { return nil }
        p.skipSpace()
        return p.i == p.s.count ? v : nil
    }
}

private struct MiniJSON {
    let s: [Unicode.Scalar]
    var i = 0
    /// Arrays and objects open; deeper than 512 is refused (`value()` recurses once per level).
    var depth = 0
    init(_ s: [Unicode.Scalar]) { self.s = s }
    mutating func skipSpace() { while i < s.count, s[i] == " " || s[i] == "\n" || s[i] == "\t" || s[i] == "\r" { i += 1 } }
    mutating func value() -> KValue? {
        skipSpace()
        guard i < s.count else { return nil }
        let opens = s[i] == "{" || s[i] == "["
        if opens {
            guard depth < 512 else { return nil }
            depth += 1
        }
        defer { if opens { depth -= 1 } }
        switch s[i] {
        case "{":
            i += 1; var d: [String: KValue] = [:]
            skipSpace()
            if i < s.count, s[i] == "}" { i += 1; return .object(d) }
            while true {
                skipSpace()
                guard case .string(let k)? = value() else { return nil }
                skipSpace(); guard i < s.count, s[i] == ":" else { return nil }; i += 1
                guard let v = value() else { return nil }
                d[k] = v; skipSpace()
                guard i < s.count else { return nil }
                if s[i] == "," { i += 1; continue }
                if s[i] == "}" { i += 1; return .object(d) }
                return nil
            }
        case "[":
            i += 1; var a: [KValue] = []
            skipSpace()
            if i < s.count, s[i] == "]" { i += 1; return .array(a) }
            while true {
                guard let v = value() else { return nil }
                a.append(v); skipSpace()
                guard i < s.count else { return nil }
                if s[i] == "," { i += 1; continue }
                if s[i] == "]" { i += 1; return .array(a) }
                return nil
            }
        case "\"":
            i += 1; var out = String.UnicodeScalarView()
            while i < s.count, s[i] != "\"" {
                if s[i] == "\\", i + 1 < s.count {
                    i += 1
                    switch s[i] {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "r": out.append("\r")
                    case "b": out.append("\u{8}")
                    case "f": out.append("\u{c}")
                    case "u":
                        let hex = String(String.UnicodeScalarView(s[min(i + 1, s.count)..<min(i + 5, s.count)]))
                        if let v = UInt32(hex, radix: 16), let u = Unicode.Scalar(v) { out.append(u) }
                        i += 4
                    default: out.append(s[i])
                    }
                } else { out.append(s[i]) }
                i += 1
            }
            guard i < s.count else { return nil }
            i += 1
            return .string(String(out))
        case "t": if match("true") { return .bool(true) }; return nil
        case "f": if match("false") { return .bool(false) }; return nil
        case "n": if match("null") { return .null }; return nil
        default:
            let start = i
            while i < s.count, "+-0123456789.eE".unicodeScalars.contains(s[i]) { i += 1 }
            guard let d = Double(String(String.UnicodeScalarView(s[start..<i]))) else { return nil }
            return .number(d)
        }
    }
    mutating func match(_ word: String) -> Bool {
        let w = Array(word.unicodeScalars)
        guard i + w.count <= s.count, Array(s[i..<i + w.count]) == w else { return false }
        i += w.count; return true
    }
}
