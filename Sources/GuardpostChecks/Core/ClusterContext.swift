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

    /// Resolves every cluster of a scan. What governs a cluster depends only on its account and region,
    /// so the features are filtered and ordered once per (account, region), not once per cluster, and
    /// each feature's account is looked up once.
    struct Resolver {
        let infra: Infrastructure
        let accounts: AccountContext
        private var runtimeFeatures: [(index: EntityIndex, account: String?, region: String?)]?
        private var memo: [Key: (features: [EntityIndex], rm: SettingSource, aac: SettingSource)] = [:]

        struct Key: Hashable {
            var account: String?
            var region: String?
        }

        init(infrastructure: Infrastructure, accounts: AccountContext) {
            self.infra = infrastructure
            self.accounts = accounts
        }

        mutating func resolve(cluster index: EntityIndex) -> ClusterContext {
            let cluster = infra.clusters[index]
            let path = cluster.resource.location.file.path
            let account = accounts.account(forPath: path)?.id
            let region = cluster.region ?? accounts.defaultRegion
            let key = Key(account: account, region: region)
            let settings: (features: [EntityIndex], rm: SettingSource, aac: SettingSource)
            if let m = memo[key] { settings = m } else {
                settings = decide(account: account, region: region)
                memo[key] = settings
            }
            return ClusterContext(cluster: index, account: account, region: region, runtimeMonitoring: settings.rm,
                                  automatedAgent: settings.aac, features: settings.features)
        }

        private mutating func decide(account: String?, region: String?) -> (features: [EntityIndex], rm: SettingSource, aac: SettingSource) {
            if runtimeFeatures == nil {
                runtimeFeatures = infra.features.indices.compactMap { i in
                    let f = infra.features[i]
                    guard let name = f.name.value, runtimeFeatureNames.contains(name) else { return nil }
                    return (i, accounts.account(forPath: f.resource.location.file.path)?.id, f.region ?? accounts.defaultRegion)
                }
            }
            // Features in the scan that govern this cluster: same account (by path mapping, or both unmapped)
            // and same region when both are known.
            var applicable: [EntityIndex] = []
            for (i, fAccount, fRegion) in runtimeFeatures! {
                if let fAccount, let account, fAccount != account { continue }
                if fAccount != nil && account == nil && !accounts.accounts.isEmpty { continue }
                if let fRegion, let region, fRegion != region { continue }
                applicable.append(i)
            }
            var rm = SettingSource(toggle: .unknown, origin: "unknown")
            var aac = SettingSource(toggle: .unknown, origin: "unknown")
            // Account-level features decide over organization auto-enable; RUNTIME_MONITORING over EKS_RUNTIME_MONITORING.
            let ordered = applicable.sorted { a, b in
                let fa = infra.features[a], fb = infra.features[b]
                if fa.scope != fb.scope { return fa.scope == .account }
                return (fa.name.value == "RUNTIME_MONITORING" ? 0 : 1) < (fb.name.value == "RUNTIME_MONITORING" ? 0 : 1)
            }
            for i in ordered {
                let f = infra.features[i]
                guard rm.toggle == .unknown else { break }
                let status = f.status.value?.uppercased()
                let on: Toggle
                switch (f.scope, status) {
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
            let declared = accounts.settings(account: account, region: region)
            if rm.toggle == .unknown, declared.runtimeMonitoring != .unknown {
                rm = SettingSource(toggle: declared.runtimeMonitoring, origin: accounts.source ?? AccountContextLoader.fileName)
            }
            if aac.toggle == .unknown, declared.automatedAgentConfiguration != .unknown {
                aac = SettingSource(toggle: declared.automatedAgentConfiguration, origin: accounts.source ?? AccountContextLoader.fileName)
            }
            return (applicable, rm, aac)
        }
    }
}
