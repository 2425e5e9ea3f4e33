import GuardpostDocuments
import GuardpostModel

/// One object submitted to the admission chain, as the API server would present it to webhooks.
public struct AdmissionRequest: Sendable {
    public var object: Node
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var namespace: String?
    /// CREATE, UPDATE, DELETE, CONNECT.
    public var operation: String
    /// The user making the request; the GuardDuty add-on's objects are created by `eks:addon-manager`.
    public var username: String
    public var groups: [String]
    /// Labels of the namespace the object lives in, when known (for namespaceSelector).
    public var namespaceLabels: [String: String]

    public init(object: Node, apiVersion: String, kind: String, name: String, namespace: String?,
                operation: String = "CREATE", username: String = "eks:addon-manager",
                groups: [String] = ["system:authenticated"], namespaceLabels: [String: String] = [:]) {
        self.object = object
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.operation = operation
        self.username = username
        self.groups = groups
        self.namespaceLabels = namespaceLabels
    }
}

public enum AdmissionEngineKind: String, Sendable, Codable {
    case kyverno, gatekeeper, rbac, podSecurityAdmission
}

public enum AdmissionOutcome: Sendable, Equatable {
    /// The policy applies and the object passes.
    case pass
    /// The policy applies and would reject the object (Enforce / deny).
    case deny
    /// The policy applies and the object fails, but the policy only audits / warns / dry-runs.
    case auditOnly
    /// The policy does not apply to this object (match/exclude).
    case notApplicable
    /// The policy uses something we cannot evaluate offline (CEL, external data, API calls...).
    case cannotEvaluate(reason: String)
}

/// What one policy (one rule of it) decides about one request.
public struct AdmissionDecision: Sendable {
    public var engine: AdmissionEngineKind
    /// `ClusterPolicy/restrict-image-registries`, `K8sRequiredLabels/all-must-have-owner`, `ClusterRoleBinding/eks:addon-cluster-admin`.
    public var policy: String
    /// The rule name (Kyverno), nil otherwise.
    public var rule: String?
    public var outcome: AdmissionOutcome
    /// The message the real controller would return, e.g.
    /// `admission webhook "validate.kyverno.svc-fail" denied the request: ...`.
    public var message: String
    /// Where the deciding policy (ideally the deciding line) is.
    public var location: Location
    /// The object that was evaluated, e.g. `DaemonSet/amazon-guardduty/aws-guardduty-agent`.
    public var object: String

    public init(engine: AdmissionEngineKind, policy: String, rule: String? = nil, outcome: AdmissionOutcome,
                message: String, location: Location, object: String) {
        self.engine = engine
        self.policy = policy
        self.rule = rule
        self.outcome = outcome
        self.message = message
        self.location = location
        self.object = object
    }

    public var blocks: Bool { outcome == .deny }
}

/// One case of a user's existing test suite (Kyverno CLI `kyverno-test.yaml`, Gatekeeper `gator verify` `suite.yaml`).
public struct AdmissionCaseResult: Sendable {
    public enum Status: String, Sendable { case agreed, disagreed, skipped }
    public var engine: AdmissionEngineKind
    /// The suite file.
    public var suite: Location
    /// Human-readable case id: `policy/rule resource` or `test name / case name`.
    public var name: String
    public var expected: String
    public var actual: String
    public var status: Status
    /// Why skipped, or what disagreed (with the policy's file:line where known).
    public var detail: String?

    public init(engine: AdmissionEngineKind, suite: Location, name: String, expected: String, actual: String,
                status: Status, detail: String? = nil) {
        self.engine = engine
        self.suite = suite
        self.name = name
        self.expected = expected
        self.actual = actual
        self.status = status
        self.detail = detail
    }
}
