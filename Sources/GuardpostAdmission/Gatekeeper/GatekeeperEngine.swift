import GuardpostDocuments
import GuardpostModel

/// OPA Gatekeeper's validating webhook (`validation.gatekeeper.sh`), evaluated offline: constraints and
/// their ConstraintTemplates, `match`, `enforcementAction`, and the `Config` resource's exemptions.
/// Templates of the public gatekeeper-library are evaluated natively, recognised by their Rego;
/// anything else is reported as "cannot evaluate", never guessed.
public enum GatekeeperEngine {
    public static let webhookName = "validation.gatekeeper.sh"

    /// Whether an object belongs to Gatekeeper (templates, constraints, Config, mutators, expansion...).
    public static func isGatekeeperObject(_ object: KubernetesObject) -> Bool {
        object.group.hasSuffix(".gatekeeper.sh")
    }

    /// One decision per constraint that applies to the request.
    public static func evaluate(policies: [KubernetesObject], request: AdmissionRequest) -> [AdmissionDecision] {
        evaluate(policies: policies, request: request, reviewKind: request.kind, applyConfig: true).map(\.decision)
    }

    struct Evaluation {
        var decision: AdmissionDecision
        var violations: [GatekeeperViolation]
        var constraint: GatekeeperConstraint
    }

    /// Templates (their Rego recognised), constraints and Config read once, to evaluate many requests against.
    public struct PreparedPolicies {
        var templates: [String: GatekeeperTemplate] = [:]
        var constraints: [GatekeeperConstraint] = []
        var configs: [GatekeeperConfig] = []
    }

    public static func prepare(_ policies: [KubernetesObject]) -> PreparedPolicies {
        var prepared = PreparedPolicies()
        for p in policies {
            if let t = GatekeeperTemplate(p) { prepared.templates[t.constraintKind] = t }
            else if let c = GatekeeperConstraint(p) { prepared.constraints.append(c) }
            else if let c = GatekeeperConfig(p) { prepared.configs.append(c) }
        }
        return prepared
    }

    /// `evaluate(policies:request:)` with the policies read beforehand.
    public static func evaluate(prepared: PreparedPolicies, request: AdmissionRequest) -> [AdmissionDecision] {
        evaluate(prepared: prepared, request: request, reviewKind: request.kind, applyConfig: true).map(\.decision)
    }

    static func evaluate(policies: [KubernetesObject], request: AdmissionRequest, reviewKind: String,
                         applyConfig: Bool, source: String = "Original") -> [Evaluation] {
        evaluate(prepared: prepare(policies), request: request, reviewKind: reviewKind, applyConfig: applyConfig, source: source)
    }

    static func evaluate(prepared: PreparedPolicies, request: AdmissionRequest, reviewKind: String,
                         applyConfig: Bool, source: String = "Original") -> [Evaluation] {
        let templates = prepared.templates
        let constraints = prepared.constraints
        let configs = prepared.configs
        let objectAddress = [request.kind, request.namespace, request.name].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "/")
        let namespaceForExemption = request.kind == "Namespace" ? request.name : (request.namespace ?? "")
        var out: [Evaluation] = []
        for c in constraints.sorted(by: { ($0.kind, $0.name) < ($1.kind, $1.name) }) {
            guard c.match.matches(request, source: source) else { continue }
            let policy = "\(c.kind)/\(c.name)"
            func decision(_ outcome: AdmissionOutcome, _ message: String, _ location: Location) -> AdmissionDecision {
                AdmissionDecision(engine: .gatekeeper, policy: policy, outcome: outcome, message: message, location: location, object: objectAddress)
            }
            if applyConfig, !namespaceForExemption.isEmpty {
                if let loc = configs.lazy.compactMap({ $0.exempts(namespace: namespaceForExemption) }).first {
                    out.append(Evaluation(decision: decision(.notApplicable, "namespace \(namespaceForExemption) is exempted from the Gatekeeper webhook by Config", loc), violations: [], constraint: c))
                    continue
                }
                if request.namespaceLabels["admission.gatekeeper.sh/ignore"] != nil {
                    out.append(Evaluation(decision: decision(.notApplicable, "namespace \(namespaceForExemption) carries label admission.gatekeeper.sh/ignore", c.location), violations: [], constraint: c))
                    continue
                }
            }
            guard let template = templates[c.kind] else {
                out.append(Evaluation(decision: decision(.cannotEvaluate(reason: "no ConstraintTemplate defines kind \(c.kind) in the scanned files"), "", c.location), violations: [], constraint: c))
                continue
            }
            guard let native = template.native else {
                let why = template.rego == nil
                    ? "ConstraintTemplate \(template.name) has no Rego we can evaluate (CEL-only templates are not evaluated offline)"
                    : "ConstraintTemplate \(template.name) (kind \(template.constraintKind)) is not a gatekeeper-library template guardpost evaluates natively"
                out.append(Evaluation(decision: decision(.cannotEvaluate(reason: why), "", template.regoLocation), violations: [], constraint: c))
                continue
            }
            let input = GatekeeperReviewInput(object: request.object, kind: reviewKind,
                                              operation: request.operation, parameters: c.parameters)
            var seen = Set<GatekeeperViolation>()
            let violations = native.evaluate(input).filter { seen.insert($0).inserted }
            if violations.isEmpty {
                out.append(Evaluation(decision: decision(.pass, "", c.location), violations: [], constraint: c))
                continue
            }
            let text = violations.map { "[\(c.name)] \($0.msg)" }.joined(separator: "\n")
            let message: String
            let outcome: AdmissionOutcome
            if c.webhookDenies {
                outcome = .deny
                message = "admission webhook \"\(webhookName)\" denied the request: \(text)"
            } else {
                outcome = .auditOnly
                message = "\(c.enforcementAction) (not enforced): \(text)"
            }
            out.append(Evaluation(decision: decision(outcome, message, c.location),
                                  violations: violations, constraint: c))
        }
        return out
    }
}
