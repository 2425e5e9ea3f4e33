import GuardpostDocuments
import GuardpostModel

/// The agent's DaemonSet managed in two places: by the EKS add-on and by a manifest, a Helm release or a Terraform
/// Kubernetes resource. Unless the add-on overwrites, EKS stops at the first conflicting field.
public struct AgentAddonConfigurationConflictRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP128", name: "agent-addon-configuration-conflict",
        title: "The agent's DaemonSet is also managed outside the add-on, and conflicts are not resolved with OVERWRITE",
        severity: .error, issueType: "Addon Status Unhealthy",
        rationale: "When DaemonSet amazon-guardduty/aws-guardduty-agent is also applied by a Kubernetes manifest, a Helm release or a Terraform kubernetes_* resource, the EKS add-on finds fields it does not own. With resolve conflicts NONE — the API's behaviour when none is given, and what GuardDuty uses for the add-on it manages under automated agent configuration — EKS does not change them and GuardDuty reports `Addon Status Unhealthy: EKS Addon issue - ConfigurationConflict: Conflicts found when trying to apply. Will not continue due to resolve conflicts mode. Conflicts: DaemonSet.apps aws-guardduty-agent - .spec.template.spec.containers[name=\"aws-guardduty-agent\"].image`. PRESERVE avoids the failure but keeps the other manager's values. The documented fix is OVERWRITE, or removing the other copy and reinstalling the add-on.",
        remediation: [
            .terraformPlan: "Let the add-on own the DaemonSet: in the aws_eks_addon set\n  resolve_conflicts_on_create = \"OVERWRITE\"\n  resolve_conflicts_on_update = \"OVERWRITE\"\nand remove the manifest / helm_release / kubernetes_* resource that also deploys aws-guardduty-agent.",
            .terraformJSON: "In the aws_eks_addon set \"resolve_conflicts_on_create\": \"OVERWRITE\" and \"resolve_conflicts_on_update\": \"OVERWRITE\", and remove the other definition of DaemonSet aws-guardduty-agent.",
            .cloudFormation: "In the AWS::EKS::Addon set ResolveConflicts: OVERWRITE, and remove the other definition of DaemonSet aws-guardduty-agent.",
            .kubernetes: "Remove this DaemonSet from the manifests: the EKS add-on (or GuardDuty's automated agent configuration) installs and owns amazon-guardduty/aws-guardduty-agent. If it must stay, set the add-on's resolve conflicts to OVERWRITE.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eks-runtime-monitoring-coverage.html",
        examples: AgentAddonConfigurationConflictExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var out: [Finding] = []
        let sources = AgentAddon.SelfManagedSources(context) // once per scan, not per cluster
        for cc in context.clusterContexts where cc.runtimeMonitoring.toggle != .disabled {
            let others = AgentAddon.selfManagedDaemonSets(for: cc.cluster, context, sources)
            guard let first = others.first else { continue }
            let cluster = GuardDutyEndpoints.clusterLabel(cc.cluster, infra)
            let elsewhere = others.map(\.how).joined(separator: ", ")
            if let a = AgentAddon.addon(of: cc.cluster, context) {
                let addon = infra.addons[a]
                var attribute = addon.resolveConflicts
                // A plan that creates the add-on applies resolve_conflicts_on_create first.
                if attribute.value?.uppercased() == "OVERWRITE", addon.resource.format.isTerraform, addon.resource.action != .update,
                   addon.resolveConflictsOnCreate.value?.uppercased() != "OVERWRITE" {
                    attribute = addon.resolveConflictsOnCreate
                }
                let mode = attribute.value?.uppercased()
                if mode == "OVERWRITE" { continue }
                let stated = attribute.value.map { "\(attribute.name) is \($0)" } ?? "\(attribute.name) is not set (EKS then leaves conflicting fields alone, like NONE)"
                if mode == "PRESERVE" {
                    out.append(finding("\(addon.resource.address) for \(cluster): \(stated) while DaemonSet aws-guardduty-agent is also managed by \(elsewhere): the add-on keeps the other manager's values (image, resources), so the agent version it declares is not the one that runs",
                                       at: attribute.location ?? addon.resource.location, resource: addon.resource, attribute: attribute.name,
                                       clusterIndex: cc.cluster, in: context, severity: .warning))
                    continue
                }
                out.append(finding("\(addon.resource.address) for \(cluster): \(stated) while DaemonSet aws-guardduty-agent is also managed by \(elsewhere): EKS will not apply its fields over the other manager's",
                                   at: attribute.location ?? addon.resource.location, resource: addon.resource, attribute: attribute.name,
                                   clusterIndex: cc.cluster, in: context, effect: .unhealthy(GuardDutyIssues.configurationConflict)))
            } else if cc.managementType == .autoManaged {
                out.append(finding("DaemonSet aws-guardduty-agent of \(cluster) is managed by \(elsewhere), while GuardDuty's automated agent configuration installs the add-on with resolve conflicts NONE: the add-on will not take the DaemonSet over",
                                   at: first.location, resource: rawResource(first, context), clusterIndex: cc.cluster, in: context,
                                   effect: .unhealthy(GuardDutyIssues.configurationConflict),
                                   remediation: "Remove the self-managed DaemonSet (and its namespace objects) from \(first.how): with automated agent configuration GuardDuty installs and updates the agent itself."))
            }
        }
        return out
    }

    /// The finding's resource for a self-managed source: its raw resource, or a stand-in for a Kubernetes manifest.
    func rawResource(_ s: AgentAddon.SelfManaged, _ context: CheckContext) -> RawResource {
        if let raw = context.infrastructure.resources.first(where: { $0.address == s.address && $0.location == s.location }) { return raw }
        return RawResource(format: .kubernetes, type: "DaemonSet", address: s.address, linkKey: s.address, scope: "k8s",
                           location: s.location, attributes: Node(.mapping([]), location: s.location))
    }
}

enum AgentAddonConfigurationConflictExamples {
    typealias F = AgentAddonFixture
    static let helm = ExamplePlan.Resource("helm_release.guardduty_agent", "helm_release",
                                           values: #"{"name":"aws-guardduty-agent","chart":"./charts/aws-guardduty-agent","namespace":"amazon-guardduty"}"#)
    static let kubernetesManifest = """
    ,
        "kubernetes_manifest": {"guardduty_agent": {"manifest": {"apiVersion": "apps/v1", "kind": "DaemonSet",
          "metadata": {"name": "aws-guardduty-agent", "namespace": "amazon-guardduty"}}}}
    """
    static let all: [RuleExample] = [
        RuleExample("plan: add-on with NONE and a manifest of the DaemonSet", format: .terraformPlan, files: [
            ("plan.json", F.plan(F.options { $0.resolveConflicts = "NONE" })), F.selfManagedDaemonSet,
        ], expect: [.init("aws_eks_addon.guardduty", attribute: "resolve_conflicts_on_update")]),
        RuleExample("plan: add-on with OVERWRITE and a manifest of the DaemonSet", format: .terraformPlan, files: [
            ("plan.json", F.plan(F.options { $0.resolveConflicts = "OVERWRITE" }).replacingOccurrences(of: #""resolve_conflicts_on_update":"OVERWRITE""#,
                with: #""resolve_conflicts_on_update":"OVERWRITE","resolve_conflicts_on_create":"OVERWRITE""#)), F.selfManagedDaemonSet,
        ], expect: []),
        RuleExample("plan: add-on with NONE, nothing else manages the DaemonSet", format: .terraformPlan,
                    file: "plan.json", content: F.plan(F.options { $0.resolveConflicts = "NONE" }), expect: []),
        RuleExample("plan: automated agent configuration and a helm_release of the agent", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.automated = "ENABLED"; $0.addon = false }, extra: [helm]),
                    expect: [.init("helm_release.guardduty_agent")]),
        RuleExample("tf.json: resolve_conflicts_on_update not set, kubernetes_manifest of the DaemonSet", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.resolveConflicts = nil }, extraResources: kubernetesManifest),
                    expect: [.init("aws_eks_addon.guardduty", attribute: "resolve_conflicts_on_update")]),
        RuleExample("tf.json: OVERWRITE", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.resolveConflicts = "OVERWRITE" }, extraResources: kubernetesManifest)
                        .replacingOccurrences(of: #""resolve_conflicts_on_update": "OVERWRITE""#, with: #""resolve_conflicts_on_update": "OVERWRITE", "resolve_conflicts_on_create": "OVERWRITE""#),
                    expect: []),
        RuleExample("cfn: ResolveConflicts NONE and a manifest of the DaemonSet", format: .cloudFormation, files: [
            ("eks.yaml", F.cloudFormation(F.options { $0.resolveConflicts = "NONE" })), F.selfManagedDaemonSet,
        ], expect: [.init("GuardDutyAgent", attribute: "ResolveConflicts")]),
        RuleExample("cfn: ResolveConflicts OVERWRITE", format: .cloudFormation, files: [
            ("eks.yaml", F.cloudFormation(F.options { $0.resolveConflicts = "OVERWRITE" })), F.selfManagedDaemonSet,
        ], expect: []),
        RuleExample("k8s: automated agent configuration and a DaemonSet manifest", format: .kubernetes, files: [
            (".guardpost.yml", "region: us-east-1\naccounts:\n  - id: \"111122223333\"\n    runtimeMonitoring: enabled\n    automatedAgentConfiguration: enabled\n"),
            ("eks.yaml", "Resources:\n  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Name: prod\n      RoleArn: r\n      ResourcesVpcConfig:\n        SubnetIds: [subnet-1]\n"),
            F.selfManagedDaemonSet,
        ], expect: [.init("DaemonSet/amazon-guardduty/aws-guardduty-agent")]),
        RuleExample("k8s: automated agent configuration, no DaemonSet manifest", format: .kubernetes, files: [
            (".guardpost.yml", "region: us-east-1\naccounts:\n  - id: \"111122223333\"\n    runtimeMonitoring: enabled\n    automatedAgentConfiguration: enabled\n"),
            ("eks.yaml", "Resources:\n  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Name: prod\n      RoleArn: r\n      ResourcesVpcConfig:\n        SubnetIds: [subnet-1]\n"),
        ], expect: []),
    ]
}
