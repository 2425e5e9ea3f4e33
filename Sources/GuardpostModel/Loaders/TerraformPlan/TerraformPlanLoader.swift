import GuardpostDocuments

/// Reads `terraform show -json` plan output.
///
/// Resources and their values come from `planned_values` (nested `child_modules` included). Links come
/// from `configuration`: in a plan the ids of resources to be created are unknown, so a cluster's
/// `subnet_ids` are linked through the expressions' `references`, followed through module calls
/// (`var.x` to the caller's argument, `module.m.out` to the module's output).
public enum TerraformPlanLoader {
    public static func isPlan(_ root: Node) -> Bool {
        root["planned_values"] != nil || (root["format_version"] != nil && root["resource_changes"] != nil)
    }

    /// A state file (`terraform show -json` of state) has `values` and no `planned_values`.
    public static func isState(_ root: Node) -> Bool {
        root["planned_values"] == nil && root["values"] != nil && root["format_version"] != nil
    }

    public static func load(_ root: Node, file: SourceFile) -> LoadResult {
        var result = LoadResult()
        let scope = "plan:\(file.path)"
        guard let planned = root["planned_values"] else {
            result.diagnostics.append(.unsupported(root, "Terraform JSON without planned_values: this looks like a state file (`terraform show -json` without a plan); run `terraform plan -out=tfplan && terraform show -json tfplan` and scan that", severity: .error))
            return result
        }
        let config = ConfigurationIndex(root["configuration"])
        let region = config.providerRegion
        let changes = ResourceChanges(root["resource_changes"])

        var plannedAddresses = Set<String>()
        var stack: [Node] = []
        if let rootModule = planned["root_module"] { stack.append(rootModule) }
        var modulesSeen = 0
        while let module = stack.popLast() {
            modulesSeen += 1
            if modulesSeen > 100_000 { break }
            for resource in module["resources"]?.items ?? [] {
                guard let address = resource["address"]?.string, let type = resource["type"]?.string else {
                    result.diagnostics.append(.unsupported(resource, "planned resource without address or type"))
                    continue
                }
                plannedAddresses.insert(address)
                let raw = makeResource(address: address, type: type, mode: resource["mode"]?.string,
                                       values: resource["values"] ?? Node(.mapping([]), location: resource.location),
                                       location: resource.location, scope: scope, config: config, changes: changes, region: region)
                result.resources.append(raw)
            }
            for child in (module["child_modules"]?.items ?? []).reversed() { stack.append(child) }
        }
        // Resources the plan deletes are absent from planned_values; keep them (with their prior values)
        // for rules about what a change removes.
        for (address, change) in changes.byAddress where !plannedAddresses.contains(address) {
            guard change.action == .delete, let type = change.type else { continue }
            var raw = makeResource(address: address, type: type, mode: change.mode,
                                   values: change.before ?? Node(.mapping([]), location: change.location),
                                   location: change.location, scope: scope, config: config, changes: changes, region: region)
            raw.action = .delete
            result.resources.append(raw)
        }
        result.resources.sort { $0.address < $1.address }
        return result
    }

    static func makeResource(address: String, type: String, mode: String?, values: Node, location: Location,
                             scope: String, config: ConfigurationIndex, changes: ResourceChanges, region: String?) -> RawResource {
        let linkKey = terraformLinkKey(address)
        var configured = Set<String>()
        var references: [Reference] = []
        let change = changes.byAddress[address]
        var unknown = change?.unknownPaths ?? []
        if let cfg = config.resources[linkKey] {
            config.walkExpressions(cfg.expressions, path: [], module: cfg.module, configured: &configured, references: &references)
            // With the configuration at hand, an attribute it does not set is not "unknown": the provider's
            // (or AWS's) default applies at creation, even when the plan lists it in after_unknown.
            unknown = unknown.filter { path in configured.contains { path == $0 || path.hasPrefix($0 + ".") || $0.hasPrefix(path + ".") } }
        }
        var raw = RawResource(format: .terraformPlan, type: type, address: address, linkKey: linkKey, scope: scope,
                              location: location, attributes: values, configuredPaths: configured,
                              unknownPaths: unknown, references: references,
                              action: change?.action, region: region,
                              isDataSource: mode == "data")
        if let before = change?.before, !before.isNull { raw.before = before }
        return raw
    }
}

/// `resource_changes`, indexed by address.
struct ResourceChanges {
    struct Change {
        var action: ChangeAction?
        var unknownPaths: Set<String>
        var before: Node?
        var type: String?
        var mode: String?
        var location: Location
    }
    var byAddress: [String: Change] = [:]

    init(_ node: Node?) {
        for item in node?.items ?? [] {
            guard let address = item["address"]?.string else { continue }
            let actions = item.at(["change", "actions"])?.items?.compactMap(\.string) ?? []
            let action: ChangeAction?
            if actions.contains("delete") && actions.contains("create") { action = .replace }
            else if let first = actions.first { action = ChangeAction(rawValue: first) }
            else { action = nil }
            var unknown = Set<String>()
            if let au = item.at(["change", "after_unknown"]) { Self.flatten(au, prefix: [], into: &unknown) }
            byAddress[address] = Change(action: action, unknownPaths: unknown, before: item.at(["change", "before"]),
                                        type: item["type"]?.string, mode: item["mode"]?.string, location: item.location)
        }
    }

    static func flatten(_ node: Node, prefix: [PathComponent], into out: inout Set<String>) {
        switch node.value {
        case .bool(true): out.insert(prefix.dotted)
        case .mapping(let entries): for e in entries { flatten(e.value, prefix: prefix + [.key(e.key)], into: &out) }
        case .sequence(let items): for (i, item) in items.enumerated() { flatten(item, prefix: prefix + [.index(i)], into: &out) }
        default: break
        }
    }
}

/// The `configuration` section, indexed for reference resolution.
struct ConfigurationIndex {
    struct ResourceConfig {
        var expressions: Node
        /// Module path of the resource (`["vpc"]` for `module.vpc.aws_vpc.this`).
        var module: [String]
    }
    struct ModuleConfig {
        var node: Node
        /// The call's argument expressions, in the parent module.
        var callExpressions: Node?
    }

    var resources: [String: ResourceConfig] = [:]
    var modules: [[String]: ModuleConfig] = [:]
    var providerRegion: String?
    var moduleRegions: [String: String] = [:]

    init(_ configuration: Node?) {
        guard let configuration else { return }
        if let providers = configuration["provider_config"]?.entries {
            for p in providers where p.value["name"]?.string == "aws" || p.key == "aws" {
                if let r = p.value.at(["expressions", "region", "constant_value"])?.string {
                    if p.key == "aws" { providerRegion = r } else { moduleRegions[p.key] = r }
                }
            }
            if providerRegion == nil, let r = moduleRegions.values.sorted().first { providerRegion = r }
        }
        if let root = configuration["root_module"] { index(module: root, path: [], call: nil, depth: 0) }
    }

    mutating func index(module: Node, path: [String], call: Node?, depth: Int) {
        guard depth < 64 else { return }
        modules[path] = ModuleConfig(node: module, callExpressions: call)
        let prefix = path.map { "module.\($0)." }.joined()
        for r in module["resources"]?.items ?? [] {
            guard let address = r["address"]?.string else { continue }
            resources[prefix + address] = ResourceConfig(expressions: r["expressions"] ?? Node(.mapping([]), location: r.location), module: path)
        }
        for call in module["module_calls"]?.entries ?? [] {
            if let child = call.value["module"] {
                index(module: child, path: path + [call.key], call: call.value["expressions"], depth: depth + 1)
            }
        }
    }

    /// Walks an `expressions` tree: leaves are `{constant_value}` or `{references}`; blocks are arrays of objects.
    func walkExpressions(_ node: Node, path: [PathComponent], module: [String],
                         configured: inout Set<String>, references: inout [Reference]) {
        var path = path
        walk(node, &path, module: module, configured: &configured, references: &references)
    }

    /// `walkExpressions` with one path array extended and shortened in place (not a new array per step).
    private func walk(_ node: Node, _ path: inout [PathComponent], module: [String],
                      configured: inout Set<String>, references: inout [Reference]) {
        switch node.value {
        case .mapping(let entries):
            let isLeaf = !entries.isEmpty && entries.allSatisfy { $0.key == "constant_value" || $0.key == "references" }
            if isLeaf {
                configured.insert(path.dotted)
                if let refs = node["references"]?.items {
                    var seen = Set<String>()
                    for ref in refs {
                        guard let text = ref.string else { continue }
                        for (target, attribute) in resolveCached(text, module: module) where seen.insert(target).inserted {
                            references.append(Reference(path: path, target: target, attribute: attribute, location: ref.location))
                        }
                    }
                }
            } else {
                for e in entries {
                    path.append(.key(e.key))
                    walk(e.value, &path, module: module, configured: &configured, references: &references)
                    path.removeLast()
                }
            }
        case .sequence(let items):
            if !path.isEmpty { configured.insert(path.dotted) }
            for (i, item) in items.enumerated() {
                path.append(.index(i))
                walk(item, &path, module: module, configured: &configured, references: &references)
                path.removeLast()
            }
        default: break
        }
    }

    /// Results of `resolve(_:module:depth: 0)`, which depend only on the text and the module: the same
    /// references (`var.vpc_id`, `aws_vpc.this[0].id`) recur in every resource of a module.
    final class ResolveCache {
        struct Key: Hashable {
            var module: [String]
            var text: String
        }
        var results: [Key: [(String, String?)]] = [:]
    }
    let resolveCache = ResolveCache()

    func resolveCached(_ text: String, module: [String]) -> [(String, String?)] {
        let key = ResolveCache.Key(module: module, text: text)
        if let r = resolveCache.results[key] { return r }
        let r = resolve(text, module: module, depth: 0)
        resolveCache.results[key] = r
        return r
    }

    /// Resolves one reference string to resource link keys (with the attribute read).
    func resolve(_ text: String, module: [String], depth: Int) -> [(String, String?)] {
        var expanded = Set<String>()
        return resolve(text, module: module, depth: depth, expanded: &expanded)
    }

    /// `expanded` holds the (module, reference) pairs already followed in this resolution: results are a
    /// union, so following one twice adds nothing. Without it, module outputs and call arguments that
    /// refer to each other (a module "calling itself") would be followed exponentially often.
    private func resolve(_ text: String, module: [String], depth: Int, expanded: inout Set<String>) -> [(String, String?)] {
        guard depth < 32 else { return [] }
        let parts = splitReference(text)
        guard let first = parts.first else { return [] }
        let prefix = module.map { "module.\($0)." }.joined()
        switch first {
        case "var":
            guard parts.count >= 2, !module.isEmpty, let call = modules[module]?.callExpressions,
                  let arg = call[parts[1]] else { return [] }
            guard expanded.insert(prefix + "var." + parts[1]).inserted else { return [] }
            return resolveExpression(arg, module: Array(module.dropLast()), depth: depth + 1, expanded: &expanded)
        case "module":
            guard parts.count >= 3 else { return [] }
            let child = module + [parts[1]]
            guard let output = modules[child]?.node.at(["outputs", .key(parts[2]), "expression"]) else { return [] }
            guard expanded.insert(prefix + "module.\(parts[1]).\(parts[2])").inserted else { return [] }
            return resolveExpression(output, module: child, depth: depth + 1, expanded: &expanded)
        case "local", "each", "count", "path", "terraform", "self":
            return []
        case "data":
            guard parts.count >= 3 else { return [] }
            return [(prefix + "data.\(parts[1]).\(parts[2])", parts.count > 3 ? parts[3] : nil)]
        default:
            guard parts.count >= 2 else { return [] }
            return [(prefix + "\(parts[0]).\(parts[1])", parts.count > 2 ? parts[2] : nil)]
        }
    }

    func resolveExpression(_ expr: Node, module: [String], depth: Int) -> [(String, String?)] {
        var expanded = Set<String>()
        return resolveExpression(expr, module: module, depth: depth, expanded: &expanded)
    }

    private func resolveExpression(_ expr: Node, module: [String], depth: Int, expanded: inout Set<String>) -> [(String, String?)] {
        var out: [(String, String?)] = []
        var seen = Set<String>()
        func visit(_ n: Node, _ expanded: inout Set<String>) {
            if let refs = n["references"]?.items {
                for r in refs {
                    guard let t = r.string else { continue }
                    for pair in resolve(t, module: module, depth: depth, expanded: &expanded) where seen.insert(pair.0).inserted { out.append(pair) }
                }
            } else if let entries = n.entries {
                for e in entries { visit(e.value, &expanded) }
            } else if let items = n.items {
                for i in items { visit(i, &expanded) }
            }
        }
        visit(expr, &expanded)
        return out
    }

    /// `module.vpc.private_subnets[0]` -> ["module", "vpc", "private_subnets"]; index parts dropped.
    func splitReference(_ text: String) -> [String] {
        terraformLinkKey(text).split(separator: ".").map(String.init)
    }
}
