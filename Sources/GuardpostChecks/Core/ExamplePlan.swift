import GuardpostDocuments

/// Writes small but real `terraform show -json` plans for rule examples and tests: `planned_values`
/// with the given values, and a `configuration` whose expressions carry the given references, exactly
/// as Terraform prints them. The real plan loader reads the result.
public enum ExamplePlan {
    public struct Resource: Sendable {
        public var address: String
        public var type: String
        /// The planned values, as a JSON object text.
        public var values: String
        /// Attribute path (`vpc_config.0.subnet_ids`) -> references (`aws_subnet.a.id`).
        public var references: [String: [String]]
        /// Attribute paths written as constants in the configuration (default: every top-level key of `values`).
        public var constants: [String]?
        public var action: String

        public init(_ address: String, _ type: String, values: String, references: [String: [String]] = [:],
                    constants: [String]? = nil, action: String = "create") {
            self.address = address
            self.type = type
            self.values = values
            self.references = references
            self.constants = constants
            self.action = action
        }
    }

    public static func json(_ resources: [Resource], region: String = "us-east-1") -> String {
        var planned: [String] = []
        var changes: [String] = []
        var config: [String] = []
        for r in resources {
            let name = r.address.split(separator: ".").last.map(String.init) ?? r.address
            if r.action != "delete" {
                planned.append("{\"address\":\(q(r.address)),\"mode\":\"managed\",\"type\":\(q(r.type)),\"name\":\(q(name)),\"provider_name\":\"registry.terraform.io/hashicorp/aws\",\"values\":\(r.values)}")
            }
            let actions = r.action == "replace" ? "[\"delete\",\"create\"]" : "[\(q(r.action))]"
            let before = r.action == "delete" || r.action == "update" ? r.values : "null"
            changes.append("{\"address\":\(q(r.address)),\"mode\":\"managed\",\"type\":\(q(r.type)),\"name\":\(q(name)),\"change\":{\"actions\":\(actions),\"before\":\(before),\"after\":\(r.action == "delete" ? "null" : r.values),\"after_unknown\":{}}}")
            config.append("{\"address\":\(q(r.address)),\"mode\":\"managed\",\"type\":\(q(r.type)),\"name\":\(q(name)),\"provider_config_key\":\"aws\",\"expressions\":\(expressions(r))}")
        }
        return """
        {"format_version":"1.2","terraform_version":"1.9.0",
        "planned_values":{"root_module":{"resources":[
        \(planned.joined(separator: ",\n"))
        ]}},
        "resource_changes":[
        \(changes.joined(separator: ",\n"))
        ],
        "configuration":{"provider_config":{"aws":{"name":"aws","full_name":"registry.terraform.io/hashicorp/aws","expressions":{"region":{"constant_value":\(q(region))}}}},
        "root_module":{"resources":[
        \(config.joined(separator: ",\n"))
        ]}}}
        """
    }

    static func q(_ s: String) -> String { JSONWriter.quoted(s) }

    /// Expressions: constants for the written top-level keys, references at their paths.
    static func expressions(_ r: Resource) -> String {
        final class Tree { var children: [(String, Tree)] = []; var leaf: String?
            func child(_ k: String) -> Tree {
                if let c = children.first(where: { $0.0 == k }) { return c.1 }
                let t = Tree(); children.append((k, t)); return t
            }
        }
        let root = Tree()
        let constantKeys: [String]
        if let c = r.constants { constantKeys = c }
        else if let node = try? JSONReader.parse(r.values, file: SourceFile(path: "example")), let entries = node.entries {
            constantKeys = entries.map(\.key)
        } else { constantKeys = [] }
        let valuesNode = try? JSONReader.parse(r.values, file: SourceFile(path: "example"))
        for key in constantKeys where r.references[key] == nil && !r.references.keys.contains(where: { $0.hasPrefix(key + ".") }) {
            let v = valuesNode?[key].map { JSONWriter.compact($0) } ?? "null"
            root.child(key).leaf = "{\"constant_value\":\(v)}"
        }
        for (path, refs) in r.references.sorted(by: { $0.key < $1.key }) {
            var t = root
            for part in path.split(separator: ".") { t = t.child(String(part)) }
            t.leaf = "{\"references\":[\(refs.map(q).joined(separator: ","))]}"
        }
        func render(_ t: Tree) -> String {
            if let leaf = t.leaf { return leaf }
            if !t.children.isEmpty, t.children.allSatisfy({ Int($0.0) != nil }) {
                return "[" + t.children.sorted { Int($0.0)! < Int($1.0)! }.map { render($0.1) }.joined(separator: ",") + "]"
            }
            return "{" + t.children.map { "\(q($0.0)):\(render($0.1))" }.joined(separator: ",") + "}"
        }
        return render(root)
    }
}
