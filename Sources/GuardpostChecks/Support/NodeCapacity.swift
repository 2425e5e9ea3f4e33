import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// What one node of a node group has left for the GuardDuty agent, estimated from the instance size, EKS's
/// reservations and system pods, and the DaemonSets in the scanned manifests.
struct NodeCapacity {
    var instanceType: InstanceType
    var allocatable: NodeAllocatable
    /// Pods, CPU (millicores) and memory (MiB) other pods take on each node before the agent.
    var usedPods: Int
    var usedCPU: Double
    var usedMemory: Double
    /// What the estimate counted, for messages.
    var counted: [String]

    static let assumptions = ["node-allocatable-estimate", "eks-system-pods", "minimum-node-size"]

    /// Whether the agent alone fits on an empty node.
    func agentFits(cpu: Double, memory: Double) -> (cpu: Bool, memory: Bool) {
        (allocatable.cpuMillicores >= cpu, allocatable.memoryMiB >= memory)
    }

    /// What is missing for the agent next to the other pods ("Too many pods", "Insufficient memory"), empty when it fits.
    func shortfalls(cpu: Double, memory: Double) -> [String] {
        var out: [String] = []
        if usedPods + 1 > allocatable.pods { out.append("Too many pods (\(usedPods) of \(allocatable.pods) pod slots taken)") }
        if usedCPU + cpu > allocatable.cpuMillicores {
            out.append("Insufficient cpu (\(Int(usedCPU))m + \(Int(cpu))m > \(Int(allocatable.cpuMillicores))m allocatable)")
        }
        if usedMemory + memory > allocatable.memoryMiB {
            out.append("Insufficient memory (\(Int(usedMemory))Mi + \(Int(memory))Mi > \(Int(allocatable.memoryMiB))Mi allocatable)")
        }
        return out
    }

    /// The DaemonSets other than the agent's in the manifests that apply to cluster `index`.
    static func otherDaemonSets(_ index: Int, _ context: CheckContext) -> [KubernetesObject] {
        otherDaemonSets(index, context, among: daemonSetsInScan(context))
    }

    /// The DaemonSets other than the agent's among all the manifests: found once per scan, so that picking
    /// a cluster's does not walk every object again.
    static func daemonSetsInScan(_ context: CheckContext) -> [KubernetesObject] {
        context.infrastructure.kubernetesObjects.filter { $0.kind == "DaemonSet" && !AgentAddon.isAgentDaemonSet($0.node) }
    }

    /// `otherDaemonSets` from the scan's DaemonSets (`daemonSetsInScan`): those whose manifests apply to the cluster.
    static func otherDaemonSets(_ index: Int, _ context: CheckContext, among daemonSets: [KubernetesObject]) -> [KubernetesObject] {
        let c = context.infrastructure.clusters[index]
        let name = c.name.value ?? c.resource.address
        return daemonSets.filter { AdmissionSimulation.applies($0, toCluster: name, context) }
    }

    /// The estimate for a node of `type` in a cluster with `nodes` nodes in all, running `daemonSets` besides the agent.
    static func estimate(_ type: InstanceType, nodes: Int, daemonSets: [KubernetesObject], context: CheckContext) -> NodeCapacity {
        let k = context.knowledge
        var pods = 0, cpu = 0.0, memory = 0.0
        var counted: [String] = []
        for p in k.systemPods {
            if p.replicas == 0 {
                pods += 1; cpu += p.cpuMillicores; memory += p.memoryMiB
                counted.append(p.name)
            } else {
                let n = max(nodes, 1) // ceiling division without overflow (node counts come from the input)
                let share = p.replicas / n + (p.replicas % n == 0 ? 0 : 1)
                pods += share; cpu += Double(share) * p.cpuMillicores; memory += Double(share) * p.memoryMiB
                if share > 0 { counted.append("\(share) \(p.name)") }
            }
        }
        for ds in daemonSets {
            let r = requests(ds.node)
            pods += 1; cpu += r.cpu; memory += r.memory
            counted.append("DaemonSet \(ds.namespace.map { "\($0)/" } ?? "")\(ds.name)")
        }
        return NodeCapacity(instanceType: type, allocatable: k.allocatable(type), usedPods: pods, usedCPU: cpu, usedMemory: memory, counted: counted)
    }

    /// The CPU and memory requests of a workload's pod template.
    static func requests(_ workload: Node) -> (cpu: Double, memory: Double) {
        var cpu = 0.0, memory = 0.0
        for c in workload.at(["spec", "template", "spec", "containers"])?.items ?? [] {
            if let s = c.at(["resources", "requests", "cpu"])?.scalarText { cpu += ResourceQuantity.cpuMillicores(s) ?? 0 }
            if let s = c.at(["resources", "requests", "memory"])?.scalarText { memory += ResourceQuantity.memoryMiB(s) ?? 0 }
        }
        return (cpu, memory)
    }

    /// The nodes the cluster is expected to have: the sum of its node groups' desired sizes (at least 1).
    static func nodeCount(_ cluster: Int, _ infra: Infrastructure) -> Int {
        max(1, infra.clusters[cluster].nodeGroups.compactMap { infra.nodeGroups[$0].desiredSize.effective }.saturatingSum())
    }

    /// Whether the node group has, or can scale to, any node.
    static func canHaveNodes(_ g: NodeGroup) -> Bool {
        !(g.maxSize.effective == 0 && (g.desiredSize.effective ?? 0) == 0)
    }
}
