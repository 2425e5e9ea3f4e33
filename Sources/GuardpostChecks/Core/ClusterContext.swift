import GuardpostDocuments
import GuardpostModel

/// GuardDuty's agent management type for a cluster, as ListCoverage reports it.
public enum ManagementType: String, Sendable, Codable {
    case autoManaged = "AUTO_MANAGED"
    case manual = "MANUAL"
    case disabled = "DISABLED"
}

/// Where a GuardDuty setting was decided: a resource in the scan, the configuration file, or nowhere.
public struct SettingSource: Sendable {
    public var toggle: Toggle
    /// The resource (feature) that decides, when in the scan.
    public var location: Location?
    public var resource: String?
    /// `scan`, `.guardpost.yml`, or `unknown`.
    public var origin: String
    public init(toggle: Toggle, location: Location? = nil, resource: String? = nil, origin: String) {
        self.toggle = toggle
        self.location = location
        self.resource = resource
        self.origin = origin
    }
}

/// What is known about the GuardDuty settings that govern one cluster.
public struct ClusterContext: Sendable {
    public var cluster: EntityIndex
    public var account: String?
    public var region: String?
    public var runtimeMonitoring: SettingSource
    public var automatedAgent: SettingSource
    /// Features in the scan that apply to this cluster's account and region.
    public var features: [EntityIndex]

    public var managementType: ManagementType? {
        switch (runtimeMonitoring.toggle, automatedAgent.toggle) {
        case (.disabled, _): return .disabled
        case (.enabled, .enabled): return .autoManaged
        case (.enabled, .disabled): return .manual
        case (.unknown, .enabled): return .autoManaged
        case (.unknown, .disabled): return .manual
        default: return nil
        }
    }

    static let runtimeFeatureNames: Set<String> = ["RUNTIME_MONITORING", "EKS_RUNTIME_MONITORING"]

    public static func resolve(cluster index: EntityIndex, infrastructure infra: Infrastructure, accounts: AccountContext) -> ClusterContext {
        var resolver = Resolver(infrastructure: infra, accounts: accounts)
        return resolver.resolve(cluster: index)
    }

    /// Resolves every cluster of a scan. What governs a cluster depends only on its scope, account and
    /// region: runtime features are indexed once by scope and by account (each feature's account looked
    /// up once), and the decision is memoized per (scope, account, region), so resolving all clusters
    /// is linear in clusters + features instead of clusters x features.
    struct Resolver {
        let infra: Infrastructure
        let accounts: AccountContext
        private var indexed = false
        private var byScope: [String: [EntityIndex]] = [:]
        private var byAccount: [String: [EntityIndex]] = [:]
        /// Runtime features of no declared account, when they all come from one scope (else empty).
        private var unmappedSingleScope: [EntityIndex] = []
        private var memo: [Key: (features: [EntityIndex], rm: SettingSource, aac: SettingSource)] = [:]

        struct Key: Hashable {
            var scope: String
            var account: String?
            var region: String?
        }

        init(infrastructure: Infrastructure, accounts: AccountContext) {
            self.infra = infrastructure
            self.accounts = accounts
        }

        private mutating func index() {
            indexed = true
            var unmapped: [EntityIndex] = []
            var unmappedScopes = Set<String>()
            for i in infra.features.indices where infra.features[i].name.value.map(runtimeFeatureNames.contains) == true {
                let f = infra.features[i]
                byScope[f.resource.scope, default: []].append(i)
                if let account = accounts.account(forPath: f.resource.location.file.path)?.id {
                    byAccount[account, default: []].append(i)
                } else {
                    unmapped.append(i)
                    unmappedScopes.insert(f.resource.scope)
                }
            }
            unmappedSingleScope = unmappedScopes.count == 1 ? unmapped : []
        }

        mutating func resolve(cluster index: EntityIndex) -> ClusterContext {
            let cluster = infra.clusters[index]
            let path = cluster.resource.location.file.path
            let account = accounts.account(forPath: path)?.id
            let region = cluster.region ?? accounts.defaultRegion
            let key = Key(scope: cluster.resource.scope, account: account, region: region)
            let settings: (features: [EntityIndex], rm: SettingSource, aac: SettingSource)
            if let m = memo[key] { settings = m } else {
                settings = decide(key)
                memo[key] = settings
            }
            return ClusterContext(cluster: index, account: account, region: region, runtimeMonitoring: settings.rm,
                                  automatedAgent: settings.aac, features: settings.features)
        }

        private mutating func decide(_ key: Key) -> (features: [EntityIndex], rm: SettingSource, aac: SettingSource) {
            if !indexed { index() }
            let region = key.region
            func regionMatches(_ i: EntityIndex) -> Bool {
                let fRegion = infra.features[i].region ?? accounts.defaultRegion
                if let fRegion, let region, fRegion != region { return false }
                return true
            }
            // 1. features declared with the cluster (same plan, template or Terraform folder);
            // 2. else features of the same declared account (.guardpost.yml paths);
            // 3. else, when nobody says which account is which, the scan's GuardDuty configuration if it
            //    is unambiguous (all of it in one place).
            var applicable = (byScope[key.scope] ?? []).filter(regionMatches)
            if applicable.isEmpty, let account = key.account {
                applicable = (byAccount[account] ?? []).filter(regionMatches)
            }
            if applicable.isEmpty, key.account == nil {
                applicable = unmappedSingleScope.filter(regionMatches)
            }
            var (rm, aac) = ClusterContext.decide(applicable, infrastructure: infra)
            let declared = accounts.settings(account: key.account, region: region)
            if rm.toggle == .unknown, declared.runtimeMonitoring != .unknown {
                rm = SettingSource(toggle: declared.runtimeMonitoring, origin: accounts.source ?? AccountContextLoader.fileName)
            }
            if aac.toggle == .unknown, declared.automatedAgentConfiguration != .unknown {
                aac = SettingSource(toggle: declared.automatedAgentConfiguration, origin: accounts.source ?? AccountContextLoader.fileName)
            }
            return (applicable, rm, aac)
        }
    }

    /// Runtime Monitoring and automated agent configuration as the given features decide them: account
    /// features over organization auto-enable, RUNTIME_MONITORING over the legacy EKS_RUNTIME_MONITORING;
    /// an enabled feature without EKS_ADDON_MANAGEMENT means automated configuration is off.
    static func decide(_ applicable: [EntityIndex], infrastructure infra: Infrastructure) -> (SettingSource, SettingSource) {
        var rm = SettingSource(toggle: .unknown, origin: "unknown")
        var aac = SettingSource(toggle: .unknown, origin: "unknown")
        let ordered = applicable.sorted { a, b in
            let fa = infra.features[a], fb = infra.features[b]
            if fa.scope != fb.scope { return fa.scope == .account }
            return (fa.name.value == "RUNTIME_MONITORING" ? 0 : 1, a) < (fb.name.value == "RUNTIME_MONITORING" ? 0 : 1, b)
        }
        for i in ordered where rm.toggle == .unknown {
            let f = infra.features[i]
            let on: Toggle
            switch (f.scope, f.status.value?.uppercased()) {
            case (.account, "ENABLED"), (.organization, "ALL"), (.organization, "NEW"): on = .enabled
            case (.account, "DISABLED"), (.organization, "NONE"): on = .disabled
            default: on = .unknown
            }
            guard on != .unknown else { continue }
            rm = SettingSource(toggle: on, location: f.status.location ?? f.location, resource: f.resource.address, origin: "scan")
            if let add = f.additional.first(where: { $0.name.value == "EKS_ADDON_MANAGEMENT" }) {
                let s = add.status.value?.uppercased()
                let t: Toggle = (s == "ENABLED" || s == "ALL" || s == "NEW") ? .enabled : (s == "DISABLED" || s == "NONE") ? .disabled : .unknown
                aac = SettingSource(toggle: t, location: add.status.location ?? f.location, resource: f.resource.address, origin: "scan")
            } else if on == .enabled {
                aac = SettingSource(toggle: .disabled, location: f.location, resource: f.resource.address, origin: "scan (EKS_ADDON_MANAGEMENT not set: off)")
            }
        }
        return (rm, aac)
    }
}
