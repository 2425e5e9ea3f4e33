import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// Without a written Kubernetes version, agent compatibility rests on which version EKS picks.
public struct ClusterVersionNotKnownRule: Rule {
    public init() {}
    static let defaultVersionAssumption = "eks-default-version"

    public let metadata = RuleMetadata(
        id: "GP110", name: "cluster-version-not-known",
        title: "The cluster's Kubernetes version is not set (EKS picks its default) or not known before apply",
        severity: .info, issueType: "Addon Creation Failed",
        rationale: "Whether the GuardDuty agent can be installed depends on the cluster's Kubernetes version. When the version is not set, EKS uses its default version: Terraform and CloudFormation document \"the latest available\", the EKS API says \"the default version ... might not be the latest\". guardpost assumes the newest version of its EKS calendar (assumption eks-default-version) and says so. With the newest agent this is harmless; with a pinned older agent the default may be outside its range (Addon Creation Failed), which is reported as a warning. A version only known after apply (a reference, a parameter without default) cannot be checked at all.",
        remediation: [
            .terraformPlan: "Set the version explicitly so upgrades are deliberate and compatibility can be checked:\n  resource \"aws_eks_cluster\" \"this\" {\n    version = \"1.34\"\n  }",
            .terraformJSON: "Set \"version\": \"1.34\" (a version the GuardDuty agent supports) on the aws_eks_cluster.",
            .cloudFormation: "Set the cluster's Version explicitly, e.g. Version: \"1.34\".",
        ],
        documentation: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html",
        examples: ClusterVersionNotKnownExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        let knowledge = context.knowledge
        var out: [Finding] = []
        for (index, cluster) in infra.clusters.enumerated() where !ClusterFacts.isOutpostsLocal(cluster) {
            guard ClusterFacts.isMonitoringIntended(index, context: context) else { continue }
            let deployment = AgentDeployment.resolve(cluster: index, context: context)
            let k8s = deployment.kubernetes
            let name = ClusterFacts.displayName(cluster)
            let at = k8s.attribute.location ?? cluster.resource.location
            switch k8s.source {
            case .written:
                continue
            case .invalid:
                out.append(finding("cluster '\(name)': \(k8s.attribute.name) \"\(k8s.attribute.value ?? "")\" is not a Kubernetes version (MAJOR.MINOR, e.g. 1.34); EKS rejects it and agent compatibility cannot be checked",
                                   at: at, resource: cluster.resource, attribute: k8s.attribute.name, clusterIndex: index, in: context, severity: .warning))
            case .unknown:
                out.append(finding("cannot verify: the Kubernetes version of cluster '\(name)' is only known after apply (\(k8s.attribute.note ?? k8s.attribute.name)); the GuardDuty agent's compatibility is not checked",
                                   at: at, resource: cluster.resource, attribute: k8s.attribute.name, clusterIndex: index, in: context))
            case .defaulted:
                guard let assumed = k8s.version else { continue }
                let base = "cluster '\(name)' does not set \(k8s.attribute.name): EKS uses its default Kubernetes version, assumed to be \(assumed) (the newest in guardpost's calendar, checked \(knowledge.checkedDate))"
                var agentText: String?
                var compatible = true
                switch deployment.choice {
                case .automatic(let agent), .pinned(let agent?, _):
                    if let range = knowledge.supportedKubernetes(agent: agent) {
                        compatible = range.min <= assumed && assumed <= range.max
                        agentText = "agent \(agent) supports \(range.min) - \(range.max)"
                    }
                case .eksDefault:
                    compatible = !knowledge.agentsSupporting(kubernetes: assumed).isEmpty
                default:
                    break
                }
                if compatible {
                    out.append(finding(base + (agentText.map { "; \($0)" } ?? ""), at: at, resource: cluster.resource,
                                       attribute: k8s.attribute.name, clusterIndex: index, in: context,
                                       assumptions: [Self.defaultVersionAssumption]))
                } else {
                    let subject = deployment.addon.map { infra.addons[$0].resource.address } ?? "the agent"
                    out.append(finding(base + "; \(subject): \(agentText ?? "no agent supports it") — the add-on would not be created",
                                       at: at, resource: cluster.resource, attribute: k8s.attribute.name, clusterIndex: index, in: context,
                                       effect: .unhealthy(AgentKubernetesVersionIncompatibleRule.issue(clusterName: name)),
                                       severity: .warning, assumptions: [Self.defaultVersionAssumption]))
                }
            }
        }
        return out
    }
}

enum ClusterVersionNotKnownExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var unset = ClusterFixture()
        unset.version = nil
        out += unset.examples("version not set, newest agent (info)") { f in
            [.init(F.cluster(f), attribute: F.attribute("version", "Version", f))]
        }
        var pinnedOld = unset
        pinnedOld.features = [.init("RUNTIME_MONITORING", "ENABLED", addonManagement: "DISABLED")]
        pinnedOld.addon = .some("v1.10.0-eksbuild.2")
        out += pinnedOld.examples("version not set, add-on pinned to v1.10.0 (warning)") { f in
            [.init(F.cluster(f), attribute: F.attribute("version", "Version", f))]
        }
        // A plan whose version is computed from another resource: only known after apply.
        let computed = ExamplePlan.json([
            .init("aws_eks_cluster.main", "aws_eks_cluster", values: #"{"name":"prod","role_arn":"r","vpc_config":[{}]}"#,
                  references: ["version": ["data.aws_eks_cluster_versions.latest.cluster_versions", "data.aws_eks_cluster_versions.latest"]]),
            .init("aws_guardduty_detector_feature.rm", "aws_guardduty_detector_feature",
                  values: #"{"name":"RUNTIME_MONITORING","status":"ENABLED","additional_configuration":[{"name":"EKS_ADDON_MANAGEMENT","status":"ENABLED"}]}"#),
        ])
        out.append(RuleExample("plan: version computed from a data source (cannot verify)", format: .terraformPlan, file: "plan.json",
                               content: computed, expect: [.init("aws_eks_cluster.main", attribute: "version")]))
        out.append(RuleExample("cfn: version from a parameter without default (cannot verify)", format: .cloudFormation, file: "t.yaml", content: """
        Parameters:
          K8sVersion:
            Type: String
        Resources:
          Detector:
            Type: AWS::GuardDuty::Detector
            Properties:
              Enable: true
              Features:
                - Name: RUNTIME_MONITORING
                  Status: ENABLED
          Cluster:
            Type: AWS::EKS::Cluster
            Properties:
              Name: prod
              Version: !Ref K8sVersion
              RoleArn: arn:aws:iam::111122223333:role/eks
              ResourcesVpcConfig:
                SubnetIds: [subnet-1, subnet-2]
        """, expect: [.init("Cluster", attribute: "Version")]))
        out += ClusterFixture().examples("version written") { _ in [] }
        var excluded = unset
        excluded.tags = [("GuardDutyManaged", "false")]
        out += excluded.examples("version not set, cluster excluded by tag") { _ in [] }
        var unknown = unset
        unknown.detector = false
        unknown.features = []
        out += unknown.examples("version not set, GuardDuty settings not known (GP100)", formats: [.terraformPlan]) { _ in [] }
        return out
    }
}
