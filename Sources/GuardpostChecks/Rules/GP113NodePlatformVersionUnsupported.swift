import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// Amazon Linux 2023 needs agent v1.6.0 or newer; Bottlerocket needs Kubernetes 1.23 or newer.
public struct NodePlatformVersionUnsupportedRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP113", name: "node-platform-version-unsupported",
        title: "A node group's OS needs a newer GuardDuty agent (AL2023: v1.6.0+) or Kubernetes version (Bottlerocket: 1.23+)",
        severity: .warning, issueType: nil,
        rationale: "GuardDuty lists the platforms its EKS agent is verified on: Amazon Linux 2023 only with agent v1.6.0 and above, Bottlerocket only on Kubernetes 1.23 and above. On other combinations the agent \"may run\", but GuardDuty \"cannot guarantee the expected security value\": the nodes of the group are, at best, not reliably covered. Since EKS 1.30, managed node groups without an ami_type get AL2023, so an old pinned agent meets AL2023 without anyone writing it.",
        remediation: [
            .terraformPlan: "Use agent v1.6.0 or newer (aws_eks_addon addon_version, or leave it to automated configuration) for AL2023 node groups; run Bottlerocket node groups on Kubernetes 1.23 or newer.",
            .terraformJSON: "Set the aws-guardduty-agent add-on's \"addon_version\" to v1.6.0 or newer for AL2023 nodes; use Kubernetes 1.23+ for Bottlerocket nodes.",
            .cloudFormation: "Set the aws-guardduty-agent add-on's AddonVersion to v1.6.0 or newer for AL2023 nodes; use Kubernetes 1.23+ for Bottlerocket nodes.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-eks-support.html",
        examples: NodePlatformVersionUnsupportedExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        let resources = context.knowledge.agentResources
        var out: [Finding] = []
        for (index, cluster) in infra.clusters.enumerated() where !ClusterFacts.isOutpostsLocal(cluster) {
            guard ClusterFacts.isMonitoringCandidate(index, context: context) else { continue }
            let deployment = AgentDeployment.resolve(cluster: index, context: context)
            for g in cluster.nodeGroups {
                let group = infra.nodeGroups[g]
                let ami = group.amiType
                for problem in NodePlatform.of(group, deployment: deployment, knowledge: context.knowledge).problems {
                    switch problem {
                    case .al2023(let agent, let implied):
                        let what = implied ? "has no \(ami.name): EKS gives it Amazon Linux 2023 on Kubernetes \(deployment.kubernetes.version.map(String.init(describing:)) ?? "1.30+")"
                            : "runs Amazon Linux 2023 (\(ami.value ?? ""))"
                        out.append(finding("node group \(group.resource.address) \(what), which GuardDuty supports from agent \(resources.al2023MinimumAgent) on; the agent here is \(agent): its nodes are not reliably covered",
                                           at: ami.location ?? group.resource.location, resource: group.resource, attribute: ami.name,
                                           clusterIndex: index, in: context))
                    case .bottlerocket(let k8s):
                        out.append(finding("node group \(group.resource.address) runs Bottlerocket (\(ami.value ?? "")) on Kubernetes \(k8s); GuardDuty supports Bottlerocket from Kubernetes \(resources.bottlerocketMinimumKubernetes) on: its nodes are not reliably covered",
                                           at: ami.location ?? group.resource.location, resource: group.resource, attribute: ami.name,
                                           clusterIndex: index, in: context))
                    default:
                        continue
                    }
                }
            }
        }
        return out
    }
}

enum NodePlatformVersionUnsupportedExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var al2023 = ClusterFixture()
        al2023.features = [.init("RUNTIME_MONITORING", "ENABLED", addonManagement: "DISABLED")]
        al2023.version = "1.29"
        al2023.addon = .some("v1.5.0-eksbuild.1")
        out += al2023.examples("AL2023 node group with agent v1.5.0") { f in
            [.init(F.nodeGroup("default", f), attribute: F.attribute("ami_type", "AmiType", f))]
        }
        var implied = al2023
        implied.version = "1.30"
        implied.addon = .some("v1.6.1-eksbuild.1")
        implied.nodeGroups = [.init("default", amiType: nil)]
        out += implied.examples("no ami_type on 1.30 (EKS default AL2023) with agent v1.6.1 passes") { _ in [] }
        implied.addon = .some("v1.4.1-eksbuild.1")
        out += implied.examples("no ami_type on 1.30 (EKS default AL2023) with agent v1.4.1", formats: [.terraformPlan]) { f in
            [.init(F.nodeGroup("default", f), attribute: "ami_type")]
        }
        var bottlerocket = al2023
        bottlerocket.version = "1.22"
        bottlerocket.addon = .some("v1.5.0-eksbuild.1")
        bottlerocket.nodeGroups = [.init("br", amiType: "BOTTLEROCKET_x86_64")]
        out += bottlerocket.examples("Bottlerocket on Kubernetes 1.22") { f in
            [.init(F.nodeGroup("br", f), attribute: F.attribute("ami_type", "AmiType", f))]
        }
        out += ClusterFixture().examples("AL2023 with the newest agent (automated configuration)") { _ in [] }
        var brOK = bottlerocket
        brOK.version = "1.29"
        out += brOK.examples("Bottlerocket on Kubernetes 1.29") { _ in [] }
        return out
    }
}
