import GuardpostDocuments

/// Reads Kubernetes manifests: every document, `List` kinds flattened, kinds kept as they are.
public enum KubernetesLoader {
    public static func isManifest(_ root: Node) -> Bool {
        root["apiVersion"]?.string != nil && root["kind"]?.string != nil
    }

    public static func load(_ root: Node) -> LoadResult {
        var result = LoadResult()
        collect(root, into: &result, depth: 0)
        return result
    }

    private static func collect(_ node: Node, into result: inout LoadResult, depth: Int) {
        guard let apiVersion = node["apiVersion"]?.string, let kind = node["kind"]?.string else {
            result.diagnostics.append(.unsupported(node, "Kubernetes object without apiVersion and kind"))
            return
        }
        if kind == "List" || (kind.hasSuffix("List") && node["items"]?.items != nil) {
            guard depth < 8 else { return }
            for item in node["items"]?.items ?? [] { collect(item, into: &result, depth: depth + 1) }
            return
        }
        let name = node.at(["metadata", "name"])?.scalarText ?? node.at(["metadata", "generateName"])?.scalarText ?? ""
        let namespace = node.at(["metadata", "namespace"])?.scalarText
        result.kubernetesObjects.append(KubernetesObject(apiVersion: apiVersion, kind: kind, name: name, namespace: namespace, node: node))
    }
}
