import GuardpostDocuments
import GuardpostModel
import GuardpostAdmission

/// A Kyverno policy in the scan would deny the objects the GuardDuty add-on creates.
public struct KyvernoDeniesAgentRule: Rule {
    public init() {}
    public let metadata = RuleMetadata(
        id: "GP150", name: "kyverno-denies-agent",
        title: "A Kyverno policy would deny the GuardDuty agent's objects",
        severity: .error, issueType: "Addon Status Unhealthy",
        rationale: "The aws-guardduty-agent add-on creates Namespace amazon-guardduty, a ServiceAccount, PriorityClass aws-guardduty-agent.priorityclass and DaemonSet aws-guardduty-agent (image from the Region's EKS add-on registry), as user eks:addon-manager. An Enforce-mode Kyverno policy that matches them — most often restrict-image-registries, whose autogen rule applies to the DaemonSet's pod template — makes the webhook deny the request, and GuardDuty reports `EKS Addon issue - AdmissionRequestDenied: admission webhook \"validate.kyverno.svc-fail\" denied the request`. guardpost evaluates the policies the way Kyverno would (match/exclude, autogen, patterns, deny conditions, podSecurity); what it cannot evaluate (CEL, API calls) is reported as information, never guessed.",
        remediation: [
            .kubernetes: "Allow the agent: add the Region's agent registry to the policy's allowed pattern, or exclude the add-on's namespace from the rule:\n  exclude:\n    any:\n    - resources:\n        namespaces:\n        - amazon-guardduty",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eks-runtime-monitoring-coverage.html",
        examples: KyvernoExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        AdmissionFindings.make(AdmissionSimulation.evaluate(context, engine: .kyverno), rule: metadata, context: context) { e in
            let text = e.decision.message.lowercased()
            if text.contains("image") || text.contains("registr"), let image = e.target.image,
               let registry = image.split(separator: "/").first {
                return "Allow the agent's registry in \(e.decision.policy): add `\(registry)/*` to the allowed image pattern (e.g. `image: \"<existing> | \(registry)/*\"`), or exclude the add-on's namespace:\n  exclude:\n    any:\n    - resources:\n        namespaces:\n        - amazon-guardduty"
            }
            return metadata.remediation(for: .kubernetes)
        }
    }
}

enum KyvernoExamples {
    static func policy(action: String, pattern: String) -> String {
        """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: restrict-image-registries
        spec:
          validationFailureAction: \(action)
          background: true
          rules:
          - name: validate-registries
            match:
              any:
              - resources:
                  kinds:
                  - Pod
            validate:
              message: "Unknown image registry."
              pattern:
                spec:
                  containers:
                  - image: "\(pattern)"
        """
    }
    static let all: [RuleExample] = [
        RuleExample("Enforce policy without the agent registry", format: .kubernetes, file: "policy.yaml",
                    content: policy(action: "Enforce", pattern: "eu.foo.io/* | bar.io/*"),
                    expect: [.init("ClusterPolicy/restrict-image-registries")]),
        RuleExample("Enforce policy allowing the agent registry", format: .kubernetes, file: "policy.yaml",
                    content: policy(action: "Enforce", pattern: "eu.foo.io/* | 602401143452.dkr.ecr.*.amazonaws.com/*"),
                    expect: []),
    ]
}
