import GuardpostDocuments

/// Rego's view of a parsed value, for the native evaluators: truthiness, equality and `%v` formatting
/// the way OPA's `sprintf` prints values, so that violation messages (and the set semantics of
/// `violation[...]`) come out like the template's own Rego.
enum GatekeeperRego {
    /// A body expression `x` holds when `x` is defined and not `false` (null counts as true).
    static func truthy(_ node: Node?) -> Bool {
        guard let node else { return false }
        if case .bool(false) = node.value { return false }
        return true
    }

    /// `x == true`.
    static func isTrue(_ node: Node?) -> Bool { node?.bool == true }
    /// `x == false`.
    static func isFalse(_ node: Node?) -> Bool { node?.bool == false }

    /// `%v` of a value (top level strings are printed without quotes).
    static func format(_ node: Node?) -> String {
        guard let node else { return "<undefined>" }
        if case .string(let s) = node.value { return s }
        return formatNested(node)
    }

    static func formatNested(_ node: Node) -> String {
        switch node.value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return normalizeNumber(n)
        case .string(let s): return quote(s)
        case .sequence(let items): return "[" + items.map(formatNested).joined(separator: ", ") + "]"
        case .mapping(let entries):
            var seen = Set<String>()
            var pairs: [(String, String)] = []
            for e in entries where !seen.contains(e.key) {
                seen.insert(e.key)
                pairs.append((e.key, formatNested(e.value)))
            }
            pairs.sort { $0.0 < $1.0 }
            return "{" + pairs.map { "\(quote($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
        }
    }

    /// `%v` of a Rego set of strings.
    static func formatSet(_ values: Set<String>) -> String {
        "{" + values.sorted().map(quote).joined(separator: ", ") + "}"
    }

    /// `%v` of an array of strings.
    static func formatArray(_ values: [String]) -> String {
        "[" + values.map(quote).joined(separator: ", ") + "]"
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }

    static func normalizeNumber(_ text: String) -> String {
        if Int(text) != nil { return text }
        if let d = Double(text) {
            if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
            return String(d)
        }
        return text
    }

    /// Structural equality of two values (Rego `==`; numbers compare by value).
    static func equal(_ a: Node?, _ b: Node?) -> Bool {
        guard let a, let b else { return false }
        switch (a.value, b.value) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return Double(x) == Double(y)
        case (.string(let x), .string(let y)): return x == y
        case (.sequence(let x), .sequence(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.mapping, .mapping): return formatNested(a) == formatNested(b)
        default: return false
        }
    }

    /// `x[_]` over an array (or the values of an object).
    static func elements(_ node: Node?) -> [Node] {
        guard let node else { return [] }
        switch node.value {
        case .sequence(let items): return items
        case .mapping(let entries): return entries.map(\.value)
        default: return []
        }
    }

    /// The strings among `x[_]`.
    static func strings(_ node: Node?) -> [String] { elements(node).compactMap(\.string) }

    /// `{k | obj[k]}`: keys whose value is truthy.
    static func truthyKeys(_ node: Node?) -> Set<String> {
        Set((node?.entries ?? []).filter { truthy($0.value) }.map(\.key))
    }

    /// A key usable to deduplicate containers and other objects the way a Rego set does.
    static func identity(_ node: Node) -> String { formatNested(node) }
}

/// What a template's Rego sees as `input`.
struct GatekeeperReviewInput {
    /// `input.review.object`.
    var object: Node
    /// `input.review.kind.kind`.
    var kind: String
    /// `input.review.operation` ("" when reviewing a bare object, as gator does).
    var operation: String
    /// `input.parameters` (an empty mapping when the constraint has none).
    var parameters: Node

    var isUpdate: Bool { operation == "UPDATE" }
    var spec: Node? { object["spec"] }
    var name: Node? { object.at(["metadata", "name"]) }

    /// `input.review.object.spec[field][_]`.
    func containers(_ field: String) -> [Node] { GatekeeperRego.elements(spec?[field]) }

    /// The usual `input_containers` set: containers, initContainers and ephemeralContainers.
    var allContainers: [Node] {
        var seen = Set<String>()
        var out: [Node] = []
        for field in ["containers", "initContainers", "ephemeralContainers"] {
            for c in containers(field) where seen.insert(GatekeeperRego.identity(c)).inserted { out.append(c) }
        }
        return out
    }

    /// `lib.exempt_container.is_exempt`: `exemptImages` entries, exact or with a trailing `*`.
    func isExempt(_ container: Node) -> Bool {
        guard let image = container["image"]?.string else { return false }
        for exemption in GatekeeperRego.strings(parameters["exemptImages"]) {
            if exemption.hasSuffix("*") {
                if image.hasPrefix(String(exemption.dropLast())) { return true }
            } else if exemption == image {
                return true
            }
        }
        return false
    }

    func param(_ key: String) -> Node? { parameters[key] }
}

/// One element of a template's `violation` set.
struct GatekeeperViolation: Hashable {
    var msg: String
    /// `details` formatted, part of the set element's identity.
    var details: String = ""
}
