import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// Windows nodes are outside GuardDuty's verified platforms; a CUSTOM AMI hides the OS from the checker.
public struct NodeOSNotVerifiedRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP114", name: "node-os-not-verified",
        title: "A node group runs Windows (not covered) or an AMI whose OS cannot be verified",
        severity: .warning, issueType: nil,
        rationale: "GuardDuty's EKS agent is verified on Linux distributions (Amazon Linux 2 and 2023, Bottlerocket, Ubuntu, RedHat, Fedora, CentOS Stream). Windows is not in the list and the EKS add-on runs on EC2 Linux capacity: Windows nodes are, at best, not covered (assumption windows-nodes). With ami_type CUSTOM the OS comes from a launch template's AMI that the scan does not show, so support cannot be verified (info). The mapping from EKS AMI types to GuardDuty's OS list is itself an inference (assumption ami-type-os-mapping).",
        remediation: [
            .terraformPlan: "Run workloads that need runtime monitoring on Linux node groups (ami_type AL2023_*, AL2_*, BOTTLEROCKET_*). For a CUSTOM AMI, check its OS and kernel against GuardDuty's verified platforms (kernel with CONFIG_DEBUG_INFO_BTF=y), then suppress this finding with the justification.",
            .terraformJSON: "Use a Linux \"ami_type\" (AL2023_*, AL2_*, BOTTLEROCKET_*) for monitored workloads; verify CUSTOM AMIs against GuardDuty's platform list.",
            .cloudFormation: "Use a Linux AmiType (AL2023_*, AL2_*, BOTTLEROCKET_*) for monitored workloads; verify CUSTOM AMIs against GuardDuty's platform list.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-eks-support.html",
        examples: NodeOSNotVerifiedExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var out: [Finding] = []
        for (index, cluster) in infra.clusters.enumerated() where !ClusterFacts.isOutpostsLocal(cluster) {
            guard ClusterFacts.isMonitoringCandidate(index, context: context) else { continue }
            let deployment = AgentDeployment.resolve(cluster: index, context: context)
            for g in cluster.nodeGroups {
                let group = infra.nodeGroups[g]
                let ami = group.amiType
                let at = ami.location ?? group.resource.location
                for problem in NodePlatform.of(group, deployment: deployment, knowledge: context.knowledge).problems {
                    switch problem {
                    case .windows(let type):
                        out.append(finding("node group \(group.resource.address) runs Windows (\(type)): GuardDuty Runtime Monitoring does not cover Windows nodes",
                                           at: at, resource: group.resource, attribute: ami.name, clusterIndex: index, in: context,
                                           assumptions: ["windows-nodes", "ami-type-os-mapping"]))
                    case .customAMI:
                        out.append(finding("cannot verify: node group \(group.resource.address) uses a CUSTOM AMI; whether GuardDuty supports its OS and kernel is not known from the scan",
                                           at: at, resource: group.resource, attribute: ami.name, clusterIndex: index, in: context,
                                           severity: .info, assumptions: ["ami-type-os-mapping"]))
                    case .unknownAMIType(let type):
                        out.append(finding("cannot verify: node group \(group.resource.address) has ami_type \"\(type)\", which guardpost does not know; GuardDuty support for its OS is not known",
                                           at: at, resource: group.resource, attribute: ami.name, clusterIndex: index, in: context,
                                           severity: .info, assumptions: ["ami-type-os-mapping"]))
                    default:
                        continue
                    }
                }
            }
        }
        return out
    }
}

enum NodeOSNotVerifiedExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var windows = ClusterFixture()
        windows.nodeGroups = [.init("linux"), .init("windows", amiType: "WINDOWS_CORE_2022_x86_64")]
        out += windows.examples("Windows node group next to a Linux one") { f in
            [.init(F.nodeGroup("windows", f), attribute: F.attribute("ami_type", "AmiType", f))]
        }
        var custom = ClusterFixture()
        custom.nodeGroups = [.init("custom", amiType: "CUSTOM")]
        out += custom.examples("CUSTOM AMI (info)") { f in
            [.init(F.nodeGroup("custom", f), attribute: F.attribute("ami_type", "AmiType", f))]
        }
        out += ClusterFixture().examples("AL2023 node group") { _ in [] }
        var bottlerocket = ClusterFixture()
        bottlerocket.nodeGroups = [.init("br", amiType: "BOTTLEROCKET_ARM_64"), .init("al2", amiType: "AL2_x86_64")]
        out += bottlerocket.examples("Bottlerocket and AL2 node groups") { _ in [] }
        return out
    }
}
