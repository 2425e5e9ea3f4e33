import GuardpostDocuments

/// Reads Terraform configurations written in native syntax (`*.tf`), with any `*.tf.json` beside them.
///
/// - All `.tf` and `.tf.json` files of one folder form one module: they share variables, locals and links.
/// - A folder that another scanned folder calls as a local module (`source = "./modules/x"` or
///   `"../.."`) is read as part of its caller, the way Terraform instantiates it: its resources get the
///   call's address prefix (`module.vpc.aws_vpc.this`), its variables take the call's arguments, and
///   `module.vpc.private_subnets` follows the module's output to the resources behind it. Folders that
///   no scanned folder calls are roots; each root's resources share one link scope.
/// - Registry, Git and other remote modules are not read: an info diagnostic says so once per call,
///   and their outputs are unknown.
/// - Attribute values are `Node`s where they are literals or can be folded (variable defaults,
///   locals, templates over them, simple operators, a few pure functions); anything else is unknown
///   (listed in `unknownPaths`), and every resource an expression reads is a `Reference`.
/// - Nested blocks become lists of objects, as the plan shows them (`vpc_config[0].subnet_ids`).
///   `dynamic` blocks are expanded when `for_each` is known, otherwise kept once with the iterator
///   unknown. A resource whose `count` is known to be 0 (or `for_each` known to be empty) is not
///   created and not reported; other `count`/`for_each` resources are read once, without instance keys.
public enum TerraformHCLLoader {
    /// The Terraform files of one folder.
    public struct Directory: Sendable {
        public var path: String
        public var native: [(file: SourceFile, body: HCLBody)]
        public var json: [(file: SourceFile, root: Node)]

        public init(path: String, native: [(file: SourceFile, body: HCLBody)] = [], json: [(file: SourceFile, root: Node)] = []) {
            self.path = path
            self.native = native
            self.json = json
        }
    }

    /// Local module calls nest at most this deep (a module calling itself ends here, with a diagnostic).
    static let maxModuleDepth = 16
    /// Module instances read per root at most (calls that fan out at every level grow exponentially).
    static let maxModuleInstances = 2_000

    public static func load(directories: [Directory], limits: ParseLimits = .default) -> LoadResult {
        var result = LoadResult()
        // Evaluation recurses as deep as expressions nest: give it room, whatever thread this is.
        let run = { () -> LoadResult in loadOnThisThread(directories: directories, limits: limits) }
        if let r = try? HCLLargeStack.run(maxDepth: limits.maxDepth, run) { result = r }
        return result
    }

    static func loadOnThisThread(directories: [Directory], limits: ParseLimits) -> LoadResult {
        var result = LoadResult()
        var declarations: [String: TerraformDeclarations] = [:]
        var order: [String] = []
        var byPath: [String: Directory] = [:]
        for dir in directories {
            let key = normalize(dir.path)
            var d = declarations[key] ?? TerraformDeclarations(directory: dir.path)
            for (file, body) in dir.native { d.add(hcl: body, file: file) }
            for (file, root) in dir.json { d.add(json: root, file: file) }
            if declarations[key] == nil { order.append(key) }
            declarations[key] = d
            byPath[key, default: Directory(path: dir.path)].native += dir.native
            byPath[key, default: Directory(path: dir.path)].json += dir.json
        }
        for key in order { result.diagnostics += declarations[key]!.diagnostics }

        // Roots: folders no other scanned folder calls; then any folder not reachable from them (a cycle).
        var calls: [String: [String]] = [:]
        var called = Set<String>()
        for key in order {
            for call in declarations[key]!.moduleCalls {
                guard let target = localSource(call.source, from: key), target != key, declarations[target] != nil else { continue }
                calls[key, default: []].append(target)
                called.insert(target)
            }
        }
        var roots = order.filter { !called.contains($0) }
        var reached = Set(roots)
        var queue = roots
        while let k = queue.popLast() {
            for t in calls[k] ?? [] where reached.insert(t).inserted { queue.append(t) }
        }
        roots += order.filter { !reached.contains($0) }

        var evaluator = TerraformEvaluator(limits: limits)
        for key in roots {
            let decl = declarations[key]!
            guard decl.hasNativeSyntax else {
                // Only .tf.json here: the JSON loader reads it as before.
                result.append(TerraformJSONLoader.load(documents: byPath[key]!.json, directory: decl.directory))
                continue
            }
            let root = TerraformModuleInstance(declarations: decl, prefix: "", parent: nil, call: nil)
            evaluator.moduleInstances = 0
            build(root, key: key, ancestors: [key], declarations: declarations, evaluator: &evaluator, depth: 0)
            emit(root, scope: "tf:\(decl.directory)", evaluator: &evaluator, into: &result)
        }
        result.diagnostics += evaluator.diagnostics
        return result
    }

    // MARK: Module tree

    /// Sets up provider regions and child instances of `instance`, recursively.
    static func build(_ instance: TerraformModuleInstance, key: String, ancestors: [String],
                      declarations: [String: TerraformDeclarations], evaluator: inout TerraformEvaluator, depth: Int) {
        let decl = instance.declarations
        let scope = TerraformScope(module: instance)
        // Providers: inherited from the caller (through `providers = { aws = aws.x }` when given),
        // then this module's own provider blocks.
        if let parent = instance.parent, let call = instance.call {
            instance.providerRegions = parent.providerRegions.filter { !$0.key.contains(".") }
            if let mapping = call.body.attribute("providers"), case .hcl(let e) = mapping.value, case .object(let items) = e.kind {
                for item in items {
                    let name: String?
                    switch item.key {
                    case .identifier(let n, _): name = n
                    case .expression(let k): name = k.scopeTraversal.map { ([$0.root] + $0.steps.compactMap { if case .attribute(let a, _) = $0 { return a } else { return nil } }).joined(separator: ".") } ?? k.literalString
                    }
                    guard let name, let source = item.value.scopeTraversal else { continue }
                    let sourceName = ([source.root] + source.steps.compactMap { if case .attribute(let a, _) = $0 { return a } else { return nil } }).joined(separator: ".")
                    instance.providerRegions[name] = parent.providerRegions[sourceName]
                }
            }
        }
        for p in decl.providers where p.name == "aws" {
            guard let region = p.body.attribute("region") else { continue }
            var sink = TerraformSink()
            if let r = evaluator.evaluate(region.value, at: [], scope, &sink)?.string {
                instance.providerRegions[p.alias.map { "aws.\($0)" } ?? "aws"] = r
            }
        }
        if instance.providerRegions["aws"] == nil, instance.parent == nil,
           let r = decl.providers.filter({ $0.name == "aws" }).compactMap({ p -> String? in
               var sink = TerraformSink()
               return p.body.attribute("region").flatMap { evaluator.evaluate($0.value, at: [], scope, &sink)?.string }
           }).sorted().first {
            instance.providerRegions["aws"] = r
        }

        for call in decl.moduleCalls {
            let target = localSource(call.source, from: key)
            let shown = call.source.map { "\"\($0)\"" } ?? "(not a literal string)"
            guard let target else {
                report(&evaluator, call, "module \"\(call.name)\": source \(shown) is not a local folder, so guardpost does not read it; its resources are not checked and its outputs (module.\(call.name).*) are unknown. Scan the plan (`terraform show -json`) to see inside it")
                continue
            }
            guard let childDecl = declarations[target] else {
                report(&evaluator, call, "module \"\(call.name)\": the folder \(target) (source \(shown)) is not in the scan; its resources are not checked and its outputs (module.\(call.name).*) are unknown. Scan the folder that contains it too")
                continue
            }
            guard !ancestors.contains(target), depth < maxModuleDepth else {
                report(&evaluator, call, "module \"\(call.name)\": source \(shown) calls a module that is already being read (\(ancestors.count) levels deep); not followed")
                continue
            }
            if isNotCreated(call.body, scope: scope, evaluator: &evaluator) { continue }
            guard evaluator.moduleInstances < maxModuleInstances else {
                report(&evaluator, call, "module \"\(call.name)\": more than \(maxModuleInstances) module instances under one root; not followed")
                continue
            }
            evaluator.moduleInstances += 1
            let child = TerraformModuleInstance(declarations: childDecl, prefix: "\(instance.prefix)module.\(call.name).", parent: instance, call: call)
            instance.children[call.name] = child
            build(child, key: target, ancestors: ancestors + [target], declarations: declarations, evaluator: &evaluator, depth: depth + 1)
        }
    }

    static func report(_ evaluator: inout TerraformEvaluator, _ call: TerraformDeclarations.ModuleCall, _ message: String) {
        guard evaluator.reported.insert("\(call.location)").inserted else { return }
        evaluator.diagnostics.append(Diagnostic(kind: .unsupported, severity: .info, location: call.location, message: message))
    }

    /// `count` known to be 0, or `for_each` known to be empty.
    static func isNotCreated(_ body: TerraformBody, scope: TerraformScope, evaluator: inout TerraformEvaluator) -> Bool {
        var sink = TerraformSink()
        if let count = body.attribute("count"), let n = evaluator.evaluate(count.value, at: [], scope, &sink), n.int == 0 { return true }
        if let forEach = body.attribute("for_each"), let v = evaluator.evaluate(forEach.value, at: [], scope, &sink) {
            if v.items?.isEmpty == true || v.entries?.isEmpty == true { return true }
        }
        return false
    }

    // MARK: Resources

    static func emit(_ instance: TerraformModuleInstance, scope linkScope: String, evaluator: inout TerraformEvaluator, into result: inout LoadResult) {
        for r in instance.declarations.resources {
            var scope = TerraformScope(module: instance)
            if isNotCreated(r.body, scope: scope, evaluator: &evaluator) { continue }
            if let count = r.body.attribute("count") {
                var sink = TerraformSink()
                let n = evaluator.evaluate(count.value, at: [], scope, &sink)
                // With exactly one instance, count.index is 0; otherwise it is unknown.
                scope.bound["count"] = n?.int == 1
                    ? Node(.mapping([Node.Entry(key: "index", keyLocation: count.nameLocation, value: Node(.number("0"), location: count.nameLocation))]),
                           location: count.nameLocation)
                    : .some(nil)
            }
            if r.body.attribute("for_each") != nil { scope.bound["each"] = .some(nil) }
            var sink = TerraformSink()
            let attributes = evaluator.evaluateBody(r.body, at: [], scope, &sink, isResource: true)
            var region = instance.providerRegions["aws"]
            if let p = r.body.attribute("provider"), case .hcl(let e) = p.value, let t = e.scopeTraversal,
               case .attribute(let alias, _)? = t.steps.first, let aliased = instance.providerRegions["\(t.root).\(alias)"] {
                region = aliased
            }
            if let own = attributes["region"]?.string { region = own }
            let address = "\(instance.prefix)\(r.isData ? "data." : "")\(r.type).\(r.name)"
            var seenLinks = Set<String>()
            let links = sink.links.filter { seenLinks.insert("\($0.path.dotted)\u{0}\($0.target)\u{0}\($0.attribute ?? "")").inserted }
            result.resources.append(RawResource(
                format: r.format, type: r.type, address: address, linkKey: address, scope: linkScope,
                location: r.location, attributes: attributes, configuredPaths: [],
                unknownPaths: Set(sink.unknown.map(\.dotted)), references: links, action: nil,
                region: region, isDataSource: r.isData))
        }
        for call in instance.declarations.moduleCalls {
            if let child = instance.children[call.name] { emit(child, scope: linkScope, evaluator: &evaluator, into: &result) }
        }
    }

    // MARK: Paths

    /// The folder a local module source names (`./x`, `../..`), relative to `directory`; nil for
    /// registry, Git, HTTP and other remote sources.
    static func localSource(_ source: String?, from directory: String) -> String? {
        guard let source, source == "." || source == ".." || source.hasPrefix("./") || source.hasPrefix("../") else { return nil }
        return normalize(directory + "/" + source)
    }

    /// Lexical normalisation: `a/b/../c/./` -> `a/c`. Keeps leading `..` of relative paths.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
