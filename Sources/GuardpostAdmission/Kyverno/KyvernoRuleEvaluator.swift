import Foundation
import GuardpostDocuments

/// What one rule decides about one resource, as the Kyverno CLI reports it.
struct KyvernoRuleResult {
    enum Status: String { case pass, fail, skip, error, unsupported }
    var status: Status
    var message: String
    /// The failing pattern path (Kyverno's `/spec/containers/0/image/`), when any.
    var path: String?
}

enum KyvernoRuleEvaluator {
    /// Evaluates one rule on a resource whose `match`/`exclude` already selected it.
    static func evaluate(_ rule: KyvernoRule, resource: KValue, context base: KyvernoContext, providedVariables: Set<String>) -> KyvernoRuleResult {
        do {
            return try run(rule, resource, base, providedVariables)
        } catch let e as KyvernoEvalError {
            return KyvernoRuleResult(status: e.unsupported ? .unsupported : .error, message: e.message)
        } catch {
            return KyvernoRuleResult(status: .error, message: "\(error)")
        }
    }

    private static func run(_ rule: KyvernoRule, _ resource: KValue, _ base: KyvernoContext, _ provided: Set<String>) throws -> KyvernoRuleResult {
        guard let validate = rule.value["validate"] else {
            throw KyvernoEvalError(message: "\(rule.kindOfRule) rules are not evaluated (only validate rules are)", unsupported: true)
        }
        if rule.value["celPreconditions"] != nil {
            throw KyvernoEvalError(message: "CEL preconditions are not evaluated offline", unsupported: true)
        }
        for unsupported in ["cel", "manifests", "assert"] where validate[unsupported] != nil {
            throw KyvernoEvalError(message: "validate.\(unsupported) is not evaluated offline", unsupported: true)
        }
        var ctx = base
        try ctx.load(entries: rule.value["context"], provided: provided)
        if !(try KyvernoConditions.evaluate(rule.value["preconditions"], ctx)) {
            return KyvernoRuleResult(status: .skip, message: "preconditions not met")
        }
        let name = rule.name
        let message = try messageText(validate["message"], ctx)

        if let foreach = validate["foreach"]?.array {
            return try forEach(foreach, ctx, provided, rule: name, message: message, depth: 0)
        }
        return try validateBlock(validate, resource: resource, ctx: ctx, rule: name, message: message)
    }

    private static func messageText(_ m: KValue?, _ ctx: KyvernoContext) throws -> String {
        guard let m else { return "" }
        if case .string(let s) = m, s.contains("{{") {
            return (try? ctx.substitute(s).text) ?? s
        }
        return m.text
    }

    /// A pattern, anyPattern, deny or podSecurity check against `resource`.
    private static func validateBlock(_ v: KValue, resource: KValue, ctx: KyvernoContext, rule: String, message: String) throws -> KyvernoRuleResult {
        if let p = v["pattern"] {
            let pattern = try ctx.substituteAll(p)
            switch KyvernoPattern.validate(resource, pattern) {
            case .pass: return KyvernoRuleResult(status: .pass, message: "validation rule '\(rule)' passed.")
            case .skip(_, let reason, _):
                return KyvernoRuleResult(status: .skip, message: "conditional anchor mismatch: \(reason)")
            case .fail(let path, _):
                return KyvernoRuleResult(status: .fail, message: KyvernoMessages.patternFailure(message: message, rule: rule, paths: [path]), path: path)
            }
        }
        if let ps = v["anyPattern"]?.array {
            var paths: [String] = []
            var skipped = 0
            for p in ps {
                switch KyvernoPattern.validate(resource, try ctx.substituteAll(p)) {
                case .pass: return KyvernoRuleResult(status: .pass, message: "validation rule '\(rule)' anyPattern passed.")
                case .skip: skipped += 1
                case .fail(let path, _): paths.append(path)
                }
            }
            if skipped == ps.count { return KyvernoRuleResult(status: .skip, message: "all patterns skipped") }
            let text = KyvernoMessages.anyPatternFailure(message: message, rule: rule, paths: paths)
            return KyvernoRuleResult(status: .fail, message: text, path: paths.first)
        }
        if let d = v["deny"] {
            let denied = try KyvernoConditions.evaluate(d["conditions"] ?? (d.object?.isEmpty == false ? nil : .null), ctx)
            if denied {
                return KyvernoRuleResult(status: .fail, message: message.isEmpty ? "validation error: rule \(rule) failed" : message)
            }
            return KyvernoRuleResult(status: .pass, message: "validation rule '\(rule)' passed.")
        }
        if let ps = v["podSecurity"] {
            let violations = try KyvernoPodSecurity.check(resource, ps)
            if violations.isEmpty { return KyvernoRuleResult(status: .pass, message: "validation rule '\(rule)' passed.") }
            let level = ps["level"]?.string ?? "baseline", version = ps["version"]?.string ?? "latest"
            return KyvernoRuleResult(status: .fail, message: "Validation rule '\(rule)' failed. It violates PodSecurity \"\(level):\(version)\": \(violations.joined(separator: "; "))")
        }
        throw KyvernoEvalError(message: "validate rule without pattern, anyPattern, deny, foreach or podSecurity", unsupported: true)
    }

    private static func forEach(_ list: [KValue], _ ctx: KyvernoContext, _ provided: Set<String>, rule: String, message: String, depth: Int) throws -> KyvernoRuleResult {
        var applied = 0
        for fe in list {
            guard let listExpr = fe["list"]?.string else { throw KyvernoEvalError(message: "foreach without list") }
            let expr = listExpr.contains("{{") ? (try ctx.substitute(listExpr)) : (try ctx.lookup(listExpr))
            let elements: [KValue]
            switch expr {
            case .array(let a): elements = a
            case .null: elements = []
            default: elements = [expr]
            }
            for (i, element) in elements.enumerated() {
                var ec = ctx
                ec.root["element"] = element
                ec.root["elementIndex"] = .number(Double(i))
                ec.root["element\(depth)"] = element
                ec.root["elementIndex\(depth)"] = .number(Double(i))
                try ec.load(entries: fe["context"], provided: provided)
                if !(try KyvernoConditions.evaluate(fe["preconditions"], ec)) { continue }
                applied += 1
                let msg = try messageText(.string(message), ec)
                let result: KyvernoRuleResult
                if let nested = fe["foreach"]?.array {
                    result = try forEach(nested, ec, provided, rule: rule, message: msg, depth: depth + 1)
                    if result.status == .skip { applied -= 1 }
                } else {
                    result = try validateBlock(fe, resource: element, ctx: ec, rule: rule, message: msg)
                }
                if result.status == .fail {
                    var r = result
                    if fe["deny"] != nil {
                        r.message = msg.isEmpty ? "validation failure" : msg
                    } else if let p = result.path {
                        r.message = KyvernoMessages.patternFailure(message: msg, rule: rule, paths: [p])
                    }
                    return r
                }
                if result.status == .error || result.status == .unsupported { return result }
            }
        }
        if applied == 0 { return KyvernoRuleResult(status: .skip, message: "rule skipped: no foreach element applied") }
        return KyvernoRuleResult(status: .pass, message: "validation rule '\(rule)' passed.")
    }
}

/// Messages in the real Kyverno format.
public enum KyvernoMessages {
    /// `validation error: Unknown image registry. rule autogen-validate-registries failed at path /spec/template/spec/containers/0/image/`
    public static func patternFailure(message: String, rule: String, paths: [String]) -> String {
        "validation error: \(sentence(message))rule \(rule) failed at path \(paths.first ?? "/")"
    }

    public static func anyPatternFailure(message: String, rule: String, paths: [String]) -> String {
        let parts = paths.enumerated().map { "rule \(rule)[\($0.offset)] failed at path \($0.element)" }
        return "validation error: \(sentence(message))\(parts.joined(separator: " "))"
    }

    private static func sentence(_ m: String) -> String {
        let t = m.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty { return "" }
        return t.hasSuffix(".") ? t + " " : t + ". "
    }

    /// The webhook's answer for one resource, flattened on one line the way GuardDuty shows it:
    /// `admission webhook "validate.kyverno.svc-fail" denied the request: policy DaemonSet/amazon-guardduty/aws-guardduty-agent for resource violation: restrict-image-registries: autogen-validate-registries: validation error: ...`
    public static func webhookDenial(resource: String, failures: [(policy: String, rule: String, message: String)]) -> String {
        var out = "admission webhook \"validate.kyverno.svc-fail\" denied the request: policy \(resource) for resource violation:"
        var lastPolicy: String? = nil
        for f in failures {
            if f.policy != lastPolicy { out += " \(f.policy):"; lastPolicy = f.policy }
            out += " \(f.rule): \(f.message)"
        }
        return out
    }
}
