import GuardpostDocuments

/// Reads Terraform's JSON configuration syntax (`*.tf.json`).
///
/// All `.tf.json` files of one directory form one module: they share variables, locals and links.
/// `${...}` interpolations are evaluated where they name a variable default or a local; a reference to
/// another resource (`${aws_vpc.main.id}`) becomes a link and leaves the value unknown.
public enum TerraformJSONLoader {
    static let topLevelKeys: Set<String> = ["resource", "data", "module", "variable", "locals", "provider", "output", "terraform", "check", "import", "moved", "removed"]

    public static func isConfiguration(_ root: Node) -> Bool {
        guard let entries = root.entries, !entries.isEmpty else { return false }
        return entries.allSatisfy { topLevelKeys.contains($0.key) || $0.key.hasPrefix("//") }
            && entries.contains { ["resource", "data", "module", "variable", "locals", "provider", "output", "terraform"].contains($0.key) }
    }

    /// Blocks that the plan shows as lists of objects; `.tf.json` may write one as a bare object.
    static let blockNames: Set<String> = [
        "vpc_config", "scaling_config", "outpost_config", "control_plane_placement", "compute_config", "remote_network_config",
        "remote_node_networks", "remote_pod_networks", "selector", "ingress", "egress", "additional_configuration",
        "launch_template", "kubernetes_network_config", "access_config", "encryption_config", "upgrade_policy",
        "update_config", "remote_access", "taint", "datasources", "pod_identity_association", "zonal_shift_config", "storage_config",
        "elastic_load_balancing", "block_storage",
    ]

    /// Loads the `.tf.json` documents of one directory.
    public static func load(documents: [(file: SourceFile, root: Node)], directory: String) -> LoadResult {
        var result = LoadResult()
        let scope = "tf:\(directory)"
        var context = InterpolationContext()
        for (_, root) in documents {
            for v in root["variable"]?.entries ?? [] {
                let body = v.value.items?.first ?? v.value
                if let def = body["default"] { context.variables[v.key] = def }
            }
            for block in (root["locals"]?.items ?? (root["locals"].map { [$0] } ?? [])) {
                for l in block.entries ?? [] { context.locals[l.key] = l.value }
            }
            for p in root["provider"]?.entries ?? [] where p.key == "aws" {
                let body = p.value.items?.first ?? p.value
                if let r = body["region"], let s = context.evaluate(r)?.string { context.region = context.region ?? s }
            }
        }
        for (_, root) in documents {
            for (mode, key) in [("managed", "resource"), ("data", "data")] {
                guard let section = root[key] else { continue }
                guard let types = section.entries else {
                    result.diagnostics.append(.unsupported(section, "\"\(key)\" must be an object of resource types", severity: .error))
                    continue
                }
                for typeEntry in types {
                    for nameEntry in typeEntry.value.entries ?? [] {
                        let bodies = nameEntry.value.items ?? [nameEntry.value]
                        for body in bodies {
                            let prefix = mode == "data" ? "data." : ""
                            let address = "\(prefix)\(typeEntry.key).\(nameEntry.key)"
                            var references: [Reference] = []
                            var unknown = Set<String>()
                            context.localBudget = InterpolationContext.localBudgetPerResource
                            let attrs = context.evaluateBody(body, path: [], references: &references, unknown: &unknown, depth: 0)
                            if context.localBudget < 0 {
                                result.diagnostics.append(Diagnostic(kind: .evaluation, severity: .warning, location: body.location,
                                    message: "locals expand more than \(InterpolationContext.localBudgetPerResource) times in \(address); the remaining values are treated as unknown"))
                            }
                            result.resources.append(RawResource(
                                format: .terraformJSON, type: typeEntry.key, address: address, linkKey: address, scope: scope,
                                location: nameEntry.keyLocation, attributes: attrs ?? Node(.mapping([]), location: body.location),
                                configuredPaths: [], unknownPaths: unknown, references: references, action: nil,
                                region: context.region, isDataSource: mode == "data"))
                        }
                    }
                }
            }
        }
        return result
    }
}

/// Evaluates `${...}` in `.tf.json` strings: variable defaults and locals are substituted; references
/// to resources become links.
struct InterpolationContext {
    var variables: [String: Node] = [:]
    var locals: [String: Node] = [:]
    var region: String?
    private var localsInProgress: Set<String> = []
    /// Local expansions left for the resource being evaluated: locals that name other locals several
    /// times would otherwise expand exponentially often. Negative once exhausted.
    var localBudget = localBudgetPerResource
    static let localBudgetPerResource = 10_000

    func evaluate(_ node: Node) -> Node? {
        var refs: [Reference] = []
        var unknown = Set<String>()
        var copy = self
        return copy.evaluateBody(node, path: [], references: &refs, unknown: &unknown, depth: 0)
    }

    mutating func evaluateBody(_ node: Node, path: [PathComponent], references: inout [Reference], unknown: inout Set<String>, depth: Int) -> Node? {
        guard depth < 200 else { unknown.insert(path.dotted); return nil }
        switch node.value {
        case .string(let s) where s.contains("${"):
            return interpolate(s, at: node, path: path, references: &references, unknown: &unknown, depth: depth)
        case .mapping(let entries):
            var out: [Node.Entry] = []
            for e in entries where !e.key.hasPrefix("//") {
                let childPath = path + [.key(e.key)]
                var value = e.value
                // A block written as a bare object: show it as the plan does, a list of one.
                if depth == 0 || path.last.map({ if case .index = $0 { return true } else { return false } }) == true,
                   TerraformJSONLoader.blockNames.contains(e.key), case .mapping = value.value {
                    value = Node(.sequence([value]), location: value.location)
                }
                if let v = evaluateBody(value, path: childPath, references: &references, unknown: &unknown, depth: depth + 1) {
                    out.append(Node.Entry(key: e.key, keyLocation: e.keyLocation, value: v))
                }
            }
            return Node(.mapping(out), location: node.location)
        case .sequence(let items):
            var out: [Node] = []
            for (i, item) in items.enumerated() {
                out.append(evaluateBody(item, path: path + [.index(i)], references: &references, unknown: &unknown, depth: depth + 1)
                           ?? Node(.null, location: item.location))
            }
            return Node(.sequence(out), location: node.location)
        default:
            return node
        }
    }

    private mutating func interpolate(_ s: String, at node: Node, path: [PathComponent], references: inout [Reference], unknown: inout Set<String>, depth: Int) -> Node? {
        var out = ""
        var isUnknown = false
        var rest = Substring(s)
        var single: Node?
        var pieces = 0
        while let open = rest.firstRange(of: "${") {
            let literal = rest[..<open.lowerBound]
            out += literal
            if !literal.isEmpty { pieces += 1 }
            let after = rest[open.upperBound...]
            guard let close = after.firstIndex(of: "}") else { out += rest[open.lowerBound...]; rest = ""; break }
            let expr = after[..<close].trimmingCharacters()
            rest = after[after.index(after: close)...]
            pieces += 1
            let value = resolve(expr, at: node, path: path, references: &references, unknown: &unknown, depth: depth)
            if let value {
                single = value
                if let t = value.scalarText { out += t } else if pieces > 1 { isUnknown = true }
            } else {
                isUnknown = true
            }
        }
        if !rest.isEmpty { pieces += 1 }
        out += rest
        if isUnknown { unknown.insert(path.dotted); return nil }
        if pieces == 1, let single { return single } // "${var.list}" keeps the list
        return Node(.string(out), location: node.location)
    }

    private mutating func resolve(_ expr: String, at node: Node, path: [PathComponent], references: inout [Reference], unknown: inout Set<String>, depth: Int) -> Node? {
        // Only simple traversals are understood; function calls and operators leave the value unknown
        // (their references still count as links).
        let isTraversal = expr.allSatisfy { $0.isLetter || $0.isNumber || "_.-[]\"*".contains($0) }
        let parts = terraformLinkKey(expr).split(separator: ".").map(String.init)
        if isTraversal, parts.count >= 2 {
            switch parts[0] {
            case "var":
                return variables[parts[1]].flatMap { parts.count == 2 ? $0 : nil }
            case "local":
                guard parts.count == 2, let l = locals[parts[1]], !localsInProgress.contains(parts[1]) else { return nil }
                localBudget -= 1
                guard localBudget >= 0 else { return nil }
                localsInProgress.insert(parts[1])
                defer { localsInProgress.remove(parts[1]) }
                var ignored = Set<String>()
                return evaluateBody(l, path: path, references: &references, unknown: &ignored, depth: depth + 1)
            default: break
            }
        }
        // Find every resource-looking traversal in the expression.
        for target in Self.resourceTraversals(in: expr) {
            references.append(Reference(path: path, target: target.0, attribute: target.1, location: node.location))
        }
        return nil
    }

    /// `aws_vpc.main.id` and `data.aws_vpc.x.id` traversals in an expression.
    static func resourceTraversals(in expr: String) -> [(String, String?)] {
        var out: [(String, String?)] = []
        var token = ""
        func flush() {
            let parts = terraformLinkKey(token).split(separator: ".").map(String.init)
            token = ""
            guard parts.count >= 2 else { return }
            let first = parts[0]
            if ["var", "local", "each", "count", "path", "self", "terraform", "module"].contains(first) { return }
            if first == "data" {
                if parts.count >= 3 { out.append(("data.\(parts[1]).\(parts[2])", parts.count > 3 ? parts[3] : nil)) }
                return
            }
            guard first.contains("_"), first.first?.isLetter == true else { return }
            out.append(("\(parts[0]).\(parts[1])", parts.count > 2 ? parts[2] : nil))
        }
        for ch in expr {
            if ch.isLetter || ch.isNumber || ch == "_" || ch == "." || ch == "-" || ch == "[" || ch == "]" || ch == "\"" || ch == "*" { token.append(ch) }
            else { flush() }
        }
        flush()
        return out
    }
}
