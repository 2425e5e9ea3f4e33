import GuardpostDocuments

/// An expression of either Terraform syntax: native HCL, or a `.tf.json` value (whose strings are templates).
enum TerraformExpression {
    case hcl(HCLExpression)
    case json(Node)

    var location: Location {
        switch self {
        case .hcl(let e): return e.location
        case .json(let n): return n.location
        }
    }
}

struct TerraformAttribute {
    var name: String
    var nameLocation: Location
    var value: TerraformExpression
}

struct TerraformBlock {
    var type: String
    var typeLocation: Location
    var labels: [String]
    var body: TerraformBody
    var location: Location
}

/// A body of either syntax: attributes and nested blocks, in source order.
struct TerraformBody {
    var attributes: [TerraformAttribute] = []
    var blocks: [TerraformBlock] = []

    func attribute(_ name: String) -> TerraformAttribute? { attributes.first { $0.name == name } }
    func blocks(_ type: String) -> [TerraformBlock] { blocks.filter { $0.type == type } }

    init() {}

    init(_ body: HCLBody) {
        for item in body.items {
            switch item {
            case .attribute(let a):
                attributes.append(TerraformAttribute(name: a.name, nameLocation: a.nameLocation, value: .hcl(a.expression)))
            case .block(let b):
                blocks.append(TerraformBlock(type: b.type, typeLocation: b.typeLocation, labels: b.labels.map(\.value),
                                             body: TerraformBody(b.body), location: b.location))
            }
        }
    }

    /// Blocks that `.tf.json` writes as objects (or arrays of objects) under a block type's name.
    static let jsonBlockNames: Set<String> = TerraformJSONLoader.blockNames.union(["lifecycle", "provisioner", "connection", "content", "precondition", "postcondition"])

    /// A `.tf.json` object as a body: keys that name nested blocks become blocks, `dynamic` becomes
    /// `dynamic "type"` blocks, `//` comments are dropped, everything else is an attribute.
    init(json node: Node, depth: Int = 0) {
        guard depth < 256 else { return }
        for e in node.entries ?? [] where !e.key.hasPrefix("//") {
            if e.key == "dynamic", let types = e.value.entries {
                for t in types {
                    for b in t.value.items ?? [t.value] where b.entries != nil {
                        blocks.append(TerraformBlock(type: "dynamic", typeLocation: e.keyLocation, labels: [t.key],
                                                     body: TerraformBody(json: b, depth: depth + 1), location: b.location))
                    }
                }
                continue
            }
            let objects = e.value.entries != nil ? [e.value] : (e.value.items?.allSatisfy { $0.entries != nil } == true ? e.value.items! : nil)
            if Self.jsonBlockNames.contains(e.key), let objects, !objects.isEmpty {
                for o in objects {
                    blocks.append(TerraformBlock(type: e.key, typeLocation: e.keyLocation, labels: [],
                                                 body: TerraformBody(json: o, depth: depth + 1), location: o.location))
                }
                continue
            }
            attributes.append(TerraformAttribute(name: e.key, nameLocation: e.keyLocation, value: .json(e.value)))
        }
    }
}

/// What the files of one directory (one Terraform module) declare.
struct TerraformDeclarations {
    struct Resource {
        var isData: Bool
        var type: String
        var name: String
        var body: TerraformBody
        var location: Location
        var format: InputFormat
    }

    struct ModuleCall {
        var name: String
        /// The `source` string, when it is a literal (Terraform requires it).
        var source: String?
        var body: TerraformBody
        var location: Location
    }

    struct Variable {
        var defaultValue: TerraformExpression?
        var location: Location
    }

    var directory: String
    var variables: [String: Variable] = [:]
    var locals: [String: TerraformAttribute] = [:]
    var outputs: [String: TerraformExpression] = [:]
    var resources: [Resource] = []
    var moduleCalls: [ModuleCall] = []
    /// `provider "aws"` blocks: alias (nil for the default configuration) and body.
    var providers: [(name: String, alias: String?, body: TerraformBody)] = []
    var diagnostics: [Diagnostic] = []
    var hasNativeSyntax = false
    private var seenAddresses: [String: Location] = [:]

    init(directory: String) { self.directory = directory }

    mutating func add(hcl body: HCLBody, file: SourceFile) {
        hasNativeSyntax = true
        for block in body.blocks {
            let labels = block.labels.map(\.value)
            let inner = TerraformBody(block.body)
            func labelled(_ count: Int, _ what: String) -> Bool {
                guard labels.count == count else {
                    diagnostics.append(Diagnostic(kind: .unsupported, severity: .warning, location: block.typeLocation,
                        message: "a \(block.type) block takes \(count) label\(count == 1 ? "" : "s") (\(what)); this one has \(labels.count) and is ignored"))
                    return false
                }
                return true
            }
            switch block.type {
            case "resource", "data":
                guard labelled(2, "type and name") else { continue }
                addResource(Resource(isData: block.type == "data", type: labels[0], name: labels[1], body: inner,
                                     location: block.typeLocation, format: .terraformHCL))
            case "module":
                guard labelled(1, "name") else { continue }
                moduleCalls.append(ModuleCall(name: labels[0], source: block.body.attribute("source")?.expression.literalString,
                                              body: inner, location: block.typeLocation))
            case "variable":
                guard labelled(1, "name") else { continue }
                variables[labels[0]] = Variable(defaultValue: inner.attribute("default")?.value, location: block.typeLocation)
            case "locals":
                for a in inner.attributes { locals[a.name] = a }
            case "output":
                guard labelled(1, "name") else { continue }
                if let v = inner.attribute("value") { outputs[labels[0]] = v.value }
            case "provider":
                guard labelled(1, "name") else { continue }
                providers.append((labels[0], inner.attribute("alias").flatMap { Self.literal($0.value) }, inner))
            default:
                break // terraform, check, import, moved, removed: nothing to model
            }
        }
    }

    mutating func add(json root: Node, file: SourceFile) {
        for (key, isData) in [("resource", false), ("data", true)] {
            for typeEntry in root[key]?.entries ?? [] {
                for nameEntry in typeEntry.value.entries ?? [] {
                    for body in nameEntry.value.items ?? [nameEntry.value] {
                        addResource(Resource(isData: isData, type: typeEntry.key, name: nameEntry.key, body: TerraformBody(json: body),
                                             location: nameEntry.keyLocation, format: .terraformJSON))
                    }
                }
            }
        }
        for call in root["module"]?.entries ?? [] {
            for body in call.value.items ?? [call.value] {
                moduleCalls.append(ModuleCall(name: call.key, source: body["source"]?.string, body: TerraformBody(json: body), location: call.keyLocation))
            }
        }
        for v in root["variable"]?.entries ?? [] {
            let body = v.value.items?.first ?? v.value
            variables[v.key] = Variable(defaultValue: body.entry("default").map { .json($0.value) }, location: v.keyLocation)
        }
        for block in root["locals"]?.items ?? (root["locals"].map { [$0] } ?? []) {
            for l in block.entries ?? [] where !l.key.hasPrefix("//") {
                locals[l.key] = TerraformAttribute(name: l.key, nameLocation: l.keyLocation, value: .json(l.value))
            }
        }
        for o in root["output"]?.entries ?? [] {
            let body = o.value.items?.first ?? o.value
            if let v = body["value"] { outputs[o.key] = .json(v) }
        }
        for p in root["provider"]?.entries ?? [] {
            for body in p.value.items ?? [p.value] {
                providers.append((p.key, body["alias"]?.string, TerraformBody(json: body)))
            }
        }
    }

    private mutating func addResource(_ r: Resource) {
        let address = "\(r.isData ? "data." : "")\(r.type).\(r.name)"
        if let first = seenAddresses[address] {
            diagnostics.append(Diagnostic(kind: .unsupported, severity: .warning, location: r.location,
                message: "\(address) is declared twice in this module (first at \(first)); Terraform refuses duplicates, guardpost reads both"))
        } else {
            seenAddresses[address] = r.location
        }
        resources.append(r)
    }

    /// A literal string of either syntax (no interpolation).
    static func literal(_ e: TerraformExpression) -> String? {
        switch e {
        case .hcl(let x): return x.literalString
        case .json(let n): return n.string.flatMap { $0.contains("${") ? nil : $0 }
        }
    }
}
