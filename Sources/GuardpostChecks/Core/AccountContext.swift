import GuardpostDocuments
import GuardpostModel

/// A setting that is on, off, or not known from the scan or the configuration file.
public enum Toggle: String, Sendable, Codable {
    case enabled, disabled, unknown
}

/// What `.guardpost.yml` declares about accounts and regions that are not in the scan.
public struct AccountContext: Sendable {
    public struct RegionSettings: Sendable {
        public var runtimeMonitoring: Toggle = .unknown
        public var automatedAgentConfiguration: Toggle = .unknown
        public init() {}
    }
    public struct Account: Sendable {
        public var id: String
        /// Path prefixes whose files belong to this account.
        public var paths: [String]
        /// Settings per region; the key `*` applies to every region.
        public var regions: [String: RegionSettings]
        /// Organization id, for shared-VPC checks.
        public var organization: String?
        public init(id: String, paths: [String] = [], regions: [String: RegionSettings] = [:], organization: String? = nil) {
            self.id = id
            self.paths = paths
            self.regions = regions
            self.organization = organization
        }
    }
    /// Maps Kubernetes manifests to clusters (by cluster name); unmapped manifests apply to every cluster.
    public struct ManifestMapping: Sendable {
        public var cluster: String
        public var paths: [String]
        public init(cluster: String, paths: [String]) { self.cluster = cluster; self.paths = paths }
    }
    public struct SuppressionRule: Sendable {
        public var rule: String
        public var resource: String?
        public var path: String?
        public var justification: String
        public init(rule: String, resource: String?, path: String?, justification: String) {
            self.rule = rule; self.resource = resource; self.path = path; self.justification = justification
        }
    }

    /// The region of inputs that do not say (CloudFormation templates, manifests).
    public var defaultRegion: String?
    public var accounts: [Account] = []
    public var manifests: [ManifestMapping] = []
    public var suppressions: [SuppressionRule] = []
    /// Where the configuration came from (nil: no file).
    public var source: String?

    public init() {}

    /// The account whose `paths` contain `path` (longest prefix wins).
    public func account(forPath path: String) -> Account? {
        var best: (Account, Int)?
        for a in accounts {
            for p in a.paths where Self.pathMatches(path, prefix: p) {
                if best == nil || p.count > best!.1 { best = (a, p.count) }
            }
        }
        return best?.0
    }

    static func pathMatches(_ path: String, prefix: String) -> Bool {
        let clean = { (s: String) -> String in
            var s = s
            while s.hasPrefix("./") { s.removeFirst(2) }
            while s.hasSuffix("/") && s.count > 1 { s.removeLast() }
            return s
        }
        let p = clean(path), q = clean(prefix)
        if q.isEmpty || q == "." { return true }
        return p == q || p.hasPrefix(q + "/") || p.contains("/" + q + "/") || p.hasSuffix("/" + q)
    }

    public func settings(account: String?, region: String?) -> RegionSettings {
        guard let account, let a = accounts.first(where: { $0.id == account }) else {
            // A single declared account with no paths describes everything scanned.
            if accounts.count == 1, accounts[0].paths.isEmpty { return merged(accounts[0], region) }
            return RegionSettings()
        }
        return merged(a, region)
    }

    private func merged(_ a: Account, _ region: String?) -> RegionSettings {
        var s = a.regions["*"] ?? RegionSettings()
        if let region, let r = a.regions[region] {
            if r.runtimeMonitoring != .unknown { s.runtimeMonitoring = r.runtimeMonitoring }
            if r.automatedAgentConfiguration != .unknown { s.automatedAgentConfiguration = r.automatedAgentConfiguration }
        }
        return s
    }
}

/// Reads `.guardpost.yml`. Errors stop the run (exit code 2): a configuration that cannot be read must
/// never silently turn into "no configuration".
public enum AccountContextLoader {
    public struct ConfigError: Error, CustomStringConvertible {
        public var location: Location
        public var message: String
        public var description: String { "\(location): \(message)" }
    }

    public static let fileName = ".guardpost.yml"

    /// Finds `.guardpost.yml` in `start` or any parent folder.
    public static func find(from start: String) -> String? {
        var dir = start
        if !isDirectory(dir) { dir = InputLoaderPath.directory(of: dir) }
        dir = absolute(dir)
        for _ in 0..<64 {
            let candidate = dir == "/" ? "/" + fileName : dir + "/" + fileName
            if fileExists(candidate) { return candidate }
            if dir == "/" || dir.isEmpty { return nil }
            dir = InputLoaderPath.directory(of: dir)
            if dir.isEmpty { dir = "/" }
        }
        return nil
    }

    public static func load(path: String) throws -> AccountContext {
        let file = SourceFile(path: path)
        let bytes: [UInt8]
        do { bytes = try SourceReader.read(path: path, limits: .default) } catch let e as ParseError {
            throw ConfigError(location: e.location, message: e.message)
        }
        return try parse(bytes, file: file)
    }

    public static func parse(_ bytes: [UInt8], file: SourceFile) throws -> AccountContext {
        let docs: [Node]
        do { docs = try YAMLReader.parse(bytes, file: file).documents } catch let e as ParseError {
            throw ConfigError(location: e.location, message: e.message)
        }
        var ctx = AccountContext()
        ctx.source = file.path
        guard let root = docs.first, !root.isNull else { return ctx }
        guard let entries = root.entries else { throw ConfigError(location: root.location, message: "the configuration must be a mapping") }
        for e in entries {
            switch e.key {
            case "region":
                guard let s = e.value.string else { throw ConfigError(location: e.value.location, message: "region must be a string such as us-east-1") }
                ctx.defaultRegion = s
            case "accounts":
                guard let items = e.value.items else { throw ConfigError(location: e.value.location, message: "accounts must be a list") }
                for item in items { ctx.accounts.append(try account(item)) }
            case "clusters":
                guard let items = e.value.items else { throw ConfigError(location: e.value.location, message: "clusters must be a list of {name, manifests}") }
                for item in items {
                    guard let name = item["name"]?.scalarText else { throw ConfigError(location: item.location, message: "cluster mapping needs a name") }
                    ctx.manifests.append(.init(cluster: name, paths: item["manifests"]?.items?.compactMap(\.scalarText) ?? []))
                }
            case "suppressions":
                guard let items = e.value.items else { throw ConfigError(location: e.value.location, message: "suppressions must be a list") }
                for item in items {
                    guard let rule = item["rule"]?.scalarText else { throw ConfigError(location: item.location, message: "a suppression needs a rule id") }
                    guard let why = item["justification"]?.scalarText, !why.isEmpty else {
                        throw ConfigError(location: item.location, message: "a suppression needs a justification")
                    }
                    ctx.suppressions.append(.init(rule: rule, resource: item["resource"]?.scalarText, path: item["path"]?.scalarText, justification: why))
                }
            default:
                throw ConfigError(location: e.keyLocation, message: "unknown key '\(e.key)' (expected region, accounts, clusters, suppressions)")
            }
        }
        return ctx
    }

    static func account(_ node: Node) throws -> AccountContext.Account {
        guard let id = node["id"]?.scalarText else { throw ConfigError(location: node.location, message: "an account needs an id (12 digits)") }
        guard id.count == 12, id.allSatisfy(\.isNumber) else { throw ConfigError(location: node["id"]!.location, message: "account id '\(id)' must be 12 digits (quote it in YAML)") }
        var a = AccountContext.Account(id: id)
        a.paths = node["paths"]?.items?.compactMap(\.scalarText) ?? []
        a.organization = node["organization"]?.scalarText
        var base = AccountContext.RegionSettings()
        try apply(node, to: &base)
        if base.runtimeMonitoring != .unknown || base.automatedAgentConfiguration != .unknown { a.regions["*"] = base }
        for r in node["regions"]?.entries ?? [] {
            var s = AccountContext.RegionSettings()
            try apply(r.value, to: &s)
            a.regions[r.key] = s
        }
        return a
    }

    static func apply(_ node: Node, to s: inout AccountContext.RegionSettings) throws {
        for (key, path) in [("runtimeMonitoring", \AccountContext.RegionSettings.runtimeMonitoring),
                            ("automatedAgentConfiguration", \AccountContext.RegionSettings.automatedAgentConfiguration)] {
            guard let v = node[key] else { continue }
            switch v.scalarText?.lowercased() {
            case "enabled", "true", "on": s[keyPath: path] = .enabled
            case "disabled", "false", "off": s[keyPath: path] = .disabled
            default: throw ConfigError(location: v.location, message: "\(key) must be enabled or disabled")
            }
        }
    }

    static func isDirectory(_ p: String) -> Bool {
        var st = stat()
        return stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
    static func fileExists(_ p: String) -> Bool {
        var st = stat()
        return stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }
    static func absolute(_ p: String) -> String {
        if p.hasPrefix("/") { return p }
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return p }
        let cwd = String(cString: buf)
        return p == "." || p.isEmpty ? cwd : cwd + "/" + p
    }
}

enum InputLoaderPath {
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
