import Foundation
import GuardpostDocuments
import GuardpostModel

/// A `suite.yaml` that cannot be read (exit code 2).
public struct GatorSuiteError: Error, CustomStringConvertible, Sendable {
    public var location: Location
    public var message: String
    public var description: String { "\(location): \(message)" }
}

/// What `guardpost admission test PATH...` reports for Gatekeeper suites.
public struct GatorRunReport: Sendable {
    public var results: [AdmissionCaseResult]
    public var unreadable: [GatorSuiteError]
    /// 2 when a suite cannot be read, 1 when any case disagrees, else 0.
    public var exitCode: Int32 {
        if !unreadable.isEmpty { return 2 }
        return results.contains { $0.status == .disagreed } ? 1 : 0
    }
}

/// Runs Gatekeeper `gator verify` suites (`kind: Suite`, `apiVersion: test.gatekeeper.sh/v1alpha1`)
/// with guardpost's own engine, offline, and reports each case the way gator does.
public struct GatorSuiteRunner {
    /// `suite.yaml` files under the paths (a file is taken as is when it is a Suite).
    public static func discover(paths: [String]) -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { out.append(path); continue }
            if !isDir.boolValue { out.append(path); continue }
            guard let e = fm.enumerator(atPath: path) else { continue }
            for case let rel as String in e {
                let name = (rel as NSString).lastPathComponent
                if name == "suite.yaml" || name == "suite.yml" { out.append((path as NSString).appendingPathComponent(rel)) }
            }
        }
        return out.sorted()
    }

    public static func runAll(paths: [String]) -> GatorRunReport {
        var report = GatorRunReport(results: [], unreadable: [])
        for suite in discover(paths: paths) {
            do { report.results += try runChecked(suiteFile: suite) } catch let e as GatorSuiteError {
                report.unreadable.append(e)
            } catch {
                report.unreadable.append(GatorSuiteError(location: Location(file: SourceFile(path: suite), line: 1, column: 1), message: "\(error)"))
            }
        }
        return report
    }

    /// Every case of one suite; a suite that cannot be read gives one `disagreed` result naming the problem
    /// (use `runChecked` or `runAll` to tell it apart).
    public static func run(suiteFile: String) -> [AdmissionCaseResult] {
        do { return try runChecked(suiteFile: suiteFile) } catch {
            let loc = (error as? GatorSuiteError)?.location ?? Location(file: SourceFile(path: suiteFile), line: 1, column: 1)
            return [AdmissionCaseResult(engine: .gatekeeper, suite: loc, name: "(suite)", expected: "a readable suite",
                                        actual: "unreadable", status: .disagreed, detail: "\(error)")]
        }
    }

    public static func runChecked(suiteFile: String) throws -> [AdmissionCaseResult] {
        let docs = try GatekeeperFiles.documents(suiteFile)
        guard let suite = docs.first(where: { $0["kind"]?.string == "Suite" }) else {
            throw GatorSuiteError(location: docs.first?.location ?? Location(file: SourceFile(path: suiteFile), line: 1, column: 1),
                                  message: "not a gator Suite (kind: Suite, apiVersion: test.gatekeeper.sh/v1alpha1)")
        }
        let dir = (suiteFile as NSString).deletingLastPathComponent
        let suiteName = suite.at(["metadata", "name"])?.string ?? (dir as NSString).lastPathComponent
        var results: [AdmissionCaseResult] = []
        let suiteSkipped = GatekeeperRego.isTrue(suite["skip"])
        for test in GatekeeperRego.elements(suite["tests"]) {
            let testName = test["name"]?.scalarText ?? "?"
            let cases = GatekeeperRego.elements(test["cases"])
            func skipAll(_ reason: String) {
                for c in cases {
                    results.append(AdmissionCaseResult(engine: .gatekeeper, suite: c.location, name: "\(suiteName)/\(testName)/\(c["name"]?.scalarText ?? "?")",
                                                       expected: describe(c["assertions"]), actual: "", status: .skipped, detail: reason))
                }
            }
            if suiteSkipped || GatekeeperRego.isTrue(test["skip"]) { skipAll("skip: true in the suite"); continue }
            if test["expansion"] != nil { skipAll("uses an ExpansionTemplate; expansion is not simulated"); continue }
            var policies: [KubernetesObject] = []
            var template: GatekeeperTemplate?
            do {
                for key in ["template", "constraint"] {
                    guard let rel = test[key]?.string else {
                        throw GatorSuiteError(location: test.location, message: "test \(testName) has no \(key)")
                    }
                    for d in try GatekeeperFiles.documents((dir as NSString).appendingPathComponent(rel)) {
                        let o = GatekeeperFiles.object(d)
                        policies.append(o)
                        if key == "template", let t = GatekeeperTemplate(o) { template = t }
                    }
                }
            } catch {
                for c in cases {
                    results.append(AdmissionCaseResult(engine: .gatekeeper, suite: c.location, name: "\(suiteName)/\(testName)/\(c["name"]?.scalarText ?? "?")",
                                                       expected: describe(c["assertions"]), actual: "error", status: .disagreed, detail: "\(error)"))
                }
                continue
            }
            guard let template else { skipAll("no ConstraintTemplate in \(test["template"]?.string ?? "?")"); continue }
            guard template.native != nil else {
                skipAll(template.rego == nil ? "cannot evaluate: template \(template.constraintKind) has no Rego (CEL only)"
                        : "cannot evaluate: template \(template.constraintKind) (\(template.name)) is not evaluated natively")
                continue
            }
            for c in cases {
                results.append(runCase(c, suiteName: suiteName, testName: testName, dir: dir, policies: policies, template: template))
            }
        }
        return results
    }

    static func runCase(_ c: Node, suiteName: String, testName: String, dir: String,
                        policies: [KubernetesObject], template: GatekeeperTemplate) -> AdmissionCaseResult {
        let name = "\(suiteName)/\(testName)/\(c["name"]?.scalarText ?? "?")"
        let expected = describe(c["assertions"])
        func result(_ status: AdmissionCaseResult.Status, _ actual: String, _ detail: String? = nil) -> AdmissionCaseResult {
            AdmissionCaseResult(engine: .gatekeeper, suite: c.location, name: name, expected: expected, actual: actual, status: status, detail: detail)
        }
        if GatekeeperRego.isTrue(c["skip"]) { return result(.skipped, "", "skip: true in the suite") }
        if !GatekeeperRego.elements(c["inventory"]).isEmpty {
            return result(.skipped, "", "uses inventory (data.inventory): referential data is not simulated")
        }
        guard let rel = c["object"]?.string else { return result(.disagreed, "error", "case has no object") }
        let docs: [Node]
        do { docs = try GatekeeperFiles.documents((dir as NSString).appendingPathComponent(rel)).filter { !$0.isNull } } catch {
            return result(.disagreed, "error", "\(error)")
        }
        guard docs.count == 1, let doc = docs.first else {
            return result(.disagreed, "error", "\(rel) defines \(docs.count) objects; gator needs exactly one")
        }
        var object = doc
        var operation = ""
        var reviewKind = doc["kind"]?.string ?? ""
        if doc["kind"]?.string == "AdmissionReview", (doc["apiVersion"]?.string ?? "").hasPrefix("admission.k8s.io/") {
            guard let req = doc["request"], let o = req["object"] ?? req["oldObject"] else {
                return result(.disagreed, "error", "AdmissionReview without request.object")
            }
            object = o
            operation = req["operation"]?.string ?? ""
            reviewKind = req.at(["kind", "kind"])?.string ?? o["kind"]?.string ?? ""
        }
        let k = GatekeeperFiles.object(object)
        let request = AdmissionRequest(object: object, apiVersion: k.apiVersion, kind: k.kind, name: k.name,
                                       namespace: k.namespace, operation: operation)
        let evals = GatekeeperEngine.evaluate(policies: policies, request: request, reviewKind: reviewKind, applyConfig: false)
        let messages = evals.flatMap { $0.violations.map(\.msg) }
        var failures: [String] = []
        for a in GatekeeperRego.elements(c["assertions"]) {
            var matching = messages.count
            if let pattern = a["message"]?.scalarText {
                guard let re = try? NSRegularExpression(pattern: pattern) else {
                    return result(.disagreed, "error", "invalid message regex \(pattern)")
                }
                matching = messages.filter { re.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }.count
            }
            let want = a["violations"]
            let ok: Bool
            switch want?.value {
            case .none, .some(.null): ok = matching > 0
            case .some(.bool(let b)): ok = b ? matching > 0 : matching == 0
            case .some(.string(let s)) where s.lowercased() == "yes": ok = matching > 0
            case .some(.string(let s)) where s.lowercased() == "no": ok = matching == 0
            default:
                if let n = want?.int ?? want?.scalarText.flatMap({ Int($0) }) { ok = matching == n } else {
                    return result(.disagreed, "error", "assertion.violation, if set, must be a nonnegative integer, \"yes\", or \"no\"")
                }
            }
            if !ok {
                let what = a["message"]?.scalarText.map { " containing \"\($0)\"" } ?? ""
                failures.append("got \(matching) violations\(what) but want \(describeAssertion(a)) (\(a.location))")
            }
        }
        let actual = "violations: \(messages.count)" + (messages.isEmpty ? "" : " " + messages.map { "\"\($0)\"" }.joined(separator: ", "))
        if failures.isEmpty { return result(.agreed, actual) }
        return result(.disagreed, actual, failures.joined(separator: "; ") + "; policy \(template.regoLocation) (\(template.constraintKind))")
    }

    static func describeAssertion(_ a: Node) -> String {
        var s = "violations: \(a["violations"].flatMap { $0.scalarText } ?? "yes")"
        if let m = a["message"]?.scalarText { s += ", message: \(m)" }
        return s
    }

    static func describe(_ assertions: Node?) -> String {
        GatekeeperRego.elements(assertions).map(describeAssertion).joined(separator: "; ")
    }

    /// gator-style text: `ok`/`FAIL`/`SKIP` per case, with the disagreement and the policy's file:line.
    public static func render(_ results: [AdmissionCaseResult]) -> String {
        var out = ""
        for r in results {
            switch r.status {
            case .agreed: out += "ok      \(r.name)\n"
            case .skipped: out += "--- SKIP: \(r.name): \(r.detail ?? "")\n"
            case .disagreed: out += "--- FAIL: \(r.name) (\(r.suite))\n    \(r.detail ?? "")\n    \(r.actual)\n"
            }
        }
        let failed = results.filter { $0.status == .disagreed }.count
        let skipped = results.filter { $0.status == .skipped }.count
        out += failed == 0 ? "PASS" : "FAIL"
        out += " (\(results.count - failed - skipped) agreed, \(failed) disagreed, \(skipped) skipped)\n"
        return out
    }
}

/// Reading the files a suite names.
enum GatekeeperFiles {
    static func documents(_ path: String) throws -> [Node] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GatorSuiteError(location: Location(file: SourceFile(path: path), line: 1, column: 1), message: "cannot read \(path)")
        }
        do {
            return try parseYAML(data, path: path).filter { !$0.isNull }
        } catch let e as GatorSuiteError {
            throw e
        } catch {
            throw GatorSuiteError(location: Location(file: SourceFile(path: path), line: 1, column: 1), message: "\(error)")
        }
    }

    static func object(_ node: Node) -> KubernetesObject {
        KubernetesObject(apiVersion: node["apiVersion"]?.string ?? "", kind: node["kind"]?.string ?? "",
                         name: node.at(["metadata", "name"])?.scalarText ?? "",
                         namespace: node.at(["metadata", "namespace"])?.string, node: node)
    }
}
