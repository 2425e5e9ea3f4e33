import GuardpostDocuments
import GuardpostModel
import GuardpostAdmission

/// The `eks:addon-cluster-admin` binding that lets EKS install add-ons is changed in the scan.
public struct AddonClusterAdminBindingRule: Rule {
    public init() {}
    public let metadata = RuleMetadata(
        id: "GP152", name: "addon-cluster-admin-binding",
        title: "ClusterRoleBinding eks:addon-cluster-admin no longer gives eks:addon-manager cluster-admin",
        severity: .error, issueType: "Addon Status Unhealthy",
        rationale: "EKS installs and updates add-ons as user eks:addon-manager, bound to ClusterRole cluster-admin by ClusterRoleBinding eks:addon-cluster-admin. When the binding (or cluster-admin) is changed so that it no longer grants rights on namespaces or priority classes, the add-on cannot create Namespace amazon-guardduty or PriorityClass aws-guardduty-agent.priorityclass and GuardDuty reports `EKS Addon issue - AccessDenied: priorityclasses.scheduling.k8s.io \"aws-guardduty-agent.priorityclass\" is forbidden: User \"eks:addon-manager\" cannot patch resource ...`.",
        remediation: [.kubernetes: RBACCheck.documentedFix],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eks-runtime-monitoring-coverage.html",
        examples: [
            RuleExample("binding points at a narrower role", format: .kubernetes, file: "rbac.yaml", content: """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: eks:addon-cluster-admin
            subjects:
            - kind: User
              name: eks:addon-manager
              apiGroup: rbac.authorization.k8s.io
            roleRef:
              kind: ClusterRole
              name: view
              apiGroup: rbac.authorization.k8s.io
            """, expect: [.init("ClusterRoleBinding/eks:addon-cluster-admin")]),
            RuleExample("binding as EKS creates it", format: .kubernetes, file: "rbac.yaml", content: """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: eks:addon-cluster-admin
            subjects:
            - kind: User
              name: eks:addon-manager
              apiGroup: rbac.authorization.k8s.io
            roleRef:
              kind: ClusterRole
              name: cluster-admin
              apiGroup: rbac.authorization.k8s.io
            """, expect: []),
        ])

    public func check(_ context: CheckContext) -> [Finding] {
        var out: [Finding] = []
        // The decisions depend only on the target's manifests: once per distinct selection, not per cluster.
        var memo: [Int: [AdmissionDecision]] = [:]
        for target in AdmissionSimulation.targets(context) {
            let rbacDecisions: [AdmissionDecision]
            if let m = memo[target.selectionID] { rbacDecisions = m } else {
                let rbac = AdmissionSimulation.select(target.objects) { $0.apiVersion.hasPrefix("rbac.authorization.k8s.io/") }
                rbacDecisions = rbac.isEmpty ? [] : RBACCheck.evaluate(objects: rbac)
                memo[target.selectionID] = rbacDecisions
            }
            guard !rbacDecisions.isEmpty else { continue }
            let decisions = rbacDecisions.map {
                AdmissionSimulation.Evaluated(target: target, request: AdmissionRequest(object: Node(.null, location: $0.location), apiVersion: "v1",
                                                                                       kind: "User", name: RBACCheck.addonUser, namespace: nil),
                                              decision: $0)
            }
            out += AdmissionFindings.make(decisions, rule: metadata, context: context) { _ in RBACCheck.documentedFix }
        }
        return out
    }
}
