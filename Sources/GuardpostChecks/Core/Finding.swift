import GuardpostDocuments
import GuardpostModel

public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    /// Not a problem: what guardpost could not verify, or a fact worth knowing (Audit-only policy...).
    case info
    /// A risk: coverage may degrade (capacity, conflicts), or the input is doubtful.
    case warning
    /// GuardDuty would report the cluster `Unhealthy` (or not cover it) when this is deployed.
    case error

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    var rank: Int { switch self { case .info: 0; case .warning: 1; case .error: 2 } }
}

/// A GuardDuty coverage issue as GuardDuty prints it: `Issue type: Extra information`.
public struct GuardDutyIssue: Sendable, Hashable, Codable {
    /// Exactly as GuardDuty reports it: `VPC Endpoint Creation Failed`, `Addon Creation Failed`...
    public var type: String
    public var extra: String

    public init(type: String, extra: String) {
        self.type = type
        self.extra = extra
    }

    /// `VPC Endpoint Creation Failed: Enabling private DNS requires ...`
    public var text: String { extra.isEmpty ? type : "\(type): \(extra)" }
}

/// What a finding means for the cluster's coverage.
public enum CoverageEffect: Sendable, Hashable {
    /// GuardDuty would report the cluster `Unhealthy` with this issue.
    case unhealthy(GuardDutyIssue)
    /// GuardDuty would not monitor the cluster at all (excluded by tag, Runtime Monitoring off, unsupported).
    case notMonitored(reason: String)
    /// No effect on the predicted status (a risk, or information).
    case none
}

public struct Suppression: Sendable, Hashable, Codable {
    public var justification: String
    /// Where the suppression is declared (an inline comment or the configuration file).
    public var source: String
    public init(justification: String, source: String) {
        self.justification = justification
        self.source = source
    }
}

/// One result of one rule about one resource.
public struct Finding: Sendable {
    public var ruleId: String
    public var severity: Severity
    public var message: String
    /// Where the cause is written: the attribute when written, the resource when the attribute is missing.
    public var location: Location
    /// The resource's address in its format (`module.vpc.aws_vpc.this[0]`, a logical id, `ClusterPolicy/x`).
    public var resource: String
    /// The attribute at fault (`enable_dns_hostnames`), when there is one.
    public var attribute: String?
    /// The cluster this finding concerns (its address), when there is one.
    public var cluster: String?
    /// The cluster's index in the infrastructure (links the finding to its coverage prediction).
    public var clusterIndex: Int?
    public var effect: CoverageEffect
    /// The fix, for the input's format.
    public var remediation: String
    /// Ids of assumptions (UNCONFIRMED facts) the finding rests on.
    public var assumptions: [String]
    public var suppression: Suppression?

    public init(ruleId: String, severity: Severity, message: String, location: Location, resource: String,
                attribute: String? = nil, cluster: String? = nil, effect: CoverageEffect = .none,
                remediation: String, assumptions: [String] = [], suppression: Suppression? = nil) {
        self.ruleId = ruleId
        self.severity = severity
        self.message = message
        self.location = location
        self.resource = resource
        self.attribute = attribute
        self.cluster = cluster
        self.effect = effect
        self.remediation = remediation
        self.assumptions = assumptions
        self.suppression = suppression
    }

    public var predictedIssue: GuardDutyIssue? {
        if case .unhealthy(let issue) = effect { return issue }
        return nil
    }

    /// A content fingerprint (rule, resource, attribute) that survives line shifts.
    public var fingerprint: String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in "\(ruleId)|\(resource)|\(attribute ?? "")|\(cluster ?? "")".utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Total order for deterministic output: file, line, column, rule, resource.
    public static func ordered(_ a: Finding, _ b: Finding) -> Bool {
        if a.location.file.path != b.location.file.path { return a.location.file.path < b.location.file.path }
        if a.location.start != b.location.start { return a.location.start < b.location.start }
        if a.ruleId != b.ruleId { return a.ruleId < b.ruleId }
        if a.resource != b.resource { return a.resource < b.resource }
        return a.message < b.message
    }
}
