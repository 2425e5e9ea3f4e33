import Foundation
import GuardpostDocuments

/// A problem with a policies file: which file, and what is wrong with it.
public struct KnowledgeError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String
    public init(file: String, message: String) { self.file = file; self.message = message }
    public var description: String { "\(file): \(message)" }
}

/// A fact the data rests on that could not be confirmed from a source (UNCONFIRMED in the facts file).
/// Findings cite `id` to say which assumption they rest on.
public struct Assumption: Sendable, Hashable {
    public var id: String
    public var text: String
    public var source: String
    /// The policies file and JSON path the assumption concerns.
    public var file: String
    public var path: String
    public var checked: String
}

/// One row of the EKS Kubernetes version calendar (dates `YYYY-MM-DD`, nil when unknown).
public struct EKSVersionEntry: Sendable, Hashable {
    public var version: KubernetesVersion
    public var upstreamRelease: String?
    public var eksRelease: String?
    public var endOfStandardSupport: String?
    public var endOfExtendedSupport: String?
    /// The id of the assumption these dates rest on, nil when they come from the official calendar.
    public var assumptionId: String?
    public var source: String
    public var checked: String
}

/// The agent container's resources and the configuration the add-on accepts.
public struct AgentResources: Sendable, Hashable {
    public var requestsCPU: String
    public var requestsMemory: String
    public var limitsCPU: String
    public var limitsMemory: String
    /// Advisory bounds (assumption `agent-resource-bounds`).
    public var minCPU: String
    public var maxCPU: String
    public var minMemory: String
    public var maxMemory: String
    public var requestsNotBelowDefaults: Bool
    /// `configurationValues` (resources, priorityClassName, dnsPolicy) need at least this agent.
    public var configurationValuesMinimumAgent: AgentVersion
    public var configurationValuesKeys: [String]
    /// `{"resources":{"disableCpuLimits":true}}` needs at least this agent; older ones get a validation error.
    public var disableCpuLimitsMinimumAgent: AgentVersion
    public var dnsPolicyDefault: String
    public var dnsPolicyValues: [String]
    public var priorityClassDefault: String
    public var priorityClassValues: [String]
    public var defaultPreemptionPolicy: String
    /// Amazon Linux 2023 nodes need at least this agent.
    public var al2023MinimumAgent: AgentVersion
    /// Bottlerocket nodes need at least this Kubernetes version.
    public var bottlerocketMinimumKubernetes: KubernetesVersion
    public var unsupportedComputeTypes: [String]
    public var unsupportedInstanceFamilies: [String]
    public var kernelRequirement: String
    /// EKS amiType prefix -> verified OS name (nil: no verified OS). Longest prefix first. Assumption `ami-type-os-mapping`.
    public var amiTypePrefixes: [(prefix: String, os: String?)]

    public static func == (a: AgentResources, b: AgentResources) -> Bool {
        a.requestsCPU == b.requestsCPU && a.requestsMemory == b.requestsMemory && a.limitsCPU == b.limitsCPU
            && a.limitsMemory == b.limitsMemory && a.configurationValuesMinimumAgent == b.configurationValuesMinimumAgent
            && a.disableCpuLimitsMinimumAgent == b.disableCpuLimitsMinimumAgent && a.dnsPolicyValues == b.dnsPolicyValues
            && a.amiTypePrefixes.map { "\($0.prefix)=\($0.os ?? "")" } == b.amiTypePrefixes.map { "\($0.prefix)=\($0.os ?? "")" }
    }
    public func hash(into h: inout Hasher) { h.combine(requestsCPU); h.combine(limitsCPU); h.combine(disableCpuLimitsMinimumAgent) }

    /// The verified OS an EKS `amiType` maps to; nil for Windows, CUSTOM or an unknown type.
    public func verifiedOS(amiType: String) -> String? {
        for p in amiTypePrefixes where amiType.hasPrefix(p.prefix) { return p.os }
        return nil
    }
}

/// The time-dependent knowledge guardpost checks against: agent/Kubernetes versions, the EKS calendar, the agent's
/// registries, resources and objects. Read from `policies/*.json`; the copy embedded in the binary is the default.
public struct Knowledge: Sendable {
    /// The data files, in the order `describe()` prints them.
    public static let fileNames = ["agent-versions.json", "eks-versions.json", "agent-registries.json",
                                   "agent-resources.json", "agent-objects.json",
                                   "instance-types.json", "guardduty-integration.json"]

    /// The copy of `policies/` embedded at build time.
    public static let embedded: Knowledge = {
        do { return try Knowledge(texts: EmbeddedPolicies.files, origins: [:]) } catch {
            fatalError("embedded policies are invalid (run the GuardpostKnowledge tests): \(error)")
        }
    }()

    /// The exact embedded text of each policies file, keyed by file name.
    public static var embeddedFiles: [String: String] { EmbeddedPolicies.files }

    /// Loads `directory` (a `--policies DIR`): each known file found there replaces the embedded one; a missing file
    /// falls back to the embedded copy. A malformed or unknown `.json` file throws a `KnowledgeError` naming it.
    public static func load(directory: String) throws -> Knowledge {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw KnowledgeError(file: directory, message: "is not a directory; --policies expects a folder of policies/*.json files")
        }
        let listing = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in listing.sorted() where name.hasSuffix(".json") && !fileNames.contains(name) {
            throw KnowledgeError(file: (directory as NSString).appendingPathComponent(name),
                                 message: "unknown policies file; known files are \(fileNames.joined(separator: ", "))")
        }
        var texts = EmbeddedPolicies.files
        var origins: [String: String] = [:]
        for name in fileNames {
            let path = (directory as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw KnowledgeError(file: path, message: "cannot be read")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw KnowledgeError(file: path, message: "is not valid UTF-8")
            }
            texts[name] = text
            origins[name] = path
        }
        return try Knowledge(texts: texts, origins: origins)
    }

    // MARK: Stored data

    let agentVersionsFile: AgentVersionsFile
    let eksVersionsFile: EKSVersionsFile
    let registriesFile: AgentRegistriesFile
    let resourcesFile: AgentResourcesFile
    let objectsFile: AgentObjectsFile
    let instanceTypesFile: InstanceTypesFile
    let integrationFile: GuardDutyIntegrationFile
    let objectTemplates: [Node]
    /// File name -> path of the override it was read from (absent: embedded).
    public let origins: [String: String]

    public let newestAgent: AgentVersion
    public let defaultEKSVersion: KubernetesVersion
    public let agentResources: AgentResources
    public let assumptions: [Assumption]
    /// The newest `checked` date in the data (`YYYY-MM-DD`).
    public let checkedDate: String
    /// The EKS add-on name, `aws-guardduty-agent`.
    public let addonName: String
    /// The user the add-on's requests are made by (`eks:addon-manager`) and its groups.
    public let agentRequestUser: String
    public let agentRequestGroups: [String]
    /// The ClusterRoleBinding (`eks:addon-cluster-admin`) that gives that user `cluster-admin`.
    public let addonClusterRoleBinding: String

    private let versionRows: [(version: AgentVersion, latest: AgentVersion?, min: KubernetesVersion, max: KubernetesVersion)]
    let calendar: [EKSVersionEntry]
    private let registrySets: [(id: String, min: AgentVersion?, max: AgentVersion?, builds: [AgentVersion], regions: [String: [String]])]

    init(texts: [String: String], origins: [String: String]) throws {
        self.origins = origins
        let originMap = origins
        func label(_ name: String) -> String { originMap[name] ?? "policies/\(name) (embedded)" }
        func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> (T, Node) {
            guard let text = texts[name] else { throw KnowledgeError(file: label(name), message: "missing") }
            let node: Node
            do { node = try PolicyJSONReader.parse(text, path: label(name)) } catch let f as PolicyJSONReader.Failure {
                throw KnowledgeError(file: label(name), message: "line \(f.line), column \(f.column): \(f.message)")
            }
            do { return (try JSONDecoder().decode(T.self, from: Data(text.utf8)), node) } catch let e as DecodingError {
                throw KnowledgeError(file: label(name), message: Knowledge.explain(e))
            }
        }
        func fail(_ name: String, _ message: String) -> KnowledgeError { KnowledgeError(file: label(name), message: message) }
        func agent(_ s: String, _ name: String, _ at: String) throws -> AgentVersion {
            guard let v = AgentVersion(s) else { throw fail(name, "\(at): \"\(s)\" is not an agent version like v1.16.0-eksbuild.2") }
            return v
        }
        func kube(_ s: String, _ name: String, _ at: String) throws -> KubernetesVersion {
            guard let v = KubernetesVersion(s) else { throw fail(name, "\(at): \"\(s)\" is not a Kubernetes version like 1.30") }
            return v
        }

        let (av, _) = try decode(AgentVersionsFile.self, "agent-versions.json")
        let (ev, _) = try decode(EKSVersionsFile.self, "eks-versions.json")
        let (rg, _) = try decode(AgentRegistriesFile.self, "agent-registries.json")
        let (rs, _) = try decode(AgentResourcesFile.self, "agent-resources.json")
        let (ob, obNode) = try decode(AgentObjectsFile.self, "agent-objects.json")
        agentVersionsFile = av; eksVersionsFile = ev; registriesFile = rg; resourcesFile = rs; objectsFile = ob
        let (it, _) = try decode(InstanceTypesFile.self, "instance-types.json")
        let (gi, _) = try decode(GuardDutyIntegrationFile.self, "guardduty-integration.json")
        instanceTypesFile = it; integrationFile = gi
        for (i, row) in it.types.enumerated() where row.vcpu <= 0 || row.memoryMiB <= 0 || row.maxPods <= 0 {
            throw fail("instance-types.json", "types[\(i)] (\(row.name)): vcpu, memoryMiB and maxPods must be positive")
        }
        addonName = av.addonName.value

        var rows: [(version: AgentVersion, latest: AgentVersion?, min: KubernetesVersion, max: KubernetesVersion)] = []
        for (i, r) in av.versions.enumerated() {
            let at = "versions[\(i)]"
            let v = try agent(r.version, "agent-versions.json", at + ".version")
            let latest = try r.latestBuild.map { try agent($0, "agent-versions.json", at + ".latestBuild") }
            let lo = try kube(r.kubernetesMin, "agent-versions.json", at + ".kubernetesMin")
            let hi = try kube(r.kubernetesMax, "agent-versions.json", at + ".kubernetesMax")
            guard lo <= hi else { throw fail("agent-versions.json", "\(at): kubernetesMin \(lo) is above kubernetesMax \(hi)") }
            if let latest, latest.release != v.release { throw fail("agent-versions.json", "\(at): latestBuild \(latest) is not a build of \(v)") }
            rows.append((v.release, latest, lo, hi))
        }
        versionRows = rows.sorted { $0.version > $1.version }
        let newest = try agent(av.newest.version, "agent-versions.json", "newest.version")
        guard rows.contains(where: { $0.version == newest.release }) else {
            throw fail("agent-versions.json", "newest.version \(newest) has no row in versions")
        }
        newestAgent = newest

        var cal: [EKSVersionEntry] = []
        for (i, r) in ev.versions.enumerated() {
            let v = try kube(r.version, "eks-versions.json", "versions[\(i)].version")
            for d in [r.upstreamRelease, r.eksRelease, r.endOfStandardSupport, r.endOfExtendedSupport].compactMap({ $0 })
            where !Knowledge.isDate(d) {
                throw fail("eks-versions.json", "versions[\(i)]: \"\(d)\" is not a date YYYY-MM-DD")
            }
            cal.append(EKSVersionEntry(version: v, upstreamRelease: r.upstreamRelease, eksRelease: r.eksRelease,
                                       endOfStandardSupport: r.endOfStandardSupport, endOfExtendedSupport: r.endOfExtendedSupport,
                                       assumptionId: (r.assumption ?? false) ? (r.assumptionId ?? "unnamed") : nil,
                                       source: r.source, checked: r.checked))
        }
        calendar = cal.sorted { $0.version > $1.version }
        defaultEKSVersion = try kube(ev.defaultVersion.version, "eks-versions.json", "defaultVersion.version")

        var sets: [(id: String, min: AgentVersion?, max: AgentVersion?, builds: [AgentVersion], regions: [String: [String]])] = []
        for (i, s) in rg.sets.enumerated() {
            let at = "sets[\(i)]"
            let lo = try s.agentMin.map { try agent($0, "agent-registries.json", at + ".agentMin") }
            let hi = try s.agentMax.map { try agent($0, "agent-registries.json", at + ".agentMax") }
            let builds = try s.builds.map { try agent($0, "agent-registries.json", at + ".builds") }
            var regions: [String: [String]] = [:]
            for r in s.regions {
                if regions[r.region] != nil { throw fail("agent-registries.json", "\(at): region \(r.region) is listed twice") }
                regions[r.region] = r.registries
            }
            sets.append((s.id, lo, hi, builds, regions))
        }
        registrySets = sets

        let d = rs
        agentResources = AgentResources(
            requestsCPU: d.defaults.requests.cpu, requestsMemory: d.defaults.requests.memory,
            limitsCPU: d.defaults.limits.cpu, limitsMemory: d.defaults.limits.memory,
            minCPU: d.bounds.cpu.min, maxCPU: d.bounds.cpu.max, minMemory: d.bounds.memory.min, maxMemory: d.bounds.memory.max,
            requestsNotBelowDefaults: d.bounds.requestsNotBelowDefaults,
            configurationValuesMinimumAgent: try agent(d.configurationValues.minimumAgent, "agent-resources.json", "configurationValues.minimumAgent"),
            configurationValuesKeys: d.configurationValues.keys,
            disableCpuLimitsMinimumAgent: try agent(d.disableCpuLimits.minimumAgent, "agent-resources.json", "disableCpuLimits.minimumAgent"),
            dnsPolicyDefault: d.dnsPolicy.default, dnsPolicyValues: d.dnsPolicy.values,
            priorityClassDefault: d.priorityClassName.default, priorityClassValues: d.priorityClassName.values,
            defaultPreemptionPolicy: d.priorityClassName.defaultPreemptionPolicy,
            al2023MinimumAgent: try agent(d.platforms.al2023MinimumAgent, "agent-resources.json", "platforms.al2023MinimumAgent"),
            bottlerocketMinimumKubernetes: try kube(d.platforms.bottlerocketMinimumKubernetes, "agent-resources.json", "platforms.bottlerocketMinimumKubernetes"),
            unsupportedComputeTypes: d.platforms.unsupportedComputeTypes,
            unsupportedInstanceFamilies: d.platforms.unsupportedInstanceFamilies,
            kernelRequirement: d.platforms.kernelRequirement,
            amiTypePrefixes: d.amiTypeToOS.prefixes.map { ($0.prefix, $0.os) }.sorted { $0.0.count > $1.0.count })

        guard let objs = obNode["objects"]?.items, objs.count == ob.objects.count else {
            throw fail("agent-objects.json", "objects must be an array")
        }
        var templates: [Node] = []
        for (i, o) in objs.enumerated() {
            guard let obj = o["object"], obj["kind"]?.string != nil, obj["apiVersion"]?.string != nil,
                  obj["metadata"]?["name"]?.string != nil
            else { throw fail("agent-objects.json", "objects[\(i)].object needs apiVersion, kind and metadata.name") }
            templates.append(obj)
        }
        objectTemplates = templates
        agentRequestUser = ob.request.username
        agentRequestGroups = ob.request.groups
        addonClusterRoleBinding = ob.request.clusterRoleBinding

        var seen = Set<String>()
        var all: [Assumption] = []
        let lists: [(String, [AssumptionRow])] = [("agent-versions.json", av.assumptions), ("eks-versions.json", ev.assumptions),
                                                  ("agent-registries.json", rg.assumptions), ("agent-resources.json", rs.assumptions),
                                                  ("agent-objects.json", ob.assumptions),
                                                  ("instance-types.json", it.assumptions), ("guardduty-integration.json", gi.assumptions)]
        for (file, list) in lists {
            for a in list where seen.insert(a.id).inserted {
                all.append(Assumption(id: a.id, text: a.text, source: a.source, file: file, path: a.path, checked: a.checked))
            }
        }
        // Every assumptionId used in the data must be explained in some assumptions list.
        let used = [ev.defaultVersion.assumptionId, rg.repository.assumptionId, d.bounds.assumptionId, d.amiTypeToOS.assumptionId]
            + ev.versions.map(\.assumptionId) + rg.sets.map(\.assumptionId)
            + [it.allocatable.assumptionId, it.systemPods.assumptionId, gi.automatedAgentConfiguration.assumptionId,
               gi.sharedVPC.assumptionId, gi.addonConfiguration.assumptionId]
        for id in used.compactMap({ $0 }) where !seen.contains(id) {
            throw KnowledgeError(file: "policies", message: "assumptionId \"\(id)\" is used but not listed in any assumptions array")
        }
        assumptions = all

        var dates = [av.checked, av.addonName.checked, av.newest.checked, ev.checked, ev.lifecycle.checked, ev.defaultVersion.checked,
                     rg.checked, rg.repository.checked, rs.checked, rs.defaults.checked, rs.bounds.checked,
                     rs.configurationValues.checked, rs.disableCpuLimits.checked, rs.dnsPolicy.checked, rs.priorityClassName.checked,
                     rs.platforms.checked, rs.amiTypeToOS.checked, ob.checked, ob.request.checked]
        dates += ev.versions.map(\.checked) + rg.sets.map(\.checked) + ob.objects.map(\.checked) + all.map(\.checked)
        dates += [it.checked, it.allocatable.checked, it.systemPods.checked, gi.checked, gi.agentTelemetry.checked, gi.endpoint.checked,
                  gi.automatedAgentConfiguration.checked, gi.organizations.checked, gi.sharedVPC.checked, gi.addonConfiguration.checked]
        for date in dates where !Knowledge.isDate(date) {
            throw KnowledgeError(file: "policies", message: "checked date \"\(date)\" is not YYYY-MM-DD")
        }
        checkedDate = dates.max() ?? ""
    }

    static func isDate(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return false }
        return u.enumerated().allSatisfy { i, c in i == 4 || i == 7 || (c >= 0x30 && c <= 0x39) }
    }

    static func explain(_ e: DecodingError) -> String {
        func path(_ p: [CodingKey]) -> String {
            let s = p.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return s.isEmpty ? "top level" : "$" + s
        }
        switch e {
        case .keyNotFound(let key, let c): return "\(path(c.codingPath + [key])): required key \"\(key.stringValue)\" is missing"
        case .typeMismatch(let t, let c): return "\(path(c.codingPath)): expected \(t)"
        case .valueNotFound(let t, let c): return "\(path(c.codingPath)): expected \(t), found null"
        case .dataCorrupted(let c): return "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }

    // MARK: Agent versions

    /// The Kubernetes range (inclusive) the agent release supports; nil for an unknown agent version.
    public func supportedKubernetes(agent: AgentVersion) -> (min: KubernetesVersion, max: KubernetesVersion)? {
        guard let row = versionRows.first(where: { $0.version == agent.release }) else { return nil }
        return (row.min, row.max)
    }

    /// Every known agent release, newest first, each as its latest build when the table names one.
    public var agentVersions: [AgentVersion] { versionRows.map { $0.latest ?? $0.version } }

    /// The latest build of an agent release (`v1.16.0` -> `v1.16.0-eksbuild.2`), nil when not known.
    public func latestBuild(of agent: AgentVersion) -> AgentVersion? {
        versionRows.first(where: { $0.version == agent.release })?.latest
    }

    /// Whether the agent release is in the table at all.
    public func isKnownAgent(_ agent: AgentVersion) -> Bool { versionRows.contains { $0.version == agent.release } }

    /// The agents (latest builds, newest first) that support the Kubernetes version.
    public func agentsSupporting(kubernetes: KubernetesVersion) -> [AgentVersion] {
        versionRows.filter { $0.min <= kubernetes && kubernetes <= $0.max }.map { $0.latest ?? $0.version }
    }

    // MARK: EKS calendar

    /// The calendar entries, newest version first.
    public var eksVersions: [EKSVersionEntry] { calendar }

    public func eksVersion(_ version: KubernetesVersion) -> EKSVersionEntry? { calendar.first { $0.version == version } }

    // MARK: Registries and image

    /// The registries of the agent image in `region` for the newest agent; empty for an unknown Region.
    public func registries(region: String) -> [String] { registries(region: region, agentVersion: newestAgent) }

    /// The registries of the agent image in `region` for `agentVersion` (exact builds listed in a set win over ranges).
    public func registries(region: String, agentVersion: AgentVersion) -> [String] {
        registrySetFor(agentVersion)?.regions[region] ?? []
    }

    /// Every Region with a registry for the newest agent, sorted.
    public var regions: [String] { (registrySetFor(newestAgent)?.regions.keys).map { $0.sorted() } ?? [] }

    /// Every registry host of `region` across all sets (what an allow-list must admit whatever the build), sorted.
    public func allRegistries(region: String) -> [String] {
        Array(Set(registrySets.flatMap { $0.regions[region] ?? [] })).sorted()
    }

    /// The id of the registry set that applies to the agent version (e.g. `eks-build-2`).
    public func registrySetID(agentVersion: AgentVersion) -> String? { registrySetFor(agentVersion)?.id }

    private func registrySetFor(_ v: AgentVersion) -> (id: String, min: AgentVersion?, max: AgentVersion?, builds: [AgentVersion], regions: [String: [String]])? {
        if let exact = registrySets.first(where: { $0.builds.contains(v) }) { return exact }
        return registrySets.first { s in
            (s.min.map { v.release >= $0.release } ?? true) && (s.max.map { v.release <= $0.release } ?? true)
        }
    }

    /// `<first registry of the Region>/aws-guardduty-agent:v1.16.0` (assumptions `agent-repository-path`,
    /// `agent-image-registry-choice`); nil for an unparsable version or a Region without a registry.
    public func agentImage(region: String, version: String) -> String? {
        guard let v = AgentVersion(version), let registry = registries(region: region, agentVersion: v).first else { return nil }
        return fill(registriesFile.repository.imageTemplate, registry: registry, version: v.imageTag, addonVersion: v.description)
    }

    // MARK: Agent objects

    /// The objects the add-on installs (Namespace, ServiceAccount, PriorityClass, DaemonSet), placeholders filled.
    /// For a Region without a registry the image keeps the `{{registry}}` placeholder.
    public func agentObjects(region: String, agentVersion: String) -> [Node] {
        let v = AgentVersion(agentVersion)
        let registry = v.flatMap { registries(region: region, agentVersion: $0).first } ?? "{{registry}}"
        let tag = v?.imageTag ?? agentVersion
        let addon = v?.description ?? agentVersion
        return objectTemplates.map { substitute($0, registry: registry, version: tag, addonVersion: addon) }
    }

    /// The same objects as a Kubernetes `v1` `List`, pretty JSON, keys in data-file order.
    public func agentObjectsJSON(region: String, agentVersion: String) -> String {
        let items = agentObjects(region: region, agentVersion: agentVersion)
        let loc = items.first?.location ?? Location(file: SourceFile(path: "policies/agent-objects.json"), line: 1, column: 1)
        func entry(_ k: String, _ v: Node) -> Node.Entry { Node.Entry(key: k, keyLocation: loc, value: v) }
        let list = Node(.mapping([entry("apiVersion", Node(.string("v1"), location: loc)),
                                  entry("kind", Node(.string("List"), location: loc)),
                                  entry("items", Node(.sequence(items), location: loc))]), location: loc)
        return JSONWriter.pretty(list) + "\n"
    }

    private func fill(_ s: String, registry: String, version: String, addonVersion: String) -> String {
        s.replacingOccurrences(of: "{{registry}}", with: registry)
            .replacingOccurrences(of: "{{version}}", with: version)
            .replacingOccurrences(of: "{{tag}}", with: version)
            .replacingOccurrences(of: "{{addonVersion}}", with: addonVersion)
    }

    private func substitute(_ n: Node, registry: String, version: String, addonVersion: String) -> Node {
        var out = n
        switch n.value {
        case .string(let s) where s.contains("{{"):
            out.value = .string(fill(s, registry: registry, version: version, addonVersion: addonVersion))
        case .sequence(let items):
            out.value = .sequence(items.map { substitute($0, registry: registry, version: version, addonVersion: addonVersion) })
        case .mapping(let entries):
            out.value = .mapping(entries.map { e in
                var e = e
                e.value = substitute(e.value, registry: registry, version: version, addonVersion: addonVersion)
                return e
            })
        default: break
        }
        return out
    }

    // MARK: Assumptions

    public func assumption(id: String) -> Assumption? { assumptions.first { $0.id == id } }
}
