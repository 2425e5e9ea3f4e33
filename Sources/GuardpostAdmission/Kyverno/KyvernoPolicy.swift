import Foundation
import GuardpostDocuments
import GuardpostModel

/// A Kyverno policy as the engine reads it: its rules (with the ones auto-generated for pod controllers).
struct KyvernoPolicy {
    var kind: String
    var name: String
    var namespace: String?
    var object: KubernetesObject
    var failureAction: String
    var overrides: [KValue]
    var rules: [KyvernoRule]
    /// Why the whole policy cannot be evaluated (a kind we do not evaluate), when so.
    var unsupported: String?

    var address: String { "\(kind)/\(name)" }

    init(_ obj: KubernetesObject) {
        object = obj
        kind = obj.kind
        name = obj.name
        namespace = kind == "Policy" ? (obj.namespace ?? "default") : nil
        let spec = obj.node["spec"]
        let specValue = spec.map(KValue.init) ?? .null
        failureAction = specValue["validationFailureAction"]?.string ?? "Audit"
        overrides = specValue["validationFailureActionOverrides"]?.array ?? []
        rules = []
        if !["ClusterPolicy", "Policy"].contains(obj.kind) {
            unsupported = "\(obj.kind) policies (CEL) are not evaluated offline"
            return
        }
        var base: [KyvernoRule] = []
        for ruleNode in spec?["rules"]?.items ?? [] {
            base.append(KyvernoRule(node: ruleNode, value: KValue(ruleNode), generatedFrom: nil))
        }
        let controllers = obj.annotations["pod-policies.kyverno.io/autogen-controllers"]
        rules = base + base.flatMap { KyvernoAutogen.generate($0, controllers: controllers) }
    }

    /// The failure action of a rule for a request namespace: `Enforce` or `Audit`.
    func action(for rule: KyvernoRule, namespace: String?, namespaceLabels: [String: String]) -> String {
        var action = rule.value["validate"]?["failureAction"]?.string ?? failureAction
        let ruleOverrides = rule.value["validate"]?["failureActionOverrides"]?.array
        for o in ruleOverrides ?? overrides {
            let namespaces = o["namespaces"]?.array?.compactMap { $0.string } ?? []
            var hit = false
            if let ns = namespace, namespaces.contains(where: { Wildcard.match($0, ns) }) { hit = true }
            if let sel = o["namespaceSelector"], KyvernoMatch.selector(sel, namespaceLabels) { hit = true }
            if hit, let a = o["action"]?.string { action = a; break }
        }
        return action.lowercased() == "enforce" ? "Enforce" : "Audit"
    }
}

struct KyvernoRule {
    var node: Node
    var value: KValue
    /// The Pod rule this one was generated from (`autogen-` rules).
    var generatedFrom: String?
    var name: String { value["name"]?.string ?? "" }
    var location: Location { node.location }

    var kindOfRule: String {
        for k in ["validate", "mutate", "generate", "verifyImages"] where value[k] != nil { return k }
        return "unknown"
    }
}

/// Rule auto-generation for pod controllers: a rule on Pods also applies to the pod template of
/// DaemonSets, Deployments, Jobs, StatefulSets, ReplicaSets, ReplicationControllers (`autogen-`) and CronJobs (`autogen-cronjob-`).
enum KyvernoAutogen {
    static let podControllers = ["DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController"]

    static func generate(_ rule: KyvernoRule, controllers annotation: String?) -> [KyvernoRule] {
        guard rule.value["validate"] != nil || rule.value["verifyImages"] != nil || rule.value["mutate"] != nil else { return [] }
        if let a = annotation, a.trimmingCharacters(in: .whitespaces) == "none" { return [] }
        guard podOnly(rule.value) else { return [] }
        var wanted = podControllers + ["CronJob"]
        if let a = annotation {
            wanted = a.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        var out: [KyvernoRule] = []
        let ctrl = podControllers.filter { wanted.contains($0) }
        if !ctrl.isEmpty {
            out.append(convert(rule, prefix: "autogen-", kinds: ctrl, specPath: ["spec", "template"], varPrefix: "request.object.spec.template"))
        }
        if wanted.contains("CronJob") {
            out.append(convert(rule, prefix: "autogen-cronjob-", kinds: ["CronJob"], specPath: ["spec", "jobTemplate", "spec", "template"],
                               varPrefix: "request.object.spec.jobTemplate.spec.template"))
        }
        return out
    }

    /// Auto-generation applies to rules that match Pods only, without names, selectors or annotations.
    private static func podOnly(_ rule: KValue) -> Bool {
        var kinds: [String] = []
        var blocked = false
        func scan(_ block: KValue?) {
            guard let block else { return }
            var filters: [KValue] = (block["any"]?.array ?? []) + (block["all"]?.array ?? [])
            if block["resources"] != nil { filters.append(block) }
            for f in filters {
                guard let r = f["resources"] else { continue }
                kinds += r["kinds"]?.array?.compactMap { $0.string } ?? []
                if r["name"] != nil || r["names"] != nil || r["selector"] != nil || r["annotations"] != nil { blocked = true }
            }
        }
        scan(rule["match"])
        let matchKinds = kinds
        kinds = []
        scan(rule["exclude"])
        if blocked || matchKinds.isEmpty { return false }
        return matchKinds.allSatisfy { $0 == "Pod" || $0.hasSuffix("/Pod") }
    }

    private static func convert(_ rule: KyvernoRule, prefix: String, kinds: [String], specPath: [String], varPrefix: String) -> KyvernoRule {
        guard case .object(var r) = rule.value else { return rule }
        r["name"] = .string(prefix + rule.name)
        for key in ["match", "exclude"] {
            if let block = r[key] { r[key] = replaceKinds(block, kinds) }
        }
        if case .object(var v)? = r["validate"] {
            if let p = v["pattern"] { v["pattern"] = wrap(p, specPath) }
            if let ps = v["anyPattern"]?.array { v["anyPattern"] = .array(ps.map { wrap($0, specPath) }) }
            if let ps = v["podSecurity"] { v["podSecurity"] = ps }
            r["validate"] = .object(v)
        }
        let rewritten = rewriteVariables(.object(r), varPrefix)
        return KyvernoRule(node: rule.node, value: rewritten, generatedFrom: rule.name)
    }

    private static func replaceKinds(_ block: KValue, _ kinds: [String]) -> KValue {
        switch block {
        case .object(var o):
            if o["kinds"] != nil { o["kinds"] = .array(kinds.map { .string($0) }) }
            for (k, v) in o where k != "kinds" { o[k] = replaceKinds(v, kinds) }
            return .object(o)
        case .array(let a): return .array(a.map { replaceKinds($0, kinds) })
        default: return block
        }
    }

    /// `spec`/`metadata` of a Pod pattern move under the controller's template.
    private static func wrap(_ pattern: KValue, _ specPath: [String]) -> KValue {
        guard case .object(let p) = pattern else { return pattern }
        var template: [String: KValue] = [:], rest: [String: KValue] = [:]
        for (k, v) in p {
            let bare = KyvernoPattern.anchor(of: k).1
            if bare == "spec" || bare == "metadata" { template[k] = v } else { rest[k] = v }
        }
        var inner: KValue = .object(template)
        for key in specPath.reversed() { inner = .object([key: inner]) }
        guard case .object(var out) = inner else { return pattern }
        for (k, v) in rest { out[k] = v }
        return .object(out)
    }

    private static func rewriteVariables(_ v: KValue, _ prefix: String) -> KValue {
        switch v {
        case .string(let s):
            guard s.contains("request.object.") else { return v }
            var t = s
            for field in ["spec", "metadata"] {
                t = t.replacingOccurrences(of: "request.object.\(field)", with: "\u{1}.\(field)")
            }
            return .string(t.replacingOccurrences(of: "\u{1}", with: prefix))
        case .array(let a): return .array(a.map { rewriteVariables($0, prefix) })
        case .object(let o): return .object(o.mapValues { rewriteVariables($0, prefix) })
        default: return v
        }
    }
}
