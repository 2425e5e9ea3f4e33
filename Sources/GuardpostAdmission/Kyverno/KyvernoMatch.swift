import Foundation

/// What `match` / `exclude` look at.
struct KyvernoRequestInfo {
    var kind: String
    var group: String
    var version: String
    var name: String
    var namespace: String?
    var labels: [String: String]
    var annotations: [String: String]
    var namespaceLabels: [String: String]
    var operation: String?
    var username: String
    var groups: [String]
    var roles: [String] = []
    var clusterRoles: [String] = []
}

enum KyvernoMatch {
    /// Whether the rule's `match` selects the request and its `exclude` does not.
    static func applies(_ rule: KValue, _ req: KyvernoRequestInfo) -> Bool {
        guard let m = rule["match"], block(m, req, emptyIs: false) else { return false }
        if let e = rule["exclude"], block(e, req, emptyIs: false) { return false }
        return true
    }

    static func block(_ b: KValue, _ req: KyvernoRequestInfo, emptyIs: Bool) -> Bool {
        if let any = b["any"]?.array, !any.isEmpty { return any.contains { filter($0, req) } }
        if let all = b["all"]?.array, !all.isEmpty { return all.allSatisfy { filter($0, req) } }
        let hasLegacy = ["resources", "subjects", "roles", "clusterRoles"].contains { b[$0] != nil }
        return hasLegacy ? filter(b, req) : emptyIs
    }

    static func filter(_ f: KValue, _ req: KyvernoRequestInfo) -> Bool {
        var any = false
        if let r = f["resources"], r.object?.isEmpty == false {
            any = true
            if !resources(r, req) { return false }
        }
        if let subjects = f["subjects"]?.array, !subjects.isEmpty {
            any = true
            if !subjects.contains(where: { subject($0, req) }) { return false }
        }
        if let roles = f["roles"]?.array, !roles.isEmpty {
            any = true
            if !roles.contains(where: { r in req.roles.contains { $0 == r.string } }) { return false }
        }
        if let roles = f["clusterRoles"]?.array, !roles.isEmpty {
            any = true
            if !roles.contains(where: { r in req.clusterRoles.contains { $0 == r.string } }) { return false }
        }
        return any
    }

    static func subject(_ s: KValue, _ req: KyvernoRequestInfo) -> Bool {
        let name = s["name"]?.string ?? ""
        switch s["kind"]?.string ?? "" {
        case "User": return Wildcard.match(name, req.username)
        case "Group": return req.groups.contains { Wildcard.match(name, $0) }
        case "ServiceAccount":
            let ns = s["namespace"]?.string ?? ""
            return Wildcard.match("system:serviceaccount:\(ns):\(name)", req.username)
        default: return false
        }
    }

    static func resources(_ r: KValue, _ req: KyvernoRequestInfo) -> Bool {
        if let kinds = r["kinds"]?.array, !kinds.isEmpty {
            if !kinds.contains(where: { kindMatches($0.string ?? "", req) }) { return false }
        }
        if let n = r["name"]?.string, !Wildcard.match(n, req.name) { return false }
        if let names = r["names"]?.array, !names.isEmpty {
            if !names.contains(where: { Wildcard.match($0.string ?? "", req.name) }) { return false }
        }
        if let namespaces = r["namespaces"]?.array, !namespaces.isEmpty {
            let ns = req.kind == "Namespace" ? req.name : (req.namespace ?? "")
            if !namespaces.contains(where: { Wildcard.match($0.string ?? "", ns) }) { return false }
        }
        if let ops = r["operations"]?.array, !ops.isEmpty, let op = req.operation {
            if !ops.contains(where: { $0.string == op }) { return false }
        }
        if let ann = r["annotations"]?.object {
            for (k, v) in ann {
                guard req.annotations.contains(where: { Wildcard.match(k, $0.key) && Wildcard.match(v.text, $0.value) }) else { return false }
            }
        }
        if let sel = r["selector"], !selector(sel, req.labels) { return false }
        if let sel = r["namespaceSelector"] {
            let labels = req.kind == "Namespace" ? req.labels : req.namespaceLabels
            if !selector(sel, labels) { return false }
        }
        return true
    }

    /// `Pod`, `v1/Pod`, `apps/v1/DaemonSet`, `apps/*/DaemonSet`, `*`, with wildcards.
    static func kindMatches(_ selector: String, _ req: KyvernoRequestInfo) -> Bool {
        let parts = selector.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var group = "*", version = "*", kind = selector
        switch parts.count {
        case 2:
            kind = parts[1]
            if parts[0] == "*" { version = "*" }
            else if parts[0].contains(".") { group = parts[0] }
            else if parts[0].first == "v", parts[0].dropFirst().first?.isNumber == true { version = parts[0] }
            else { group = parts[0] }
        case 3...:
            group = parts[0]; version = parts[1]; kind = parts[2]
        default: break
        }
        return Wildcard.match(kind, req.kind) && Wildcard.match(group, req.group) && Wildcard.match(version, req.version)
    }

    /// A label selector (`matchLabels`, `matchExpressions`), with Kyverno's wildcards in values.
    static func selector(_ sel: KValue, _ labels: [String: String]) -> Bool {
        for (k, v) in sel["matchLabels"]?.object ?? [:] {
            if Wildcard.hasWildcard(k) {
                if !labels.contains(where: { Wildcard.match(k, $0.key) && Wildcard.match(v.text, $0.value) }) { return false }
            } else {
                guard let l = labels[k], Wildcard.match(v.text, l) else { return false }
            }
        }
        for e in sel["matchExpressions"]?.array ?? [] {
            let key = e["key"]?.string ?? ""
            let values = e["values"]?.array?.map { $0.text } ?? []
            let l = labels[key]
            switch e["operator"]?.string ?? "" {
            case "In": guard let l, values.contains(l) else { return false }
            case "NotIn": if let l, values.contains(l) { return false }
            case "Exists": if l == nil { return false }
            case "DoesNotExist": if l != nil { return false }
            default: return false
            }
        }
        return true
    }
}
