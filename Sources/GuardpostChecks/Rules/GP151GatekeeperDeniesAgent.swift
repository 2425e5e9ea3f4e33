import GuardpostDocuments
import GuardpostModel
import GuardpostAdmission

/// A Gatekeeper constraint in the scan would deny the objects the GuardDuty add-on creates.
public struct GatekeeperDeniesAgentRule: Rule {
    public init() {}
    public let metadata = RuleMetadata(
        id: "GP151", name: "gatekeeper-denies-agent",
        title: "A Gatekeeper constraint would deny the GuardDuty agent's objects",
        severity: .error, issueType: "Addon Status Unhealthy",
        rationale: "Gatekeeper's validating webhook rejects the add-on's Namespace, DaemonSet or pods when a constraint with enforcementAction deny matches them — e.g. K8sRequiredLabels `all-must-have-owner` on the amazon-guardduty Namespace, or K8sAllowedRepos without the Region's agent registry. GuardDuty then reports `EKS Addon issue - AccessDenied: admission webhook \"validation.gatekeeper.sh\" denied the request: [constraint] ...`. guardpost evaluates constraints natively for the gatekeeper-library templates it recognises (by their Rego, not their names), honours match, excludedNamespaces, enforcementAction and the Config resource's exemptions, and reports unknown templates as \"cannot evaluate\".",
        remediation: [
            .kubernetes: "Exempt the add-on: add `amazon-guardduty` to the constraint's spec.match.excludedNamespaces, or make the objects comply (create the amazon-guardduty Namespace with the required labels before the add-on, allow the agent's registry).",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eks-runtime-monitoring-coverage.html",
        examples: GatekeeperExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        // The constraint is looked up among the target's manifests once per (manifest selection, policy),
        // not once per cluster.
        var labelKeys: [String: [String]] = [:]
        return AdmissionFindings.make(AdmissionSimulation.evaluate(context, engine: .gatekeeper), rule: metadata, context: context) { e in
            let text = e.decision.message
            if text.contains("label"), e.request.kind == "Namespace" {
                let memoKey = "\(e.target.selectionID)|\(e.decision.policy)"
                let keys = labelKeys[memoKey] ?? requiredLabelKeys(e, context: context)
                labelKeys[memoKey] = keys
                let labels = keys.isEmpty ? "      <label>: <value>" : keys.map { "      \($0): <value>" }.joined(separator: "\n")
                return "Create the add-on's namespace with the required labels before installing the add-on (GuardDuty reuses it):\n  apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: amazon-guardduty\n    labels:\n\(labels)\nor add `amazon-guardduty` to the constraint's spec.match.excludedNamespaces."
            }
            if text.contains("image") || text.contains("repo") || text.contains("registry"), let image = e.target.image,
               let registry = image.split(separator: "/").first {
                return "Allow the agent's registry: add \"\(registry)/\" to \(e.decision.policy)'s spec.parameters.repos, or add `amazon-guardduty` to its spec.match.excludedNamespaces."
            }
            return metadata.remediation(for: .kubernetes)
        }
    }

    func requiredLabelKeys(_ e: AdmissionSimulation.Evaluated, context: CheckContext) -> [String] {
        let parts = e.decision.policy.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return [] }
        let constraint = e.target.objects.first { $0.kind == parts[0] && $0.name == parts[1] }
        return constraint?.node.at(["spec", "parameters", "labels"])?.items?.compactMap { $0["key"]?.scalarText } ?? []
    }
}

enum GatekeeperExamples {
    /// A required-labels template written for guardpost's examples (same behaviour as the library's).
    static let template = """
    apiVersion: templates.gatekeeper.sh/v1
    kind: ConstraintTemplate
    metadata:
      name: k8srequiredlabels
    spec:
      crd:
        spec:
          names:
            kind: K8sRequiredLabels
          validation:
            openAPIV3Schema:
              type: object
              properties:
                message:
                  type: string
                labels:
                  type: array
                  items:
                    type: object
                    properties:
                      key: {type: string}
                      allowedRegex: {type: string}
      targets:
        - target: admission.k8s.gatekeeper.sh
          rego: |
            package k8srequiredlabels

            get_message(parameters, _default) := _default {
              not parameters.message
            }

            get_message(parameters, _) := parameters.message

            violation[{"msg": msg, "details": {"missing_labels": missing}}] {
              provided := {label | input.review.object.metadata.labels[label]}
              required := {label | label := input.parameters.labels[_].key}
              missing := required - provided
              count(missing) > 0
              def_msg := sprintf("you must provide labels: %v", [missing])
              msg := get_message(input.parameters, def_msg)
            }

            violation[{"msg": msg}] {
              value := input.review.object.metadata.labels[key]
              expected := input.parameters.labels[_]
              expected.key == key
              expected.allowedRegex != ""
              not regex.match(expected.allowedRegex, value)
              def_msg := sprintf("Label <%v: %v> does not satisfy allowed regex: %v", [key, value, expected.allowedRegex])
              msg := get_message(input.parameters, def_msg)
            }
    """

    static let constraint = """
    apiVersion: constraints.gatekeeper.sh/v1beta1
    kind: K8sRequiredLabels
    metadata:
      name: all-namespace-must-have-label-owner
    spec:
      match:
        kinds:
          - apiGroups: [""]
            kinds: ["Namespace"]
      parameters:
        message: "All namespaces must have an `owner` label"
        labels:
          - key: owner
    """

    static let all: [RuleExample] = [
        RuleExample("required owner label, add-on creates an unlabelled namespace", format: .kubernetes,
                    files: [("template.yaml", template), ("constraint.yaml", constraint)],
                    expect: [.init("K8sRequiredLabels/all-namespace-must-have-label-owner")]),
        RuleExample("required owner label, namespace created ahead with the label", format: .kubernetes,
                    files: [("template.yaml", template), ("constraint.yaml", constraint),
                            ("namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: amazon-guardduty\n  labels:\n    owner: security\n")],
                    expect: []),
    ]
}
