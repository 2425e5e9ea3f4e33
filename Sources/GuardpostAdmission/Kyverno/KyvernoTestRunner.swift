import Foundation
import GuardpostDocuments
import GuardpostModel

/// Runs Kyverno CLI test suites (`kyverno-test.yaml`) with our engine, offline, case by case.
public struct KyvernoTestRunner {
    /// Every `kyverno-test.yaml` under `folder` (hidden folders such as `.kyverno-test` included), sorted.
    public static func discover(under folder: String) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) else { return [] }
        if !isDir.boolValue { return folder.hasSuffix(".yaml") || folder.hasSuffix(".yml") ? [folder] : [] }
        var out: [String] = []
        if let e = FileManager.default.enumerator(atPath: folder) {
            while let rel = e.nextObject() as? String {
                let name = (rel as NSString).lastPathComponent
                if name == "kyverno-test.yaml" || name == "kyverno-test.yml" { out.append((folder as NSString).appendingPathComponent(rel)) }
            }
        }
        return out.sorted()
    }

    /// Runs every suite found under the paths.
    public static func run(paths: [String]) -> [AdmissionCaseResult] {
        paths.flatMap { discover(under: $0) }.flatMap { run(suiteFile: $0) }
    }

    public static func run(suiteFile: String) -> [AdmissionCaseResult] {
        let file = SourceFile(path: suiteFile)
        let suiteLoc = Location(file: file, line: 1, column: 1)
        func whole(_ status: AdmissionCaseResult.Status, _ detail: String) -> [AdmissionCaseResult] {
            [AdmissionCaseResult(engine: .kyverno, suite: suiteLoc, name: suiteFile, expected: "-", actual: "-", status: status, detail: detail)]
        }
        let docs: [Node]
        do { docs = try loadYAML(suiteFile) } catch { return whole(.skipped, "cannot read the test file: \(error)") }
        guard let test = docs.first(where: { $0["kind"]?.string == "Test" }) ?? docs.first else { return whole(.skipped, "empty test file") }
        let dir = (suiteFile as NSString).deletingLastPathComponent
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : (dir as NSString).appendingPathComponent(p) }

        // Policies.
        var policies: [KyvernoPolicy] = []
        var loadProblems: [String] = []
        for p in test["policies"]?.items ?? [] {
            guard let path = p.string else { continue }
            if path.contains("://") { loadProblems.append("policy \(path) is remote (offline)"); continue }
            do {
                for o in try objects(resolve(path)) where KyvernoEngine.isKyvernoPolicy(o) { policies.append(KyvernoPolicy(o)) }
            } catch { loadProblems.append("cannot read policy \(path): \(error)") }
        }
        // Resources.
        var resources: [KubernetesObject] = []
        for r in test["resources"]?.items ?? [] {
            guard let path = r.string else { continue }
            do { resources += try objects(resolve(path)) } catch { loadProblems.append("cannot read resource \(path): \(error)") }
        }
        // Values.
        let values = (test["variables"]?.string).flatMap { try? loadYAML(resolve($0)).first }.map(KValue.init)
        var namespaceLabels: [String: [String: String]] = [:]
        for ns in values?["namespaceSelector"]?.array ?? [] {
            if let n = ns["name"]?.string { namespaceLabels[n] = KyvernoEngine.stringMap(ns["labels"]) }
        }
        let globalValues = values?["globalValues"]?.object ?? [:]
        var userInfo: KValue? = nil
        if let u = test["userinfo"]?.string { userInfo = (try? loadYAML(resolve(u)).first).map(KValue.init) }

        var out: [AdmissionCaseResult] = []
        for entry in test["results"]?.items ?? [] {
            let e = KValue(entry)
            let policyName = e["policy"]?.string ?? ""
            let ruleName = e["rule"]?.string ?? ""
            let expected = e["result"]?.string ?? "pass"
            let kind = e["kind"]?.string
            var names = e["resources"]?.array?.compactMap { $0.string } ?? []
            if let one = e["resource"]?.string { names.append(one) }
            let caseLoc = entry.location
            func add(_ resName: String, _ actual: String, _ status: AdmissionCaseResult.Status, _ detail: String?) {
                out.append(AdmissionCaseResult(engine: .kyverno, suite: caseLoc, name: "\(policyName)/\(ruleName) \(kind ?? "")/\(resName)",
                                               expected: expected, actual: actual, status: status, detail: detail))
            }
            if e["patchedResource"] != nil || e["patchedResources"] != nil || e["generatedResource"] != nil || e["cloneSourceResource"] != nil {
                for n in names { add(n, "-", .skipped, "mutate/generate results (patched or generated resources) are not evaluated") }
                continue
            }
            if e["isValidatingAdmissionPolicy"] == .bool(true) || e["isValidatingPolicy"] == .bool(true) {
                for n in names { add(n, "-", .skipped, "ValidatingAdmissionPolicy / ValidatingPolicy (CEL) are not evaluated offline") }
                continue
            }
            let bare = policyName.split(separator: "/").last.map(String.init) ?? policyName
            guard let policy = policies.first(where: { $0.name == bare }) else {
                let why = loadProblems.isEmpty ? "policy \(policyName) not found in the suite's policies" : loadProblems.joined(separator: "; ")
                for n in names { add(n, "-", .skipped, why) }
                continue
            }
            if let why = policy.unsupported { for n in names { add(n, "-", .skipped, why) }; continue }
            // The CLI names results after the rule as written; auto-generated rules answer for pod controllers.
            let ruleCandidates = policy.rules.filter { $0.name == ruleName || $0.generatedFrom == ruleName }
            guard !ruleCandidates.isEmpty else {
                for n in names { add(n, "-", .skipped, "rule \(ruleName) not found in \(policy.address)") }
                continue
            }
            for n in names {
                let (nsPart, namePart): (String?, String) = {
                    let parts = n.split(separator: "/").map(String.init)
                    return parts.count >= 2 ? (parts[parts.count - 2], parts[parts.count - 1]) : (nil, n)
                }()
                let candidates = resources.filter { r in
                    r.name == namePart && (kind == nil || r.kind == kind || kind!.hasSuffix("/" + r.kind))
                        && (nsPart == nil || (r.namespace ?? "default") == nsPart)
                        && (e["namespace"]?.string == nil || (r.namespace ?? "default") == e["namespace"]?.string)
                }
                guard let resource = candidates.first else { add(n, "-", .skipped, "resource \(n) not found in the suite's resources"); continue }
                let rule = ruleCandidates.first { r in
                    r.name == ruleName ? ruleCandidates.count == 1 || KyvernoMatch.applies(r.value, matchInfo(resource)) : KyvernoMatch.applies(r.value, matchInfo(resource))
                } ?? ruleCandidates[0]
                let actual = evaluate(rule: rule, policy: policy, resource: resource, values: values, globalValues: globalValues,
                                      namespaceLabels: namespaceLabels, userInfo: userInfo)
                switch actual.status {
                case .unsupported:
                    add(n, "-", .skipped, actual.message)
                case .error:
                    let agreed = expected == "error"
                    add(n, "error", agreed ? .agreed : .disagreed, "\(rule.location): \(actual.message)")
                default:
                    var got = actual.status.rawValue
                    if expected == "warn", got == "fail",
                       policy.action(for: rule, namespace: resource.namespace, namespaceLabels: namespaceLabels[resource.namespace ?? ""] ?? [:]) == "Audit" { got = "warn" }
                    let agreed = got == expected
                    add(n, got, agreed ? .agreed : .disagreed,
                        agreed ? nil : "\(KyvernoEngine.locate(rule, actual)): expected \(expected), got \(got): \(actual.message)")
                }
            }
        }
        return out
    }

    /// A text report in the spirit of `kyverno test`: one line per case, then the counts.
    public static func report(_ results: [AdmissionCaseResult]) -> String {
        var out = ""
        var currentSuite: String? = nil
        for (i, r) in results.enumerated() {
            if r.suite.file.path != currentSuite {
                currentSuite = r.suite.file.path
                out += "Loading test ( \(r.suite.file.path) ) ...\n"
            }
            let mark: String
            switch r.status {
            case .agreed: mark = "Pass"
            case .disagreed: mark = "Fail"
            case .skipped: mark = "Skip"
            }
            out += "  \(i + 1) | \(r.name) | expected \(r.expected) | got \(r.actual) | \(mark)"
            if let d = r.detail { out += " | \(d)" }
            out += "\n"
        }
        let agreed = results.filter { $0.status == .agreed }.count
        let disagreed = results.filter { $0.status == .disagreed }.count
        let skipped = results.filter { $0.status == .skipped }.count
        out += "Test Summary: agreed: \(agreed), disagreed: \(disagreed), skipped: \(skipped)\n"
        return out
    }

    private static func evaluate(rule: KyvernoRule, policy: KyvernoPolicy, resource: KubernetesObject, values: KValue?,
                                 globalValues: [String: KValue], namespaceLabels: [String: [String: String]], userInfo: KValue?) -> KyvernoRuleResult {
        var res = KValue(resource.node)
        // The CLI puts namespaced resources without a namespace in `default`.
        if !clusterScopedKinds.contains(resource.kind), resource.namespace == nil, case .object(var o) = res {
            var meta = o["metadata"]?.object ?? [:]
            meta["namespace"] = .string("default")
            o["metadata"] = .object(meta)
            res = .object(o)
        }
        let (group, version) = KyvernoEngine.splitAPIVersion(resource.apiVersion)
        let namespaced = !clusterScopedKinds.contains(resource.kind)
        let ns = namespaced ? (resource.namespace ?? "default") : nil
        let ui = userInfo?["userInfo"]
        var info = KyvernoRequestInfo(kind: resource.kind, group: group, version: version, name: resource.name, namespace: ns,
                                      labels: resource.labels, annotations: resource.annotations,
                                      namespaceLabels: namespaceLabels[ns ?? ""] ?? [:], operation: "CREATE",
                                      username: ui?["username"]?.string ?? "", groups: ui?["groups"]?.array?.compactMap { $0.string } ?? [])
        info.roles = userInfo?["roles"]?.array?.compactMap { $0.string } ?? []
        info.clusterRoles = userInfo?["clusterRoles"]?.array?.compactMap { $0.string } ?? []
        if resource.kind == "Namespace" { info.namespaceLabels = resource.labels }

        var ctx = KyvernoEngine.context(resource: res, info: info)
        var provided = Set<String>()
        for (k, v) in globalValues { ctx.set(path: k, v); provided.insert(k) }
        let pv = values?["policies"]?.array?.first { $0["name"]?.string == policy.name }
        for r in pv?["resources"]?.array ?? [] where r["name"]?.string == resource.name {
            for (k, v) in r["values"]?.object ?? [:] { ctx.set(path: k, v); provided.insert(k) }
        }
        for r in pv?["rules"]?.array ?? [] where r["name"]?.string == rule.name || r["name"]?.string == rule.generatedFrom {
            for (k, v) in r["values"]?.object ?? [:] { ctx.set(path: k, v); provided.insert(k) }
        }
        // The operation can be overridden by values.
        if let op = ctx.root["request"]?["operation"]?.string { info.operation = op }
        if let ns = policy.namespace, (info.namespace ?? "default") != ns {
            return KyvernoRuleResult(status: .skip, message: "the namespaced Policy applies to namespace \(ns) only")
        }
        guard KyvernoMatch.applies(rule.value, info) else {
            return KyvernoRuleResult(status: .skip, message: "rule does not match the resource (match/exclude)")
        }
        return KyvernoRuleEvaluator.evaluate(rule, resource: res, context: ctx, providedVariables: provided)
    }

    private static func matchInfo(_ resource: KubernetesObject) -> KyvernoRequestInfo {
        let (group, version) = KyvernoEngine.splitAPIVersion(resource.apiVersion)
        return KyvernoRequestInfo(kind: resource.kind, group: group, version: version, name: resource.name,
                                  namespace: clusterScopedKinds.contains(resource.kind) ? nil : (resource.namespace ?? "default"),
                                  labels: resource.labels, annotations: resource.annotations, namespaceLabels: [:],
                                  operation: "CREATE", username: "", groups: [])
    }

    static let clusterScopedKinds: Set<String> = ["Namespace", "ClusterRole", "ClusterRoleBinding", "Node", "PersistentVolume",
                                                  "StorageClass", "CustomResourceDefinition", "PriorityClass", "ClusterPolicy",
                                                  "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "CertificateSigningRequest",
                                                  "IngressClass", "RuntimeClass", "APIService", "ClusterIssuer"]

    // MARK: Loading

    static func loadYAML(_ path: String) throws -> [Node] {
        let bytes = try SourceReader.read(path: path, limits: .default)
        return try YAMLReader.parse(bytes, file: SourceFile(path: path)).documents
    }

    static func objects(_ path: String) throws -> [KubernetesObject] {
        var out: [KubernetesObject] = []
        func add(_ n: Node) {
            guard let kind = n["kind"]?.string else { return }
            if kind.hasSuffix("List"), let items = n["items"]?.items { items.forEach(add); return }
            out.append(KubernetesObject(apiVersion: n["apiVersion"]?.scalarText ?? "", kind: kind,
                                        name: n.at(["metadata", "name"])?.scalarText ?? "",
                                        namespace: n.at(["metadata", "namespace"])?.scalarText, node: n))
        }
        for d in try loadYAML(path) { add(d) }
        return out
    }
}
