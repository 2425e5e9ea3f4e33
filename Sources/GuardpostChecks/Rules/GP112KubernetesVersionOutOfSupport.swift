import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// A Kubernetes version EKS no longer (or not yet) offers: new clusters cannot use it, existing ones get upgraded.
public struct KubernetesVersionOutOfSupportRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP112", name: "kubernetes-version-out-of-support",
        title: "The cluster's Kubernetes version is not in the EKS calendar or past its end of extended support",
        severity: .warning, issueType: nil,
        rationale: "EKS offers each Kubernetes version for 14 months of standard and 12 months of extended support; new clusters can be created on any version in standard or extended support, and at the end of extended support the control plane is upgraded automatically. A version past that date (as of the date of guardpost's knowledge data), or one the calendar does not list at all, will not be created as written — and after an automatic upgrade the GuardDuty agent's compatibility changes too.",
        remediation: [
            .terraformPlan: "Set aws_eks_cluster.version to a version in standard or extended support (`guardpost knowledge` prints the calendar), and check the GuardDuty agent supports it.",
            .terraformJSON: "Set the cluster's \"version\" to a version EKS supports (`guardpost knowledge`).",
            .cloudFormation: "Set the cluster's Version to a version EKS supports (`guardpost knowledge`).",
        ],
        documentation: "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html",
        examples: KubernetesVersionOutOfSupportExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let knowledge = context.knowledge
        let today = knowledge.checkedDate
        let calendar = knowledge.eksVersions
        var out: [Finding] = []
        for (index, cluster) in context.infrastructure.clusters.enumerated() {
            let k8s = ClusterFacts.kubernetesVersion(of: cluster, knowledge: knowledge)
            guard k8s.source == .written, let version = k8s.version else { continue }
            let name = ClusterFacts.displayName(cluster)
            let at = k8s.attribute.location ?? cluster.resource.location
            if let entry = knowledge.eksVersion(version) {
                guard let end = entry.endOfExtendedSupport, end < today else { continue }
                out.append(finding("cluster '\(name)': Kubernetes \(version) reached the end of EKS extended support on \(end) (knowledge data of \(today)); EKS no longer creates clusters on it and upgrades existing ones automatically",
                                   at: at, resource: cluster.resource, attribute: k8s.attribute.name, clusterIndex: index, in: context,
                                   assumptions: entry.assumptionId.map { [$0] } ?? []))
            } else if let newest = calendar.first?.version, let oldest = calendar.last?.version {
                let why = version > newest
                    ? "is newer than every version in the EKS calendar (newest: \(newest), knowledge data of \(today)); EKS may not offer it yet"
                    : "is older than every version in the EKS calendar (oldest: \(oldest)); EKS no longer offers it"
                out.append(finding("cluster '\(name)': Kubernetes \(version) \(why)",
                                   at: at, resource: cluster.resource, attribute: k8s.attribute.name, clusterIndex: index, in: context))
            }
        }
        return out
    }
}

enum KubernetesVersionOutOfSupportExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var expired = ClusterFixture()
        expired.version = "1.28"
        out += expired.examples("Kubernetes 1.28, extended support ended 2025-11-26") { f in
            [.init(F.cluster(f), attribute: F.attribute("version", "Version", f))]
        }
        var ancient = ClusterFixture()
        ancient.version = "1.19"
        out += ancient.examples("Kubernetes 1.19, not in the calendar", formats: [.terraformJSON]) { f in
            [.init(F.cluster(f), attribute: "version")]
        }
        var future = ClusterFixture()
        future.version = "1.40"
        out += future.examples("Kubernetes 1.40, newer than the calendar", formats: [.cloudFormation]) { f in
            [.init(F.cluster(f), attribute: "Version")]
        }
        out += ClusterFixture().examples("Kubernetes 1.33") { _ in [] }
        var unset = ClusterFixture()
        unset.version = nil
        out += unset.examples("version not set (GP110)") { _ in [] }
        return out
    }
}
