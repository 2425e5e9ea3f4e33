/// The syntax tree of HCL2's native syntax (`.tf` files), as `HCLReader` produces it.
///
/// Structure: a body is a sequence of attributes (`name = expression`) and blocks
/// (`type "label" label { body }`), in source order. Expressions are kept as syntax, not evaluated:
/// a consumer (the Terraform loader) decides what it can fold. Every attribute, block, label,
/// expression and template literal has a `Location` (file, 1-based line and column of its first
/// character, and the position just after its last character).

public struct HCLBody: Sendable {
    public enum Item: Sendable {
        case attribute(HCLAttribute)
        case block(HCLBlock)
    }

    public var items: [Item]
    /// From the first character after `{` (or the start of the file) to the `}` (or the end of the file).
    public var location: Location

    public init(items: [Item], location: Location) {
        self.items = items
        self.location = location
    }

    public var attributes: [HCLAttribute] {
        items.compactMap { if case .attribute(let a) = $0 { return a } else { return nil } }
    }

    public var blocks: [HCLBlock] {
        items.compactMap { if case .block(let b) = $0 { return b } else { return nil } }
    }

    public func attribute(_ name: String) -> HCLAttribute? {
        for case .attribute(let a) in items where a.name == name { return a }
        return nil
    }

    public func blocks(_ type: String) -> [HCLBlock] {
        blocks.filter { $0.type == type }
    }
}

/// `name = expression`.
public struct HCLAttribute: Sendable {
    public var name: String
    public var nameLocation: Location
    public var expression: HCLExpression
    /// From the name to the end of the expression.
    public var location: Location

    public init(name: String, nameLocation: Location, expression: HCLExpression, location: Location) {
        self.name = name
        self.nameLocation = nameLocation
        self.expression = expression
        self.location = location
    }
}

/// `type "label" label { body }`.
public struct HCLBlock: Sendable {
    public var type: String
    public var typeLocation: Location
    public var labels: [HCLLabel]
    public var body: HCLBody
    /// From the type to the closing brace.
    public var location: Location

    public init(type: String, typeLocation: Location, labels: [HCLLabel], body: HCLBody, location: Location) {
        self.type = type
        self.typeLocation = typeLocation
        self.labels = labels
        self.body = body
        self.location = location
    }
}

public struct HCLLabel: Sendable {
    public var value: String
    public var location: Location
    /// Written as a quoted string (`"aws_vpc"`) rather than a bare identifier.
    public var quoted: Bool

    public init(value: String, location: Location, quoted: Bool) {
        self.value = value
        self.location = location
        self.quoted = quoted
    }
}

public enum HCLLiteral: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number with its source text (`1.30` stays `1.30`).
    case number(String)
}

public enum HCLUnaryOperator: String, Sendable {
    case negate = "-"
    case not = "!"
}

public enum HCLBinaryOperator: String, Sendable, CaseIterable {
    case or = "||"
    case and = "&&"
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"

    /// Higher binds tighter (the spec's levels 1 to 6).
    public var precedence: Int {
        switch self {
        case .or: return 1
        case .and: return 2
        case .equal, .notEqual: return 3
        case .less, .lessOrEqual, .greater, .greaterOrEqual: return 4
        case .add, .subtract: return 5
        case .multiply, .divide, .modulo: return 6
        }
    }
}

/// One postfix step after an expression: `.name`, `[key]` (the legacy `.0` is an index too), `.*` or `[*]`.
public enum HCLTraversalStep: Sendable {
    case attribute(String, Location)
    case index(HCLExpression, Location)
    /// `[*]` (full) or `.*` (attribute-only). The steps after it apply to every element.
    case splat(full: Bool, Location)

    public var location: Location {
        switch self {
        case .attribute(_, let l), .index(_, let l), .splat(_, let l): return l
        }
    }
}

public struct HCLFunctionCall: Sendable {
    /// `length`, or a namespaced name such as `provider::aws::arn_parse`.
    public var name: String
    public var nameLocation: Location
    public var arguments: [HCLExpression]
    /// The last argument is followed by `...` (its elements are the remaining arguments).
    public var expandsFinalArgument: Bool

    public init(name: String, nameLocation: Location, arguments: [HCLExpression], expandsFinalArgument: Bool) {
        self.name = name
        self.nameLocation = nameLocation
        self.arguments = arguments
        self.expandsFinalArgument = expandsFinalArgument
    }
}

public struct HCLObjectItem: Sendable {
    public enum Key: Sendable {
        /// A bare identifier: the literal name (`{ Name = "x" }`).
        case identifier(String, Location)
        /// Anything else: a quoted string, a parenthesised expression (`{ (var.k) = 1 }`).
        case expression(HCLExpression)

        public var location: Location {
            switch self {
            case .identifier(_, let l): return l
            case .expression(let e): return e.location
            }
        }
    }

    public var key: Key
    public var value: HCLExpression

    public init(key: Key, value: HCLExpression) {
        self.key = key
        self.value = value
    }
}

/// `[for k, v in coll : value if cond]` or `{for k, v in coll : key => value... if cond}`.
public struct HCLForExpression: Sendable {
    public var keyVariable: String?
    public var valueVariable: String
    public var collection: HCLExpression
    /// The key expression of an object `for` (nil for a tuple `for`).
    public var keyExpression: HCLExpression?
    public var valueExpression: HCLExpression
    /// `...` after the value: values are grouped by key.
    public var grouping: Bool
    public var condition: HCLExpression?

    public var producesObject: Bool { keyExpression != nil }

    public init(keyVariable: String?, valueVariable: String, collection: HCLExpression, keyExpression: HCLExpression?,
                valueExpression: HCLExpression, grouping: Bool, condition: HCLExpression?) {
        self.keyVariable = keyVariable
        self.valueVariable = valueVariable
        self.collection = collection
        self.keyExpression = keyExpression
        self.valueExpression = valueExpression
        self.grouping = grouping
        self.condition = condition
    }
}

/// A quoted string, a heredoc, or a standalone template (a `.tf.json` string).
public struct HCLTemplate: Sendable {
    public var parts: [HCLTemplatePart]
    /// The source text between the delimiters, as written (escapes not decoded).
    public var text: String
    public var isHeredoc: Bool

    public init(parts: [HCLTemplatePart], text: String, isHeredoc: Bool) {
        self.parts = parts
        self.text = text
        self.isHeredoc = isHeredoc
    }

    /// The string when the template is only literal text (no interpolation or directive).
    public var literalValue: String? {
        var out = ""
        for part in parts {
            guard case .literal(let s, _) = part else { return nil }
            out += s
        }
        return out
    }
}

public indirect enum HCLTemplatePart: Sendable {
    /// Literal text with escapes decoded, strip markers and `<<-` indentation applied.
    case literal(String, Location)
    /// `${ expression }`.
    case interpolation(HCLExpression)
    /// `%{ if cond }...%{ else }...%{ endif }`.
    case ifDirective(condition: HCLExpression, then: [HCLTemplatePart], else: [HCLTemplatePart]?, location: Location)
    /// `%{ for k, v in coll }...%{ endfor }`.
    case forDirective(keyVariable: String?, valueVariable: String, collection: HCLExpression, body: [HCLTemplatePart], location: Location)
}

public struct HCLExpression: Sendable {
    public indirect enum Kind: Sendable {
        case literal(HCLLiteral)
        case template(HCLTemplate)
        /// A name from the evaluation scope: `var`, `local`, `aws_vpc`, `each`...
        case variable(String)
        /// Postfix steps after an expression: `aws_vpc.main.id`, `f(x)[0]`, `aws_subnet.private[*].id`.
        case traversal(HCLExpression, [HCLTraversalStep])
        case functionCall(HCLFunctionCall)
        case tuple([HCLExpression])
        case object([HCLObjectItem])
        case unary(HCLUnaryOperator, HCLExpression)
        case binary(HCLBinaryOperator, HCLExpression, HCLExpression)
        case conditional(HCLExpression, HCLExpression, HCLExpression)
        case forExpression(HCLForExpression)
        case parenthesized(HCLExpression)
    }

    public var kind: Kind
    public var location: Location

    public init(_ kind: Kind, location: Location) {
        self.kind = kind
        self.location = location
    }
}

/// A traversal from a scope name: `aws_subnet.private[0].id` is root `aws_subnet` and steps
/// `.private`, `[0]`, `.id`.
public struct HCLScopeTraversal: Sendable {
    public var root: String
    public var steps: [HCLTraversalStep]
    public var location: Location
}

extension HCLExpression {
    /// `name.attr[0]...` when the expression is a variable with postfix steps (splats included).
    public var scopeTraversal: HCLScopeTraversal? {
        switch kind {
        case .variable(let name): return HCLScopeTraversal(root: name, steps: [], location: location)
        case .traversal(let base, let steps):
            if case .variable(let name) = base.kind { return HCLScopeTraversal(root: name, steps: steps, location: location) }
            return nil
        default: return nil
        }
    }

    /// The string of a template that is only literal text (`"abc"`, a heredoc without interpolation).
    public var literalString: String? {
        if case .template(let t) = kind { return t.literalValue }
        return nil
    }

    /// Every traversal from a scope name in the expression (`var.x`, `aws_vpc.main.id`, `local.y`),
    /// in source order. Names bound by enclosing `for` expressions and template `for` directives
    /// are not scope traversals and are left out. Runs in depth proportional to the expression's
    /// nesting, which the parser limits.
    public var scopeTraversals: [HCLScopeTraversal] {
        var out: [HCLScopeTraversal] = []
        HCLExpression.collect(self, bound: [], into: &out)
        return out
    }

    private static func collect(_ e: HCLExpression, bound: Set<String>, into out: inout [HCLScopeTraversal]) {
        switch e.kind {
        case .literal: break
        case .variable(let name):
            if !bound.contains(name) { out.append(HCLScopeTraversal(root: name, steps: [], location: e.location)) }
        case .traversal(let base, let steps):
            if case .variable(let name) = base.kind {
                if !bound.contains(name) { out.append(HCLScopeTraversal(root: name, steps: steps, location: e.location)) }
            } else {
                collect(base, bound: bound, into: &out)
            }
            for step in steps { if case .index(let key, _) = step { collect(key, bound: bound, into: &out) } }
        case .template(let t): collectParts(t.parts, bound: bound, into: &out)
        case .functionCall(let call): for a in call.arguments { collect(a, bound: bound, into: &out) }
        case .tuple(let items): for i in items { collect(i, bound: bound, into: &out) }
        case .object(let items):
            for item in items {
                if case .expression(let k) = item.key { collect(k, bound: bound, into: &out) }
                collect(item.value, bound: bound, into: &out)
            }
        case .unary(_, let x), .parenthesized(let x): collect(x, bound: bound, into: &out)
        case .binary(_, let a, let b):
            collect(a, bound: bound, into: &out)
            collect(b, bound: bound, into: &out)
        case .conditional(let c, let a, let b):
            collect(c, bound: bound, into: &out)
            collect(a, bound: bound, into: &out)
            collect(b, bound: bound, into: &out)
        case .forExpression(let f):
            collect(f.collection, bound: bound, into: &out)
            var inner = bound
            inner.insert(f.valueVariable)
            if let k = f.keyVariable { inner.insert(k) }
            if let k = f.keyExpression { collect(k, bound: inner, into: &out) }
            collect(f.valueExpression, bound: inner, into: &out)
            if let c = f.condition { collect(c, bound: inner, into: &out) }
        }
    }

    private static func collectParts(_ parts: [HCLTemplatePart], bound: Set<String>, into out: inout [HCLScopeTraversal]) {
        for part in parts {
            switch part {
            case .literal: break
            case .interpolation(let x): collect(x, bound: bound, into: &out)
            case .ifDirective(let c, let a, let b, _):
                collect(c, bound: bound, into: &out)
                collectParts(a, bound: bound, into: &out)
                if let b { collectParts(b, bound: bound, into: &out) }
            case .forDirective(let k, let v, let coll, let body, _):
                collect(coll, bound: bound, into: &out)
                var inner = bound
                inner.insert(v)
                if let k { inner.insert(k) }
                collectParts(body, bound: inner, into: &out)
            }
        }
    }
}

extension HCLExpression: CustomStringConvertible {
    /// A normalised rendering that shows the structure: binary operations and conditionals in
    /// parentheses, templates in quotes with `${...}`. For messages and tests; not the source text.
    public var description: String {
        switch kind {
        case .literal(.null): return "null"
        case .literal(.bool(let b)): return b ? "true" : "false"
        case .literal(.number(let s)): return s
        case .template(let t): return "\"" + HCLExpression.render(t.parts) + "\""
        case .variable(let name): return name
        case .traversal(let base, let steps):
            var out = base.description
            for step in steps {
                switch step {
                case .attribute(let name, _): out += "." + name
                case .index(let key, _): out += "[" + key.description + "]"
                case .splat(let full, _): out += full ? "[*]" : ".*"
                }
            }
            return out
        case .functionCall(let call):
            return call.name + "(" + call.arguments.map(\.description).joined(separator: ", ") + (call.expandsFinalArgument ? "...)" : ")")
        case .tuple(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .object(let items):
            return "{" + items.map { item -> String in
                let key: String
                switch item.key {
                case .identifier(let name, _): key = name
                case .expression(let e): key = e.description
                }
                return key + " = " + item.value.description
            }.joined(separator: ", ") + "}"
        case .unary(let op, let x): return op.rawValue + x.description
        case .binary(let op, let a, let b): return "(" + a.description + " " + op.rawValue + " " + b.description + ")"
        case .conditional(let c, let a, let b): return "(" + c.description + " ? " + a.description + " : " + b.description + ")"
        case .forExpression(let f):
            let names = (f.keyVariable.map { $0 + ", " } ?? "") + f.valueVariable
            let body = (f.keyExpression.map { $0.description + " => " } ?? "") + f.valueExpression.description + (f.grouping ? "..." : "")
            let cond = f.condition.map { " if " + $0.description } ?? ""
            let inner = "for " + names + " in " + f.collection.description + " : " + body + cond
            return f.producesObject ? "{" + inner + "}" : "[" + inner + "]"
        case .parenthesized(let x): return "(" + x.description + ")"
        }
    }

    static func render(_ parts: [HCLTemplatePart]) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s, _):
                for ch in s.unicodeScalars {
                    switch ch {
                    case "\n": out += "\\n"
                    case "\"": out += "\\\""
                    case "\\": out += "\\\\"
                    default: out.unicodeScalars.append(ch)
                    }
                }
            case .interpolation(let e): out += "${" + e.description + "}"
            case .ifDirective(let c, let a, let b, _):
                out += "%{if " + c.description + "}" + render(a) + (b.map { "%{else}" + render($0) } ?? "") + "%{endif}"
            case .forDirective(let k, let v, let coll, let body, _):
                out += "%{for " + (k.map { $0 + ", " } ?? "") + v + " in " + coll.description + "}" + render(body) + "%{endfor}"
            }
        }
        return out
    }
}
