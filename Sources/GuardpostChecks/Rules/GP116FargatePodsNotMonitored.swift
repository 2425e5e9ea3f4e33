import GuardpostDocuments
import GuardpostModel

/// Pods scheduled by a Fargate profile run outside the nodes the agent DaemonSet covers.
public struct FargatePodsNotMonitoredRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP116", name: "fargate-pods-not-monitored",
        title: "Pods selected by a Fargate profile run on AWS Fargate, which Runtime Monitoring for EKS does not cover",
        severity: .warning, issueType: nil,
        rationale: "\"GuardDuty doesn't support Amazon EKS clusters running on AWS Fargate\": the agent is a DaemonSet on EC2 nodes, and Fargate runs each pod on its own micro-VM without DaemonSets. Pods that match a Fargate profile's selectors have no runtime monitoring, whatever the cluster's coverage status says.",
        remediation: [
            .terraformPlan: "Run workloads that need runtime monitoring on EC2 node groups (or EKS Auto Mode): narrow or remove the aws_eks_fargate_profile selectors for them. If Fargate is intended, suppress this finding with the justification.",
            .terraformJSON: "Move monitored workloads off the Fargate profile's selectors onto EC2 node groups or Auto Mode.",
            .cloudFormation: "Move monitored workloads off the AWS::EKS::FargateProfile Selectors onto EC2 node groups or Auto Mode.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-eks-support.html",
        examples: FargatePodsNotMonitoredExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var out: [Finding] = []
        for (index, cluster) in infra.clusters.enumerated() where !ClusterFacts.isOutpostsLocal(cluster) {
            guard ClusterFacts.isMonitoringCandidate(index, context: context) else { continue }
            for p in cluster.fargateProfiles {
                let profile = infra.fargateProfiles[p]
                let selector = AttributeReader(profile.resource).raw(profile.resource.format.isTerraform ? ["selector"] : ["Selectors"])
                let namespaces = profile.namespaces.isEmpty ? "its selected namespaces" : "namespace\(profile.namespaces.count == 1 ? "" : "s") \(profile.namespaces.joined(separator: ", "))"
                out.append(finding("Fargate profile \(profile.resource.address) of cluster '\(ClusterFacts.displayName(cluster))': pods in \(namespaces) run on AWS Fargate and are not monitored by GuardDuty Runtime Monitoring",
                                   at: selector.location ?? profile.resource.location, resource: profile.resource, attribute: selector.name,
                                   clusterIndex: index, in: context))
            }
        }
        return out
    }
}

enum FargatePodsNotMonitoredExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var mixed = ClusterFixture()
        mixed.fargateProfiles = [("batch", "batch")]
        out += mixed.examples("Fargate profile next to a node group") { f in
            [.init(F.fargateProfile("batch", f), attribute: F.attribute("selector", "Selectors", f))]
        }
        out += ClusterFixture().examples("node group only") { _ in [] }
        var off = mixed
        off.features = [.init("RUNTIME_MONITORING", "DISABLED")]
        out += off.examples("Fargate profile, Runtime Monitoring disabled (GP102)") { _ in [] }
        return out
    }
}
