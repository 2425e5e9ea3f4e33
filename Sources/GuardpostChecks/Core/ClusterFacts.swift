import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// The Kubernetes version a cluster runs, as far as the input says.
public struct ClusterKubernetesVersion: Sendable {
    public enum Source: String, Sendable {
        /// Written in the input (`version = "1.31"`, `Version: !Ref P` with a default).
        case written
        /// Not set: EKS picks its default version (assumption `eks-default-version`).
        case defaulted
        /// Computed after apply, or an unresolvable reference.
        case unknown
        /// Written but not a Kubernetes version (`"1.3x"`).
        case invalid
    }
    public var version: KubernetesVersion?
    public var source: Source
    /// The cluster's `version` / `Version` attribute.
    public var attribute: Attribute<String>
}

/// Which GuardDuty agent (EKS add-on `aws-guardduty-agent`) would run on a cluster, and why.
public struct AgentDeployment: Sendable {
    public enum Choice: Sendable, Equatable {
        /// The scan's add-on pins this version (`addon_version` / `AddonVersion`); the parsed version is nil
        /// when the text is valid for the provider but not an agent version guardpost can read.
        case pinned(AgentVersion?, String)
        /// The add-on pins a version that is not a valid add-on version string.
        case malformed(String)
        /// The add-on is declared without a version: EKS installs its default for the cluster's Kubernetes version.
        case eksDefault
        /// No add-on in the scan and automated agent configuration is on: GuardDuty deploys this (the newest) agent.
        case automatic(AgentVersion)
        /// Not known: the version is computed after apply, the add-on is managed outside the scan, or the
        /// GuardDuty settings are not known.
        case unknown
    }

    public var choice: Choice
    /// The `aws-guardduty-agent` add-on in the scan, when there is one.
    public var addon: EntityIndex?
    public var kubernetes: ClusterKubernetesVersion

    /// The agent version that would run, when known.
    public var agentVersion: AgentVersion? {
        switch choice {
        case .pinned(let v, _): return v
        case .automatic(let v): return v
        default: return nil
        }
    }

    /// The agent for a cluster: the add-on in the scan wins (its pinned version is what EKS installs first,
    /// even when automated configuration manages it later); without one, automated configuration deploys the newest agent.
    public static func resolve(cluster index: EntityIndex, context: CheckContext) -> AgentDeployment {
        let infra = context.infrastructure
        let cluster = infra.clusters[index]
        let cc = context.clusterContexts[index]
        let kubernetes = ClusterFacts.kubernetesVersion(of: cluster, knowledge: context.knowledge)
        let addonIndex = ClusterFacts.agentAddon(of: cluster, in: context)
        var choice = Choice.unknown
        if let i = addonIndex {
            let addon = infra.addons[i]
            let a = addon.addonVersion
            if a.state == .known, let text = a.value {
                choice = AgentVersion.isValidAddonVersion(text) ? .pinned(AgentVersion(text), text) : .malformed(text)
            } else if ClusterFacts.isUnset(a, in: addon.resource) {
                choice = .eksDefault
            }
        } else if cc.managementType == .autoManaged {
            choice = .automatic(context.knowledge.newestAgent)
        }
        return AgentDeployment(choice: choice, addon: addonIndex, kubernetes: kubernetes)
    }
}

/// Small facts about clusters that several rules and the coverage prediction share.
public enum ClusterFacts {
    /// The tag that includes (`true`) or excludes (`false`) a cluster from GuardDuty's agent management.
    public static let managedTag = "GuardDutyManaged"

    /// The name GuardDuty prints for the cluster (its `name`, or the address when the name is not known).
    public static func displayName(_ cluster: EKSCluster) -> String { cluster.name.value ?? cluster.resource.address }

    /// Whether an attribute is left unset in the source (so a provider or EKS default applies). In a Terraform
    /// plan an Optional+Computed attribute that the configuration does not set is *unknown* in the planned
    /// values; it counts as unset when the resource's configuration is present and does not mention it.
    public static func isUnset<T>(_ a: Attribute<T>, in resource: RawResource) -> Bool {
        switch a.state {
        case .absent: return true
        case .unknown:
            guard resource.format == .terraformPlan, !resource.configuredPaths.isEmpty else { return false }
            if resource.configuredPaths.contains(a.name) { return false }
            return !resource.references.contains { $0.path.dotted == a.name || $0.path.dotted.hasPrefix(a.name + ".") || $0.path.dotted.hasPrefix(a.name + "[") }
        case .known, .defaulted: return false
        }
    }

    /// Where an attribute's value is written (the attribute's own location is its key's), from its dotted
    /// name (`additional_configuration[0].status`, `Features[1].Status`); the key's location when not found.
    public static func valueLocation<T>(of a: Attribute<T>, in resource: RawResource) -> Location? {
        var path: [PathComponent] = []
        for part in a.name.split(separator: ".") {
            var key = Substring(part)
            var indexes: [Int] = []
            while key.hasSuffix("]"), let open = key.lastIndex(of: "[") {
                guard let i = Int(key[key.index(after: open)..<key.index(before: key.endIndex)]) else { return a.location }
                indexes.insert(i, at: 0)
                key = key[..<open]
            }
            if !key.isEmpty { path.append(.key(String(key))) }
            path += indexes.map { .index($0) }
        }
        return AttributeReader(resource).node(path)?.node.location ?? a.location
    }

    public static func kubernetesVersion(of cluster: EKSCluster, knowledge: Knowledge) -> ClusterKubernetesVersion {
        let a = cluster.version
        switch a.state {
        case .known, .defaulted:
            if let text = a.value, let v = KubernetesVersion(text) { return .init(version: v, source: .written, attribute: a) }
            return .init(version: nil, source: .invalid, attribute: a)
        case .absent, .unknown:
            if isUnset(a, in: cluster.resource) { return .init(version: knowledge.defaultEKSVersion, source: .defaulted, attribute: a) }
            return .init(version: nil, source: .unknown, attribute: a)
        }
    }

    /// The cluster's `aws-guardduty-agent` add-on in the scan.
    public static func agentAddon(of cluster: EKSCluster, in context: CheckContext) -> EntityIndex? {
        cluster.addons.first { context.infrastructure.addons[$0].addonName.value == context.knowledge.addonName }
    }

    /// The `GuardDutyManaged` tag as written, when the cluster has it.
    public static func managedTag(of cluster: EKSCluster) -> Attribute<String>? { cluster.tags[managedTag] }

    /// Whether the cluster is excluded from GuardDuty's agent management by `GuardDutyManaged=false`. The exclusion
    /// tag belongs to automated agent configuration; with manual management it is not documented to change coverage.
    public static func isExcludedByTag(_ index: EntityIndex, context: CheckContext) -> Bool {
        let cluster = context.infrastructure.clusters[index]
        guard let tag = managedTag(of: cluster), tag.state == .known, tag.value == "false" else { return false }
        return context.clusterContexts[index].automatedAgent.toggle != .disabled
    }

    /// The detectors in the scan that govern the cluster's account and region (same matching as the features in `ClusterContext`).
    public static func detectors(for cc: ClusterContext, in context: CheckContext) -> [EntityIndex] {
        let accounts = context.accounts
        var out: [EntityIndex] = []
        for (i, d) in context.infrastructure.detectors.enumerated() {
            let dAccount = accounts.account(forPath: d.resource.location.file.path)?.id
            if let dAccount, let account = cc.account, dAccount != account { continue }
            if dAccount != nil && cc.account == nil && !accounts.accounts.isEmpty { continue }
            let dRegion = d.resource.region ?? accounts.defaultRegion
            if let dRegion, let region = cc.region, dRegion != region { continue }
            out.append(i)
        }
        return out
    }

    /// A detector in the scan for the cluster's account and region that is written as disabled (`enable = false`).
    public static func disabledDetector(for cc: ClusterContext, in context: CheckContext) -> EntityIndex? {
        detectors(for: cc, in: context).first { context.infrastructure.detectors[$0].enable.effective == false }
    }

    /// Whether Runtime Monitoring is off for the cluster's account and Region: the feature is DISABLED (or the
    /// organization's NONE, or declared disabled), the detector is disabled, or the scan's detector for that
    /// account and Region has no runtime feature at all.
    public static func isRuntimeMonitoringOff(_ index: EntityIndex, context: CheckContext) -> Bool {
        let cc = context.clusterContexts[index]
        if cc.runtimeMonitoring.toggle == .disabled { return true }
        if disabledDetector(for: cc, in: context) != nil { return true }
        return cc.runtimeMonitoring.toggle == .unknown && cc.features.isEmpty && !detectors(for: cc, in: context).isEmpty
    }

    /// Whether GuardDuty would look at the cluster at all: Runtime Monitoring not off and the cluster not
    /// excluded by tag. Rules about the agent and the platform only speak about such clusters.
    public static func isMonitoringCandidate(_ index: EntityIndex, context: CheckContext) -> Bool {
        !isRuntimeMonitoringOff(index, context: context) && !isExcludedByTag(index, context: context)
    }

    /// Whether monitoring of the cluster is known to be intended: it is a monitoring candidate, and Runtime
    /// Monitoring or automated agent configuration is known to be on, or the scan installs the agent add-on.
    /// Rules whose prediction only matters when GuardDuty acts on the cluster stay silent otherwise (GP100 says
    /// once that the settings are not known).
    public static func isMonitoringIntended(_ index: EntityIndex, context: CheckContext) -> Bool {
        guard isMonitoringCandidate(index, context: context) else { return false }
        let cc = context.clusterContexts[index]
        return cc.runtimeMonitoring.toggle == .enabled || cc.automatedAgent.toggle == .enabled
            || agentAddon(of: context.infrastructure.clusters[index], in: context) != nil
    }

    /// Whether the cluster is a local cluster on AWS Outposts (`outpost_config` / `OutpostConfig` present).
    public static func isOutpostsLocal(_ cluster: EKSCluster) -> Bool { cluster.outpostConfig.state == .known }

    /// Types of resources (or Kubernetes kinds) that bring EC2 nodes guardpost does not model: self-managed
    /// node groups and Karpenter. When the scan has any, "no supported compute" cannot be claimed.
    static let unmodelledNodeSources: Set<String> = [
        "aws_autoscaling_group", "AWS::AutoScaling::AutoScalingGroup", "aws_instance", "AWS::EC2::Instance",
    ]
    static let unmodelledNodeKinds: Set<String> = ["NodePool", "Provisioner", "EC2NodeClass", "AWSNodeTemplate"]

    /// Whether the scan has nodes that guardpost does not tie to a cluster (self-managed groups, Karpenter).
    public static func hasUnmodelledNodes(_ infra: Infrastructure) -> Bool {
        infra.resources.contains { unmodelledNodeSources.contains($0.type) && !$0.isDataSource }
            || infra.kubernetesObjects.contains { unmodelledNodeKinds.contains($0.kind) && $0.group.contains("karpenter") }
    }
}

/// What guardpost can tell about a managed node group's platform, and what GuardDuty does not support on it.
public struct NodePlatform: Sendable {
    public enum Problem: Sendable, Equatable {
        /// `WINDOWS_*`: not in GuardDuty's verified OS list (assumption `windows-nodes`).
        case windows(String)
        /// `CUSTOM`: the OS is not known (assumption `ami-type-os-mapping`).
        case customAMI
        /// An AMI type guardpost does not know.
        case unknownAMIType(String)
        /// Amazon Linux 2023 with an agent older than the AL2023 minimum; `implied`: the AMI type is EKS's default.
        case al2023(agent: AgentVersion, implied: Bool)
        /// Bottlerocket on a Kubernetes version below the Bottlerocket minimum.
        case bottlerocket(kubernetes: KubernetesVersion)
        /// First-generation Graviton (A1) instance types; `all`: every type of the group.
        case unsupportedInstances([String], all: Bool)
    }
    /// The AMI type as written, or EKS's default when not written (nil when neither is known).
    public var amiType: String?
    public var amiTypeImplied: Bool
    public var problems: [Problem]

    /// Whether the agent has nothing to cover in the group: Windows nodes, or only A1 instances. (AL2023 with an
    /// old agent and Bottlerocket on old Kubernetes are unverified combinations — the agent may run — not this.)
    public var isUnsupported: Bool {
        problems.contains { p in
            switch p {
            case .windows: return true
            case .unsupportedInstances(_, let all): return all
            case .al2023, .bottlerocket, .customAMI, .unknownAMIType: return false
            }
        }
    }

    /// Reads a node group against the agent that would run and the cluster's Kubernetes version.
    public static func of(_ group: NodeGroup, deployment: AgentDeployment, knowledge: Knowledge) -> NodePlatform {
        let resources = knowledge.agentResources
        var ami = group.amiType.effective
        var implied = false
        // EKS's default AMI type when none is written (and no launch template may bring a custom AMI):
        // AL2023 for Kubernetes 1.30 and newer, Amazon Linux 2 before.
        if ami == nil, ClusterFacts.isUnset(group.amiType, in: group.resource), group.launchTemplate.state == .absent,
           let k8s = deployment.kubernetes.version {
            ami = k8s >= KubernetesVersion(major: 1, minor: 30) ? "AL2023_x86_64_STANDARD" : "AL2_x86_64"
            implied = true
        }
        var problems: [Problem] = []
        if let ami {
            let os = resources.verifiedOS(amiType: ami)
            if ami.hasPrefix("WINDOWS_") { problems.append(.windows(ami)) }
            else if ami == "CUSTOM" { problems.append(.customAMI) }
            else if os == nil { problems.append(.unknownAMIType(ami)) }
            if ami.hasPrefix("AL2023_"), let agent = deployment.agentVersion, agent.release < resources.al2023MinimumAgent.release {
                problems.append(.al2023(agent: agent, implied: implied))
            }
            if ami.hasPrefix("BOTTLEROCKET_"), deployment.kubernetes.source == .written, let k8s = deployment.kubernetes.version,
               k8s < resources.bottlerocketMinimumKubernetes {
                problems.append(.bottlerocket(kubernetes: k8s))
            }
        }
        if let types = group.instanceTypes.effective, !types.isEmpty {
            let families = Set(resources.unsupportedInstanceFamilies.map { $0.lowercased() })
            let bad = types.filter { t in families.contains(String(t.lowercased().split(separator: ".").first ?? "")) }
            if !bad.isEmpty { problems.append(.unsupportedInstances(bad, all: bad.count == types.count)) }
        }
        return NodePlatform(amiType: ami, amiTypeImplied: implied, problems: problems)
    }
}

extension Knowledge {
    /// `1.28 - 1.36`, the way GuardDuty's table writes a range.
    func kubernetesRangeText(agent: AgentVersion) -> String? {
        supportedKubernetes(agent: agent).map { "\($0.min) - \($0.max)" }
    }
}
