import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// First-generation Graviton (A1) instances are not supported by Runtime Monitoring for EKS.
public struct UnsupportedInstanceFamilyRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP115", name: "unsupported-instance-family",
        title: "A node group uses first-generation Graviton (A1) instance types, which Runtime Monitoring does not support",
        severity: .warning, issueType: nil,
        rationale: "GuardDuty's EKS agent supports AMD64 and ARM64 from Graviton2 on: \"Runtime Monitoring for Amazon EKS clusters doesn't support the first generation Graviton instance such as A1 instance types.\" Nodes of these types are not covered.",
        remediation: [
            .terraformPlan: "Use Graviton2 or newer instance types (m6g, m7g, c7g...) in instance_types instead of a1.*.",
            .terraformJSON: "Replace a1.* in \"instance_types\" with Graviton2 or newer types (m6g, m7g...).",
            .cloudFormation: "Replace a1.* in InstanceTypes with Graviton2 or newer types (m6g, m7g...).",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-eks-support.html",
        examples: UnsupportedInstanceFamilyExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var out: [Finding] = []
        for (index, cluster) in infra.clusters.enumerated() where !ClusterFacts.isOutpostsLocal(cluster) {
            guard ClusterFacts.isMonitoringCandidate(index, context: context) else { continue }
            let deployment = AgentDeployment.resolve(cluster: index, context: context)
            for g in cluster.nodeGroups {
                let group = infra.nodeGroups[g]
                for case .unsupportedInstances(let types, let all) in NodePlatform.of(group, deployment: deployment, knowledge: context.knowledge).problems {
                    let scope = all ? "its nodes are not covered" : "those nodes are not covered"
                    out.append(finding("node group \(group.resource.address) uses \(types.joined(separator: ", ")) (first-generation Graviton, A1), which GuardDuty Runtime Monitoring does not support: \(scope)",
                                       at: group.instanceTypes.location ?? group.resource.location, resource: group.resource,
                                       attribute: group.instanceTypes.name, clusterIndex: index, in: context))
                }
            }
        }
        return out
    }
}

enum UnsupportedInstanceFamilyExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var a1 = ClusterFixture()
        a1.nodeGroups = [.init("arm", amiType: "AL2023_ARM_64_STANDARD", instanceTypes: ["a1.large", "m6g.large"])]
        out += a1.examples("a1.large among the instance types") { f in
            [.init(F.nodeGroup("arm", f), attribute: F.attribute("instance_types", "InstanceTypes", f))]
        }
        var graviton = ClusterFixture()
        graviton.nodeGroups = [.init("arm", amiType: "AL2023_ARM_64_STANDARD", instanceTypes: ["m7g.large", "c6g.xlarge"])]
        out += graviton.examples("Graviton2+ instance types") { _ in [] }
        return out
    }
}
