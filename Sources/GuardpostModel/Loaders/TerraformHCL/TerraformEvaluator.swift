import GuardpostDocuments

/// One instance of a module: the root of a scan, or a local module called from it (`module.vpc`).
final class TerraformModuleInstance {
    let declarations: TerraformDeclarations
    /// `""` for a root, `module.vpc.` for a child, `module.a.module.b.` deeper.
    let prefix: String
    let parent: TerraformModuleInstance?
    /// The call in the parent that created this instance.
    let call: TerraformDeclarations.ModuleCall?
    /// Child instances by call name (local modules found in the scan only).
    var children: [String: TerraformModuleInstance] = [:]
    /// Region per provider configuration: `aws` (the default) and `aws.<alias>`.
    var providerRegions: [String: String] = [:]

    var locals: [String: TerraformValue] = [:]
    var variables: [String: TerraformValue] = [:]
    var outputs: [String: TerraformValue] = [:]
    var inProgress: Set<String> = []

    init(declarations: TerraformDeclarations, prefix: String, parent: TerraformModuleInstance?, call: TerraformDeclarations.ModuleCall?) {
        self.declarations = declarations
        self.prefix = prefix
        self.parent = parent
        self.call = call
    }
}

/// A value and what it depends on: nil value means unknown (computed after apply, or not evaluable
/// here); links are the resources it reads; unknown paths are the parts of a known collection that
/// are unknown. Paths are relative to where the value is used.
struct TerraformValue {
    var value: Node?
    var links: [Reference] = []
    var unknown: [[PathComponent]] = []
}

/// Collects links and unknown paths while a resource's attributes are evaluated.
struct TerraformSink {
    var links: [Reference] = []
    var unknown: [[PathComponent]] = []

    mutating func merge(_ v: TerraformValue, at path: [PathComponent]) {
        for l in v.links {
            var r = l
            r.path = path + l.path
            links.append(r)
        }
        for u in v.unknown { unknown.append(path + u) }
    }
}

/// Names bound by the surrounding construct: `for` variables, `count`, `each`, a dynamic block's
/// iterator. A bound name with a nil value is unknown.
struct TerraformScope {
    let module: TerraformModuleInstance
    var bound: [String: Node?] = [:]
}

/// Evaluates Terraform expressions as far as the configuration alone allows: literals, variable
/// defaults (or a local module call's arguments), locals, module outputs of local modules, templates
/// over those, simple arithmetic and logic, conditionals whose condition is known, and a few pure
/// functions (`merge`, `concat`, `jsonencode`, `lower`...). Everything else is unknown, and every
/// resource it reads is still recorded as a link.
struct TerraformEvaluator {
    /// Evaluation nests (expressions, locals that use locals, module outputs); past this it gives up (unknown).
    static let maxDepth = 400
    var depth = 0
    var diagnostics: [Diagnostic] = []
    var reported: Set<String> = []
    var moduleInstances = 0
    let limits: ParseLimits

    init(limits: ParseLimits) { self.limits = limits }

    // MARK: Expressions of either syntax

    mutating func evaluate(_ e: TerraformExpression, at path: [PathComponent], _ scope: TerraformScope, _ sink: inout TerraformSink) -> Node? {
        switch e {
        case .hcl(let x): return eval(x, path, scope, &sink)
        case .json(let n): return evalJSON(n, path, scope, &sink)
        }
    }

    /// `.tf.json`: strings are templates, objects and arrays are evaluated member by member.
    mutating func evalJSON(_ n: Node, _ path: [PathComponent], _ scope: TerraformScope, _ sink: inout TerraformSink) -> Node? {
        depth += 1
        defer { depth -= 1 }
        guard depth < Self.maxDepth else { return nil }
        switch n.value {
        case .string(let s) where s.contains("${") || s.contains("%{"):
            guard let template = try? HCLReader.parseTemplate(s, file: n.location.file, limits: limits) else { return n }
            let relocated = HCLExpression(.template(template), location: n.location)
            return eval(relocated, path, scope, &sink).map { Self.relocate($0, to: n.location) }
        case .mapping(let entries):
            var out: [Node.Entry] = []
            for e in entries where !e.key.hasPrefix("//") {
                if let v = evalJSON(e.value, path + [.key(e.key)], scope, &sink) {
                    out.append(Node.Entry(key: e.key, keyLocation: e.keyLocation, value: v))
                } else {
                    sink.unknown.append(path + [.key(e.key)])
                }
            }
            return Node(.mapping(out), location: n.location)
        case .sequence(let items):
            var out: [Node] = []
            for (i, item) in items.enumerated() {
                if let v = evalJSON(item, path + [.index(i)], scope, &sink) { out.append(v) } else {
                    out.append(Node(.null, location: item.location))
                    sink.unknown.append(path + [.index(i)])
                }
            }
            return Node(.sequence(out), location: n.location)
        default:
            return n
        }
    }

    /// Positions inside a `.tf.json` string are relative to the string: point at the string instead.
    static func relocate(_ node: Node, to location: Location) -> Node {
        guard node.location.file == location.file, node.location.start.line == 1 else { return node }
        var n = node
        n.location = location
        return n
    }

    /// Evaluates an operand (function argument, condition, key, interpolation): its links go to
    /// `sink`; a value with unknown parts counts as unknown as a whole.
    mutating func links(_ e: HCLExpression, _ path: [PathComponent], _ scope: TerraformScope, _ sink: inout TerraformSink) -> Node? {
        var scratch = TerraformSink()
        let v = eval(e, path, scope, &scratch)
        sink.links += scratch.links
        return scratch.unknown.isEmpty ? v : nil
    }

    // MARK: Native expressions

    mutating func eval(_ e: HCLExpression, _ path: [PathComponent], _ scope: TerraformScope, _ sink: inout TerraformSink) -> Node? {
        depth += 1
        defer { depth -= 1 }
        guard depth < Self.maxDepth else { return nil }
        switch e.kind {
        case .literal(.null): return Node(.null, location: e.location)
        case .literal(.bool(let b)): return Node(.bool(b), location: e.location)
        case .literal(.number(let s)): return Node(.number(s), location: e.location)
        case .template(let t): return evalTemplate(t, e.location, path, scope, &sink)
        case .variable, .traversal:
            if let t = e.scopeTraversal { return evalTraversal(t, path, scope, &sink) }
            guard case .traversal(let base, let steps) = e.kind else { return nil }
            let v = links(base, path, scope, &sink)
            return apply(ArraySlice(steps), to: v, path, scope, &sink)
        case .parenthesized(let x):
            return eval(x, path, scope, &sink)
        case .functionCall(let call):
            let args = call.arguments.map { links($0, path, scope, &sink) }
            return TerraformFunctions.call(call.name, args, expands: call.expandsFinalArgument, at: e.location)
        case .tuple(let items):
            var out: [Node] = []
            for (i, item) in items.enumerated() {
                if let v = eval(item, path + [.index(i)], scope, &sink) { out.append(v) } else {
                    out.append(Node(.null, location: item.location))
                    sink.unknown.append(path + [.index(i)])
                }
            }
            return Node(.sequence(out), location: e.location)
        case .object(let items):
            var out: [Node.Entry] = []
            var keysKnown = true
            for item in items {
                let key: String?
                switch item.key {
                case .identifier(let name, _): key = name
                case .expression(let k): key = links(k, path, scope, &sink).flatMap { $0.isNull ? nil : $0.scalarText }
                }
                guard let key else {
                    keysKnown = false
                    _ = links(item.value, path, scope, &sink)
                    continue
                }
                if let v = eval(item.value, path + [.key(key)], scope, &sink) {
                    out.append(Node.Entry(key: key, keyLocation: item.key.location, value: v))
                } else {
                    sink.unknown.append(path + [.key(key)])
                }
            }
            return keysKnown ? Node(.mapping(out), location: e.location) : nil
        case .unary(let op, let x):
            let v = eval(x, path, scope, &sink)
            return v.flatMap { TerraformFunctions.unary(op, $0, at: e.location) }
        case .binary(let op, let a, let b):
            let x = links(a, path, scope, &sink)
            let y = links(b, path, scope, &sink)
            guard let x, let y else { return nil }
            return TerraformFunctions.binary(op, x, y, at: e.location)
        case .conditional(let c, let a, let b):
            let condition = links(c, path, scope, &sink)
            if let decided = condition?.bool ?? condition?.string.flatMap({ $0 == "true" ? true : $0 == "false" ? false : nil }) {
                return eval(decided ? a : b, path, scope, &sink)
            }
            _ = links(a, path, scope, &sink)
            _ = links(b, path, scope, &sink)
            return nil
        case .forExpression(let f):
            _ = links(f.collection, path, scope, &sink)
            var inner = scope
            inner.bound[f.valueVariable] = .some(nil)
            if let k = f.keyVariable { inner.bound[k] = .some(nil) }
            if let k = f.keyExpression { _ = links(k, path, inner, &sink) }
            _ = links(f.valueExpression, path, inner, &sink)
            if let c = f.condition { _ = links(c, path, inner, &sink) }
            return nil
        }
    }

    mutating func evalTemplate(_ t: HCLTemplate, _ location: Location, _ path: [PathComponent], _ scope: TerraformScope,
                               _ sink: inout TerraformSink) -> Node? {
        // A template that is a single interpolation is that expression's value, whatever its type.
        if t.parts.count == 1, case .interpolation(let x) = t.parts[0] { return eval(x, path, scope, &sink) }
        var out = ""
        var known = true
        evalParts(t.parts, path, scope, &sink, into: &out, known: &known)
        return known ? Node(.string(out), location: location) : nil
    }

    mutating func evalParts(_ parts: [HCLTemplatePart], _ path: [PathComponent], _ scope: TerraformScope, _ sink: inout TerraformSink,
                            into out: inout String, known: inout Bool) {
        for part in parts {
            switch part {
            case .literal(let s, _):
                out += s
            case .interpolation(let x):
                if let v = links(x, path, scope, &sink), !v.isNull, let s = v.scalarText { out += s } else { known = false }
            case .ifDirective(let c, let a, let b, _):
                let condition = links(c, path, scope, &sink)
                if let decided = condition?.bool {
                    evalParts(decided ? a : (b ?? []), path, scope, &sink, into: &out, known: &known)
                } else {
                    known = false
                    var ignored = ""
                    evalParts(a, path, scope, &sink, into: &ignored, known: &known)
                    if let b { evalParts(b, path, scope, &sink, into: &ignored, known: &known) }
                }
            case .forDirective(let k, let v, let coll, let body, _):
                known = false
                _ = links(coll, path, scope, &sink)
                var inner = scope
                inner.bound[v] = .some(nil)
                if let k { inner.bound[k] = .some(nil) }
                var ignored = ""
                evalParts(body, path, inner, &sink, into: &ignored, known: &known)
            }
        }
    }

    // MARK: Traversals

    mutating func evalTraversal(_ t: HCLScopeTraversal, _ path: [PathComponent], _ scope: TerraformScope, _ sink: inout TerraformSink) -> Node? {
        let steps = ArraySlice(t.steps)
        if let bound = scope.bound[t.root] { return apply(steps, to: bound, path, scope, &sink) }
        let module = scope.module
        func name(_ i: Int) -> String? {
            guard i < t.steps.count, case .attribute(let n, _) = t.steps[i] else { return nil }
            return n
        }
        switch t.root {
        case "var", "local":
            guard let n = name(0) else { return nil }
            let v = t.root == "var" ? variable(n, of: module) : local(n, of: module)
            sink.merge(TerraformValue(value: nil, links: v.links), at: path)
            return apply(steps.dropFirst(), to: v.value, unknown: v.unknown, path, scope, &sink)
        case "module":
            guard let call = name(0) else { return nil }
            var i = 1
            while i < t.steps.count, case .index(let key, _) = t.steps[i] { _ = links(key, path, scope, &sink); i += 1 }
            guard let child = module.children[call] else { return nil }
            guard let output = name(i) else { return nil }
            let v = self.output(output, of: child)
            sink.merge(TerraformValue(value: nil, links: v.links), at: path)
            return apply(steps.dropFirst(i + 1), to: v.value, unknown: v.unknown, path, scope, &sink)
        case "data":
            guard let type = name(0), let resourceName = name(1) else { return nil }
            link("\(module.prefix)data.\(type).\(resourceName)", steps: steps.dropFirst(2), t, path, scope, &sink)
            return nil
        case "count", "each", "path", "terraform", "self":
            return nil
        default:
            guard let resourceName = name(0) else { return nil }
            link("\(module.prefix)\(t.root).\(resourceName)", steps: steps.dropFirst(1), t, path, scope, &sink)
            return nil
        }
    }

    /// A link to a resource; the attribute read is the first name after the instance keys.
    mutating func link(_ target: String, steps: ArraySlice<HCLTraversalStep>, _ t: HCLScopeTraversal, _ path: [PathComponent],
                       _ scope: TerraformScope, _ sink: inout TerraformSink) {
        var attribute: String?
        for step in steps {
            switch step {
            case .attribute(let n, _): if attribute == nil { attribute = n }
            case .index(let key, _): _ = links(key, path, scope, &sink)
            case .splat: break
            }
            if attribute != nil { break }
        }
        sink.links.append(Reference(path: path, target: target, attribute: attribute, location: t.location))
    }

    /// Applies `.name`, `[key]` and splats to a value; unknown in, unknown out (index keys still link).
    /// `unknown` lists the parts of `value` that are unknown (relative paths): reaching one gives
    /// unknown; the ones below the result are recorded at `path`.
    mutating func apply(_ steps: ArraySlice<HCLTraversalStep>, to value: Node?, unknown: [[PathComponent]] = [],
                        _ path: [PathComponent], _ scope: TerraformScope, _ sink: inout TerraformSink) -> Node? {
        var current = value
        var consumed: [PathComponent] = []
        for step in steps {
            switch step {
            case .attribute(let n, _):
                current = current?.entries != nil ? current?[n] : nil
                consumed.append(.key(n))
            case .index(let key, _):
                let k = links(key, path, scope, &sink)
                guard let c = current, let k else { current = nil; continue }
                if let items = c.items, let i = k.int {
                    current = i >= 0 && i < items.count ? items[i] : nil
                    consumed.append(.index(i))
                } else if c.entries != nil, let s = k.scalarText {
                    current = c[s]
                    consumed.append(.key(s))
                } else { current = nil }
            case .splat:
                current = nil
            }
            if current != nil, unknown.contains(consumed) { current = nil }
        }
        if current != nil {
            for u in unknown where u.count > consumed.count && u.starts(with: consumed) {
                sink.unknown.append(path + u.dropFirst(consumed.count))
            }
        }
        return current
    }

    // MARK: Module values (memoized per instance)

    mutating func local(_ name: String, of module: TerraformModuleInstance) -> TerraformValue {
        if let v = module.locals[name] { return v }
        guard let attribute = module.declarations.locals[name], module.inProgress.insert("local.\(name)").inserted else { return TerraformValue() }
        defer { module.inProgress.remove("local.\(name)") }
        var sink = TerraformSink()
        let value = evaluate(attribute.value, at: [], TerraformScope(module: module), &sink)
        let v = TerraformValue(value: value, links: sink.links, unknown: sink.unknown)
        if depth < Self.maxDepth - 1 { module.locals[name] = v }
        return v
    }

    /// A variable: the calling module's argument, else the default, else unknown.
    mutating func variable(_ name: String, of module: TerraformModuleInstance) -> TerraformValue {
        if let v = module.variables[name] { return v }
        guard module.inProgress.insert("var.\(name)").inserted else { return TerraformValue() }
        defer { module.inProgress.remove("var.\(name)") }
        var sink = TerraformSink()
        var value: Node?
        if let call = module.call, let parent = module.parent, let argument = call.body.attribute(name) {
            value = evaluate(argument.value, at: [], TerraformScope(module: parent), &sink)
        } else if let declared = module.declarations.variables[name], let d = declared.defaultValue {
            value = evaluate(d, at: [], TerraformScope(module: module), &sink)
        }
        let v = TerraformValue(value: value, links: sink.links, unknown: sink.unknown)
        if depth < Self.maxDepth - 1 { module.variables[name] = v }
        return v
    }

    mutating func output(_ name: String, of module: TerraformModuleInstance) -> TerraformValue {
        if let v = module.outputs[name] { return v }
        guard let expression = module.declarations.outputs[name], module.inProgress.insert("output.\(name)").inserted else { return TerraformValue() }
        defer { module.inProgress.remove("output.\(name)") }
        var sink = TerraformSink()
        let value = evaluate(expression, at: [], TerraformScope(module: module), &sink)
        let v = TerraformValue(value: value, links: sink.links, unknown: sink.unknown)
        if depth < Self.maxDepth - 1 { module.outputs[name] = v }
        return v
    }

    // MARK: Bodies

    /// Meta-arguments and meta-blocks of a resource: not attributes of the resource.
    static let resourceMetaAttributes: Set<String> = ["count", "for_each", "depends_on", "provider"]
    static let resourceMetaBlocks: Set<String> = ["lifecycle", "provisioner", "connection", "precondition", "postcondition"]

    /// A body as the plan shows it: attributes, and each nested block type as a list of objects.
    /// `dynamic "x"` blocks become `x` entries: one per element when `for_each` is known, otherwise one
    /// built from `content` with the iterator unknown (and the list itself marked unknown).
    mutating func evaluateBody(_ body: TerraformBody, at path: [PathComponent], _ scope: TerraformScope,
                               _ sink: inout TerraformSink, isResource: Bool) -> Node {
        var entries: [Node.Entry] = []
        for a in body.attributes where !(isResource && Self.resourceMetaAttributes.contains(a.name)) {
            let childPath = path + [.key(a.name)]
            if let v = evaluate(a.value, at: childPath, scope, &sink) {
                entries.append(Node.Entry(key: a.name, keyLocation: a.nameLocation, value: v))
            } else {
                sink.unknown.append(childPath)
            }
        }
        var order: [String] = []
        var grouped: [String: (location: Location, items: [Node])] = [:]
        depth += 1
        defer { depth -= 1 }
        for block in body.blocks {
            if isResource && Self.resourceMetaBlocks.contains(block.type) { continue }
            guard depth < Self.maxDepth else { break }
            let type = block.type == "dynamic" ? (block.labels.first ?? "dynamic") : block.type
            if grouped[type] == nil { order.append(type); grouped[type] = (block.typeLocation, []) }
            let index = grouped[type]!.items.count
            if block.type == "dynamic" {
                let iterator = block.body.attribute("iterator").flatMap { TerraformDeclarations.literal($0.value) ?? ($0.value.hclVariableName) } ?? type
                let content = block.body.blocks("content").first?.body ?? TerraformBody()
                var collection: Node?
                if let forEach = block.body.attribute("for_each") {
                    var scratch = TerraformSink()
                    collection = evaluate(forEach.value, at: path + [.key(type)], scope, &scratch)
                    sink.links += scratch.links
                    if !scratch.unknown.isEmpty { collection = nil }
                }
                let elements: [(Node, Node)]? = collection.flatMap(Self.elements)
                if let elements {
                    for (i, (key, value)) in elements.enumerated() {
                        var inner = scope
                        inner.bound[iterator] = Node(.mapping([
                            Node.Entry(key: "key", keyLocation: key.location, value: key),
                            Node.Entry(key: "value", keyLocation: value.location, value: value),
                        ]), location: block.location)
                        let item = evaluateBody(content, at: path + [.key(type), .index(index + i)], inner, &sink, isResource: false)
                        grouped[type]!.items.append(item)
                    }
                } else {
                    var inner = scope
                    inner.bound[iterator] = .some(nil)
                    let item = evaluateBody(content, at: path + [.key(type), .index(index)], inner, &sink, isResource: false)
                    grouped[type]!.items.append(item)
                    sink.unknown.append(path + [.key(type)])
                }
            } else {
                let item = evaluateBody(block.body, at: path + [.key(type), .index(index)], scope, &sink, isResource: false)
                grouped[type]!.items.append(Node(item.value, location: block.location))
            }
        }
        for type in order {
            let g = grouped[type]!
            entries.append(Node.Entry(key: type, keyLocation: g.location, value: Node(.sequence(g.items), location: g.location)))
        }
        return Node(.mapping(entries), location: body.attributes.first?.nameLocation ?? body.blocks.first?.typeLocation
                    ?? scope.module.call?.location ?? Location(file: SourceFile(path: scope.module.declarations.directory), line: 1, column: 1))
    }

    /// The (key, value) pairs a known `for_each` iterates: list elements (key = index), map entries.
    static func elements(_ collection: Node) -> [(Node, Node)]? {
        if let items = collection.items { return items.enumerated().map { (Node(.number(String($0.offset)), location: $0.element.location), $0.element) } }
        if let entries = collection.entries { return entries.map { (Node(.string($0.key), location: $0.keyLocation), $0.value) } }
        return nil
    }
}

extension TerraformExpression {
    /// `iterator = name` is written as a bare name in native syntax.
    var hclVariableName: String? {
        if case .hcl(let e) = self, case .variable(let n) = e.kind { return n }
        return nil
    }
}
