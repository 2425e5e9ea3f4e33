import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// An example input for a rule: real file content in one format, run through the real loaders by the
/// test suite. `expect` lists the findings it must produce (resource address and attribute); an empty
/// list means the rule must stay silent.
public struct RuleExample: Sendable {
    public struct Expected: Sendable, Hashable {
        public var resource: String
        public var attribute: String?
        public init(_ resource: String, attribute: String? = nil) {
            self.resource = resource
            self.attribute = attribute
        }
    }
    public var name: String
    public var format: InputFormat
    /// File name -> content. Several files model a folder (a `.guardpost.yml` may be one of them).
    public var files: [(name: String, content: String)]
    public var expect: [Expected]

    public init(_ name: String, format: InputFormat, files: [(name: String, content: String)], expect: [Expected]) {
        self.name = name
        self.format = format
        self.files = files
        self.expect = expect
    }

    public init(_ name: String, format: InputFormat, file: String, content: String, expect: [Expected]) {
        self.init(name, format: format, files: [(file, content)], expect: expect)
    }

    public var triggers: Bool { !expect.isEmpty }
}

/// Everything a rule's documentation says, reviewed like code.
public struct RuleMetadata: Sendable {
    /// Stable id, never reused: `GP101`.
    public var id: String
    /// A readable slug: `vpc-dns-attributes`.
    public var name: String
    public var title: String
    public var severity: Severity
    /// The GuardDuty issue type predicted, exactly as GuardDuty prints it (nil: none, e.g. "not monitored").
    public var issueType: String?
    public var rationale: String
    /// The fix per input format.
    public var remediation: [InputFormat: String]
    public var documentation: String
    /// Built on first use (the test suite, `guardpost rules show`), not when the rule is created: some
    /// rules generate whole plans for their examples, and a scan never reads them.
    public var examples: [RuleExample] {
        get { examplesProvider() }
        set { examplesProvider = { newValue } }
    }
    private var examplesProvider: @Sendable () -> [RuleExample]

    public init(id: String, name: String, title: String, severity: Severity, issueType: String?, rationale: String,
                remediation: [InputFormat: String], documentation: String, examples: @autoclosure @escaping @Sendable () -> [RuleExample]) {
        self.id = id
        self.name = name
        self.title = title
        self.severity = severity
        self.issueType = issueType
        self.rationale = rationale
        self.remediation = remediation
        self.documentation = documentation
        self.examplesProvider = examples
    }

    public func remediation(for format: InputFormat) -> String {
        remediation[format] ?? remediation[.terraformPlan] ?? remediation.values.sorted().first ?? ""
    }
}

/// What rules read: the linked infrastructure, the knowledge data, and the account context.
public struct CheckContext: Sendable {
    public var infrastructure: Infrastructure
    public var knowledge: Knowledge
    public var accounts: AccountContext
    public var clusterContexts: [ClusterContext]

    public init(infrastructure: Infrastructure, knowledge: Knowledge, accounts: AccountContext) {
        self.infrastructure = infrastructure
        self.knowledge = knowledge
        self.accounts = accounts
        var resolver = ClusterContext.Resolver(infrastructure: infrastructure, accounts: accounts)
        self.clusterContexts = infrastructure.clusters.indices.map { resolver.resolve(cluster: $0) }
    }
}

public protocol Rule: Sendable {
    var metadata: RuleMetadata { get }
    func check(_ context: CheckContext) -> [Finding]
}

extension Rule {
    public var id: String { metadata.id }

    /// A finding with this rule's id and severity.
    public func finding(_ message: String, at location: Location, resource: RawResource, attribute: String? = nil,
                        cluster: String? = nil, effect: CoverageEffect = .none, severity: Severity? = nil,
                        remediation: String? = nil, assumptions: [String] = []) -> Finding {
        Finding(ruleId: metadata.id, severity: severity ?? metadata.severity, message: message, location: location,
                resource: resource.address, attribute: attribute, cluster: cluster, effect: effect,
                remediation: remediation ?? metadata.remediation(for: resource.format), assumptions: assumptions)
    }

    /// A finding about cluster `index`.
    public func finding(_ message: String, at location: Location, resource: RawResource, attribute: String? = nil,
                        clusterIndex index: Int, in context: CheckContext, effect: CoverageEffect = .none,
                        severity: Severity? = nil, remediation: String? = nil, assumptions: [String] = []) -> Finding {
        var f = finding(message, at: location, resource: resource, attribute: attribute,
                        cluster: context.infrastructure.clusters[index].resource.address, effect: effect,
                        severity: severity, remediation: remediation, assumptions: assumptions)
        f.clusterIndex = index
        return f
    }
}
