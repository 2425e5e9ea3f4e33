import GuardpostDocuments

/// Reads CloudFormation templates (JSON, or YAML with short-form tags such as `!Ref`).
///
/// Each resource's `Properties` are evaluated: parameters with defaults, pseudo parameters,
/// `Fn::If` on decidable conditions, `Fn::Join`, `Fn::Select`, `Fn::Sub`, `Fn::FindInMap`;
/// `Ref` / `Fn::GetAtt` / `Fn::Sub` of another resource become links (their values are unknown).
public enum CloudFormationLoader {
    public static func isTemplate(_ root: Node) -> Bool {
        if root["AWSTemplateFormatVersion"] != nil { return true }
        guard let resources = root["Resources"]?.entries, !resources.isEmpty else { return false }
        return resources.contains { e in
            guard let t = e.value["Type"]?.string else { return false }
            return t.hasPrefix("AWS::") || t.hasPrefix("Custom::") || t.hasPrefix("Alexa::")
        }
    }

    public static func load(_ root: Node, file: SourceFile, region: String? = nil) -> LoadResult {
        var result = LoadResult()
        let scope = "cfn:\(file.path)"
        guard let resources = root["Resources"] else {
            result.diagnostics.append(.unsupported(root, "CloudFormation template without Resources", severity: .error))
            return result
        }
        guard let entries = resources.entries else {
            result.diagnostics.append(.unsupported(resources, "Resources must be a mapping of logical ids to resources", severity: .error))
            return result
        }
        var evaluator = IntrinsicEvaluator(template: root, region: region)
        for entry in entries {
            let body = entry.value
            if entry.key.hasPrefix("Fn::ForEach::") {
                result.diagnostics.append(Diagnostic(kind: .unsupported, severity: .warning, location: entry.keyLocation,
                    message: "\(entry.key): Fn::ForEach (AWS::LanguageExtensions transform) is not expanded; the resources it generates are not checked"))
                continue
            }
            guard let type = body["Type"]?.string else {
                result.diagnostics.append(.unsupported(body, "resource \(entry.key) has no Type", severity: .error))
                continue
            }
            var references: [Reference] = []
            var unknown = Set<String>()
            var attributes = Node(.mapping([]), location: body.location)
            if let condition = body["Condition"]?.string, evaluator.condition(named: condition) == false {
                continue // the resource is not created under the template's defaults
            }
            if let props = body["Properties"] {
                attributes = evaluator.evaluate(props, path: [], references: &references, unknown: &unknown) ?? attributes
            }
            result.resources.append(RawResource(
                format: .cloudFormation, type: type, address: entry.key, linkKey: entry.key, scope: scope,
                location: entry.keyLocation, attributes: attributes, configuredPaths: [], unknownPaths: unknown,
                references: references, action: nil, region: region))
        }
        result.diagnostics += evaluator.diagnostics
        return result
    }
}

/// Evaluates CloudFormation intrinsic functions where the template alone decides their value.
struct IntrinsicEvaluator {
    let template: Node
    let region: String?
    let resourceIds: Set<String>
    var diagnostics: [Diagnostic] = []
    private var conditionCache: [String: Bool?] = [:]
    private var conditionsInProgress: Set<String> = []
    private var budget = 1_000_000
    private var conditionDepthReported = false

    init(template: Node, region: String?) {
        self.template = template
        self.region = region
        self.resourceIds = Set(template["Resources"]?.entries?.map(\.key) ?? [])
    }

    /// Intrinsic function names in long form, keyed by their short YAML tag.
    static let shortTags: [String: String] = [
        "!Ref": "Ref", "!GetAtt": "Fn::GetAtt", "!Sub": "Fn::Sub", "!Join": "Fn::Join", "!Select": "Fn::Select",
        "!If": "Fn::If", "!ImportValue": "Fn::ImportValue", "!Equals": "Fn::Equals", "!And": "Fn::And",
        "!Or": "Fn::Or", "!Not": "Fn::Not", "!Condition": "Condition", "!FindInMap": "Fn::FindInMap",
        "!Base64": "Fn::Base64", "!Split": "Fn::Split", "!GetAZs": "Fn::GetAZs", "!Cidr": "Fn::Cidr",
        "!ToJsonString": "Fn::ToJsonString", "!Length": "Fn::Length",
    ]

    /// If `node` is an intrinsic function call, its name and argument.
    static func function(_ node: Node) -> (String, Node)? {
        if let tag = node.tag, let name = shortTags[tag] {
            var arg = node
            arg.tag = nil
            if name == "Fn::GetAtt", let s = arg.string {
                // `!GetAtt Res.Attr` short form
                let parts = s.split(separator: ".", maxSplits: 1).map { Node(.string(String($0)), location: node.location) }
                arg = Node(.sequence(parts), location: node.location)
            }
            return (name, arg)
        }
        if let entries = node.entries, entries.count == 1 {
            let key = entries[0].key
            if key == "Ref" || key == "Condition" || key.hasPrefix("Fn::") { return (key, entries[0].value) }
        }
        return nil
    }

    private func unknownMarker(_ path: [PathComponent], _ unknown: inout Set<String>) -> Node? {
        unknown.insert(path.dotted)
        return nil
    }

    /// Returns the evaluated node, or nil when the value is unknown (recorded in `unknown`).
    /// `AWS::NoValue` also returns nil but is not unknown: the key is dropped.
    mutating func evaluate(_ node: Node, path: [PathComponent], references: inout [Reference], unknown: inout Set<String>, depth: Int = 0) -> Node? {
        budget -= 1
        guard budget > 0, depth < 200 else {
            if budget == 0 {
                diagnostics.append(Diagnostic(kind: .evaluation, severity: .warning, location: node.location, message: "intrinsic function evaluation budget exhausted; remaining values treated as unknown"))
            }
            return unknownMarker(path, &unknown)
        }
        if let (name, arg) = Self.function(node) {
            return evaluateFunction(name, arg, at: node, path: path, references: &references, unknown: &unknown, depth: depth)
        }
        switch node.value {
        case .mapping(let entries):
            var out: [Node.Entry] = []
            out.reserveCapacity(entries.count)
            for e in entries {
                if let v = evaluate(e.value, path: path + [.key(e.key)], references: &references, unknown: &unknown, depth: depth + 1) {
                    out.append(Node.Entry(key: e.key, keyLocation: e.keyLocation, value: v))
                }
            }
            return Node(.mapping(out), location: node.location)
        case .sequence(let items):
            var out: [Node] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                if let v = evaluate(item, path: path + [.index(i)], references: &references, unknown: &unknown, depth: depth + 1) {
                    out.append(v)
                } else if !unknown.contains((path + [.index(i)]).dotted) {
                    continue // AWS::NoValue
                } else {
                    out.append(Node(.null, location: item.location)) // keep positions of later items
                }
            }
            return Node(.sequence(out), location: node.location)
        default:
            var n = node
            if n.tag != nil, !(n.tag!.hasPrefix("!!")) { n.tag = nil }
            return n
        }
    }

    private mutating func evaluateFunction(_ name: String, _ arg: Node, at node: Node, path: [PathComponent],
                                           references: inout [Reference], unknown: inout Set<String>, depth: Int) -> Node? {
        switch name {
        case "Ref":
            guard let target = arg.string else { return unknownMarker(path, &unknown) }
            return ref(target, at: node, path: path, references: &references, unknown: &unknown)
        case "Fn::GetAtt":
            var parts: [String] = []
            if let items = arg.items { parts = items.compactMap(\.scalarText) }
            else if let s = arg.string { parts = s.split(separator: ".", maxSplits: 1).map(String.init) }
            if let target = parts.first, resourceIds.contains(target) {
                references.append(Reference(path: path, target: target, attribute: parts.dropFirst().first, location: node.location))
            }
            return unknownMarker(path, &unknown)
        case "Fn::Sub":
            var text: String?
            var vars: [String: Node] = [:]
            if let s = arg.string { text = s }
            else if let items = arg.items, let s = items.first?.string {
                text = s
                for e in items.dropFirst().first?.entries ?? [] {
                    if let v = evaluate(e.value, path: path, references: &references, unknown: &unknown, depth: depth + 1) { vars[e.key] = v }
                    else { vars[e.key] = Node(.null, location: e.value.location) }
                }
            }
            guard let text else { return unknownMarker(path, &unknown) }
            return substitute(text, vars: vars, at: node, path: path, references: &references, unknown: &unknown)
        case "Fn::Join":
            guard let items = arg.items, items.count == 2, let sep = items[0].scalarText else { return unknownMarker(path, &unknown) }
            guard let list = evaluate(items[1], path: path, references: &references, unknown: &unknown, depth: depth + 1)?.items else {
                return unknownMarker(path, &unknown)
            }
            var parts: [String] = []
            for item in list { guard let s = item.scalarText else { return unknownMarker(path, &unknown) }; parts.append(s) }
            return Node(.string(parts.joined(separator: sep)), location: node.location)
        case "Fn::Select":
            guard let items = arg.items, items.count == 2,
                  let indexNode = evaluate(items[0], path: path, references: &references, unknown: &unknown, depth: depth + 1),
                  let index = indexNode.int ?? indexNode.string.flatMap({ Int($0) }) else { return unknownMarker(path, &unknown) }
            // Evaluate the list lazily so that only the selected element's references count.
            if let literal = items[1].items, Self.function(items[1]) == nil {
                guard index >= 0, index < literal.count else { return unknownMarker(path, &unknown) }
                return evaluate(literal[index], path: path, references: &references, unknown: &unknown, depth: depth + 1)
            }
            guard let list = evaluate(items[1], path: path, references: &references, unknown: &unknown, depth: depth + 1)?.items,
                  index >= 0, index < list.count else { return unknownMarker(path, &unknown) }
            return list[index].isNull ? unknownMarker(path, &unknown) : list[index]
        case "Fn::If":
            guard let items = arg.items, items.count == 3, let cond = items[0].scalarText else { return unknownMarker(path, &unknown) }
            switch condition(named: cond, depth: depth + 1) {
            case .some(true): return evaluate(items[1], path: path, references: &references, unknown: &unknown, depth: depth + 1)
            case .some(false): return evaluate(items[2], path: path, references: &references, unknown: &unknown, depth: depth + 1)
            case .none:
                // Undecidable: keep both branches' links, the value is unknown.
                var ignored = Set<String>()
                _ = evaluate(items[1], path: path, references: &references, unknown: &ignored, depth: depth + 1)
                _ = evaluate(items[2], path: path, references: &references, unknown: &ignored, depth: depth + 1)
                return unknownMarker(path, &unknown)
            }
        case "Fn::FindInMap":
            guard let items = arg.items, items.count >= 3 else { return unknownMarker(path, &unknown) }
            var keys: [String] = []
            for item in items.prefix(3) {
                guard let v = evaluate(item, path: path, references: &references, unknown: &unknown, depth: depth + 1)?.scalarText else {
                    return unknownMarker(path, &unknown)
                }
                keys.append(v)
            }
            guard let found = template.at(["Mappings", .key(keys[0]), .key(keys[1]), .key(keys[2])]) else { return unknownMarker(path, &unknown) }
            return found
        case "Fn::ImportValue", "Fn::GetAZs", "Fn::Cidr", "Fn::Base64", "Fn::Split", "Fn::ToJsonString", "Fn::Length", "Fn::Transform":
            // Collect links inside, value unknown (ImportValue needs the exporting stack).
            var ignored = Set<String>()
            _ = evaluate(arg, path: path, references: &references, unknown: &ignored, depth: depth + 1)
            return unknownMarker(path, &unknown)
        case "Condition":
            guard let name = arg.string, let v = condition(named: name, depth: depth + 1) else { return unknownMarker(path, &unknown) }
            return Node(.bool(v), location: node.location)
        default:
            return unknownMarker(path, &unknown)
        }
    }

    private mutating func ref(_ target: String, at node: Node, path: [PathComponent], references: inout [Reference], unknown: inout Set<String>) -> Node? {
        switch target {
        case "AWS::NoValue": return nil
        case "AWS::Region":
            if let region { return Node(.string(region), location: node.location) }
            return unknownMarker(path, &unknown)
        case "AWS::Partition": return Node(.string("aws"), location: node.location)
        case "AWS::URLSuffix": return Node(.string("amazonaws.com"), location: node.location)
        case "AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::NotificationARNs": return unknownMarker(path, &unknown)
        default: break
        }
        if resourceIds.contains(target) {
            references.append(Reference(path: path, target: target, attribute: nil, location: node.location))
            return unknownMarker(path, &unknown)
        }
        if let param = template.at(["Parameters", .key(target)]) {
            if let def = param["Default"] {
                if param["Type"]?.string?.hasPrefix("List<") == true || param["Type"]?.string == "CommaDelimitedList",
                   let s = def.string {
                    return Node(.sequence(s.split(separator: ",").map { Node(.string($0.trimmingCharacters()), location: def.location) }), location: def.location)
                }
                return def
            }
            return unknownMarker(path, &unknown)
        }
        diagnostics.append(Diagnostic(kind: .evaluation, severity: .warning, location: node.location,
                                      message: "Ref to '\(target)', which is neither a parameter, a resource nor a pseudo parameter"))
        return unknownMarker(path, &unknown)
    }

    private mutating func substitute(_ text: String, vars: [String: Node], at node: Node, path: [PathComponent],
                                     references: inout [Reference], unknown: inout Set<String>) -> Node? {
        var out = ""
        var isUnknown = false
        var rest = Substring(text)
        while let open = rest.firstRange(of: "${") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            if after.hasPrefix("!") { // literal ${!Name}
                out += "${"
                rest = after.dropFirst()
                continue
            }
            guard let close = after.firstIndex(of: "}") else { out += rest[open.lowerBound...]; rest = ""; break }
            let name = String(after[..<close])
            rest = after[after.index(after: close)...]
            if let v = vars[name] {
                if let s = v.scalarText { out += s } else { isUnknown = true }
                continue
            }
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2, resourceIds.contains(parts[0]) {
                references.append(Reference(path: path, target: parts[0], attribute: parts[1], location: node.location))
                isUnknown = true
                continue
            }
            var ignored = Set<String>()
            if let v = ref(name, at: node, path: path, references: &references, unknown: &ignored), let s = v.scalarText {
                out += s
            } else {
                isUnknown = true
            }
        }
        out += rest
        if isUnknown { return unknownMarker(path, &unknown) }
        return Node(.string(out), location: node.location)
    }

    /// The value of a named condition under the parameters' defaults; nil when undecidable.
    /// `depth` counts the nesting of the caller (conditions naming conditions included), so a long
    /// chain of conditions ends at the depth limit instead of exhausting the stack.
    mutating func condition(named name: String, depth: Int = 0) -> Bool? {
        if let cached = conditionCache[name] { return cached }
        guard !conditionsInProgress.contains(name), let node = template.at(["Conditions", .key(name)]) else {
            if conditionsInProgress.contains(name) {
                diagnostics.append(Diagnostic(kind: .evaluation, severity: .error, location: template["Conditions"]?.location ?? template.location,
                                              message: "condition '\(name)' refers to itself"))
            }
            return nil
        }
        conditionsInProgress.insert(name)
        let value = conditionValue(node, depth: depth)
        conditionsInProgress.remove(name)
        conditionCache[name] = .some(value)
        return value
    }

    private mutating func conditionValue(_ node: Node, depth: Int) -> Bool? {
        guard depth < 100 else {
            if !conditionDepthReported {
                conditionDepthReported = true
                diagnostics.append(Diagnostic(kind: .evaluation, severity: .warning, location: node.location,
                                              message: "conditions nested deeper than 100; this condition is treated as undecidable"))
            }
            return nil
        }
        if let b = node.bool { return b }
        guard let (name, arg) = Self.function(node) else { return nil }
        switch name {
        case "Fn::Equals":
            guard let items = arg.items, items.count == 2 else { return nil }
            var refs: [Reference] = []
            var unknown = Set<String>()
            guard let a = evaluate(items[0], path: [], references: &refs, unknown: &unknown, depth: depth + 1)?.scalarText,
                  let b = evaluate(items[1], path: [], references: &refs, unknown: &unknown, depth: depth + 1)?.scalarText else { return nil }
            return a == b
        case "Fn::And":
            var all = true
            for item in arg.items ?? [] {
                switch conditionValue(item, depth: depth + 1) {
                case .some(false): return false
                case .none: all = false
                default: break
                }
            }
            return all ? true : nil
        case "Fn::Or":
            var any = false
            var undecided = false
            for item in arg.items ?? [] {
                switch conditionValue(item, depth: depth + 1) {
                case .some(true): any = true
                case .none: undecided = true
                default: break
                }
            }
            return any ? true : (undecided ? nil : false)
        case "Fn::Not":
            guard let item = arg.items?.first ?? Optional(arg) else { return nil }
            return conditionValue(item, depth: depth + 1).map { !$0 }
        case "Condition":
            guard let n = arg.string else { return nil }
            return condition(named: n, depth: depth + 1)
        default:
            return nil
        }
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
