import Dispatch
import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// The whole result of a scan: what every report format renders.
public struct ScanResult: Sendable {
    public var infrastructure: Infrastructure
    /// Findings in a total order (file, line, column, rule, resource).
    public var findings: [Finding]
    public var predictions: [CoveragePrediction]
    public var statistics: CoverageStatistics
    /// Parse errors and other problems with the inputs (also present as findings of rule GP001).
    public var diagnostics: [Diagnostic]
    public var knowledgeDate: String
    public var rules: [RuleMetadata]
    /// Source lines that findings point at, keyed `path:line` (filled by the caller that can read files).
    public var snippets: [String: String] = [:]

    /// Files read, per classification.
    public var fileCounts: [(format: String, count: Int)] {
        var counts: [String: Int] = [:]
        for f in infrastructure.files { counts[f.format?.rawValue ?? "other", default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// Runs the rules over an infrastructure and predicts coverage.
public struct Scanner: Sendable {
    public var rules: [any Rule]
    public var knowledge: Knowledge
    public var accounts: AccountContext
    /// Rules run in parallel on this many threads (0: one per core; 1: one after the other). The
    /// findings are the same whatever the number: they are gathered in rule order, then sorted.
    public var workers: Int = 1

    public init(rules: [any Rule] = RuleRegistry.all, knowledge: Knowledge = .embedded, accounts: AccountContext = AccountContext()) {
        self.rules = rules
        self.knowledge = knowledge
        self.accounts = accounts
    }

    public func scan(_ infrastructure: Infrastructure) -> ScanResult {
        let context = CheckContext(infrastructure: infrastructure, knowledge: knowledge, accounts: accounts)
        var findings: [Finding] = []
        for perRule in Self.run(rules, context, workers: workers) { findings += perRule }
        findings = applySuppressions(findings)
        findings = Self.sorted(findings)
        let predictions = CoveragePredictor.predict(context: context, findings: findings)
        return ScanResult(infrastructure: infrastructure, findings: findings, predictions: predictions,
                          statistics: CoverageStatistics(predictions), diagnostics: infrastructure.diagnostics,
                          knowledgeDate: knowledge.checkedDate, rules: rules.map(\.metadata))
    }

    /// Each rule's findings, in rule order.
    static func run(_ rules: [any Rule], _ context: CheckContext, workers: Int) -> [[Finding]] {
        let n = workers > 0 ? workers : ProcessorCount.online
        guard n > 1, rules.count > 1 else { return rules.map { $0.check(context) } }
        var out = [[Finding]](repeating: [], count: rules.count)
        let next = NextIndex()
        out.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: min(n, rules.count)) { _ in
                while let i = next.take(below: rules.count) { (base + i).pointee = rules[i].check(context) }
            }
        }
        return out
    }

    /// `findings.sorted(by: Finding.ordered)`, without comparing path strings in the sort: each distinct
    /// path is ranked once, then the sort compares (rank, line, column) and falls back to the rest of
    /// `Finding.ordered` only on ties. The same order (the comparison is equivalent, the sort the same).
    static func sorted(_ findings: [Finding]) -> [Finding] {
        var rank: [String: Int] = [:]
        for f in findings { rank[f.location.file.path] = 0 }
        for (i, p) in rank.keys.sorted().enumerated() { rank[p] = i }
        struct Key { var rank: Int; var start: Mark; var index: Int }
        var keys = findings.indices.map { Key(rank: rank[findings[$0].location.file.path]!, start: findings[$0].location.start, index: $0) }
        findings.withUnsafeBufferPointer { f in
            keys.sort { a, b in
                if a.rank != b.rank { return a.rank < b.rank }
                if a.start != b.start { return a.start < b.start }
                if f[a.index].ruleId != f[b.index].ruleId { return f[a.index].ruleId < f[b.index].ruleId }
                if f[a.index].resource != f[b.index].resource { return f[a.index].resource < f[b.index].resource }
                return f[a.index].message < f[b.index].message
            }
        }
        return keys.map { findings[$0.index] }
    }

    func applySuppressions(_ findings: [Finding]) -> [Finding] {
        guard !accounts.suppressions.isEmpty else { return findings }
        return findings.map { f in
            var f = f
            for s in accounts.suppressions where s.rule == f.ruleId || s.rule == "*" {
                if let r = s.resource, r != f.resource { continue }
                if let p = s.path, !AccountContext.pathMatches(f.location.file.path, prefix: p) { continue }
                f.suppression = Suppression(justification: s.justification, source: accounts.source ?? AccountContextLoader.fileName)
                break
            }
            return f
        }
    }
}

/// Folds the findings about each cluster into GuardDuty's view of it.
public enum CoveragePredictor {
    /// Rules whose "not monitored" means "nothing for the agent to run on", not "GuardDuty leaves the cluster
    /// alone": GuardDuty still acts on such a cluster, so an issue it would report takes precedence.
    static let notMonitoredAfterIssues: Set<String> = ["GP118"]

    /// Issues after which no add-on runs (so no add-on version is predicted).
    static let issuesWithoutAddon: Set<String> = ["Addon Creation Failed", "Local EKS clusters"]

    public static func predict(context: CheckContext, findings: [Finding]) -> [CoveragePrediction] {
        let infra = context.infrastructure
        var byCluster: [Int: [Int]] = [:]
        for (i, f) in findings.enumerated() { if let c = f.clusterIndex { byCluster[c, default: []].append(i) } }
        var out: [CoveragePrediction] = []
        for (index, cluster) in infra.clusters.enumerated() {
            let cc = context.clusterContexts[index]
            let mine = byCluster[index] ?? []
            let active = mine.filter { findings[$0].suppression == nil }
            // GuardDuty reports only the first issue it finds; ours is the first by rule id.
            let ordered = active.sorted { (findings[$0].ruleId, $0) < (findings[$1].ruleId, $1) }
            var status = CoverageStatus.healthy
            var issue: String?
            var issueType: String?
            var reason: String?
            // Not monitored because GuardDuty leaves the cluster alone (Runtime Monitoring off, excluded by tag)...
            for i in ordered where !notMonitoredAfterIssues.contains(findings[i].ruleId) {
                if case .notMonitored(let why) = findings[i].effect { status = .notMonitored; reason = why; break }
            }
            // ...then the first issue GuardDuty would report...
            if status == .healthy {
                for i in ordered {
                    if case .unhealthy(let gdIssue) = findings[i].effect {
                        status = .unhealthy; issue = gdIssue.text; issueType = gdIssue.type; break
                    }
                }
            }
            // ...then "nothing to run on".
            if status == .healthy {
                for i in ordered {
                    if case .notMonitored(let why) = findings[i].effect { status = .notMonitored; reason = why; break }
                }
            }
            let runtimeOff = ClusterFacts.isRuntimeMonitoringOff(index, context: context)
            var unverified: [String] = []
            if cc.runtimeMonitoring.toggle == .unknown && !runtimeOff {
                unverified.append("Runtime Monitoring: no GuardDuty detector feature in the scan and none declared in \(AccountContextLoader.fileName)")
            }
            let deployment = AgentDeployment.resolve(cluster: index, context: context)
            var version: String?
            switch deployment.choice {
            case .pinned(_, let text):
                version = text
            case .automatic(let agent):
                version = agent.description
            case .eksDefault:
                let k8s = deployment.kubernetes.version.map { " for Kubernetes \($0)" } ?? ""
                unverified.append("add-on version: \(deployment.addon.map { infra.addons[$0].resource.address } ?? "the add-on") does not pin one; EKS installs its default \(context.knowledge.addonName) version\(k8s)")
            case .malformed(let text):
                unverified.append("add-on version: \"\(text)\" is not a valid add-on version")
            case .unknown:
                if let a = deployment.addon {
                    unverified.append("add-on version: \(infra.addons[a].resource.address) sets it to a value only known after apply")
                } else if cc.managementType == nil {
                    // Settings unknown: the version automated configuration would deploy, as the likely case.
                    version = context.knowledge.newestAgent.description
                } else if cc.managementType == .manual {
                    unverified.append("add-on version: no \(context.knowledge.addonName) add-on in the scan; with manual management it is installed outside it")
                }
            }
            if status == .notMonitored || issueType.map(issuesWithoutAddon.contains) == true { version = nil }
            // Saturating: desired sizes come from the input (two of 2^63-1 overflowed `+`, a trap).
            let desired = cluster.nodeGroups.compactMap { infra.nodeGroups[$0].desiredSize.value }.saturatingSum()
            out.append(CoveragePrediction(
                clusterName: cluster.name.value ?? cluster.resource.address, clusterAddress: cluster.resource.address,
                location: cluster.resource.location, accountId: cc.account, region: cc.region, status: status,
                managementType: runtimeOff ? .disabled : cc.managementType, addonVersion: version,
                issue: issue, reason: reason, unverified: unverified, findingIndexes: mine,
                desiredNodes: cluster.nodeGroups.isEmpty ? nil : desired))
        }
        return out
    }
}

/// Hands out 0, 1, 2 ... to worker threads.
final class NextIndex: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var value = 0
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func take(below limit: Int) -> Int? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

enum ProcessorCount {
    static var online: Int {
        let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return n > 0 ? Int(n) : 1
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
