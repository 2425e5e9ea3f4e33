import GuardpostDocuments

/// One Kubernetes object read from a manifest (a document, or an item of a `List`).
/// Kinds are kept as they are; later stages (admission simulation, RBAC rules) interpret them.
public struct KubernetesObject: Sendable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    /// `metadata.namespace` as written (nil when absent: cluster-scoped, or the default namespace).
    public var namespace: String?
    /// The whole object as parsed, with positions.
    public var node: Node
    /// Where the object starts (its document).
    public var location: Location { node.location }

    public init(apiVersion: String, kind: String, name: String, namespace: String?, node: Node) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.node = node
    }

    /// `group` part of apiVersion (`""` for the core group).
    public var group: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

    /// `version` part of apiVersion.
    public var version: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return apiVersion }
        return String(apiVersion[apiVersion.index(after: slash)...])
    }

    public var labels: [String: String] { stringMap(node.at(["metadata", "labels"])) }
    public var annotations: [String: String] { stringMap(node.at(["metadata", "annotations"])) }

    /// `Kind/name` or `Kind/namespace/name`, the address used in findings.
    public var address: String {
        if let namespace { return "\(kind)/\(namespace)/\(name)" }
        return "\(kind)/\(name)"
    }

    private func stringMap(_ node: Node?) -> [String: String] {
        guard let entries = node?.entries else { return [:] }
        var out: [String: String] = [:]
        for e in entries { out[e.key] = e.value.scalarText ?? "" }
        return out
    }
}
