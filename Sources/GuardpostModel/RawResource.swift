import GuardpostDocuments

/// The input formats guardpost reads.
public enum InputFormat: String, Sendable, Codable, CaseIterable {
    case terraformPlan = "terraform-plan"
    case terraformJSON = "terraform-json"
    case terraformHCL = "terraform-hcl"
    case cloudFormation = "cloudformation"
    case kubernetes = "kubernetes"

    public var displayName: String {
        switch self {
        case .terraformPlan: return "Terraform plan JSON"
        case .terraformJSON: return "Terraform .tf.json"
        case .terraformHCL: return "Terraform .tf"
        case .cloudFormation: return "CloudFormation"
        case .kubernetes: return "Kubernetes YAML"
        }
    }

    /// Whether attribute names are Terraform's snake_case (plan, .tf.json and .tf) or CloudFormation's PascalCase.
    public var isTerraform: Bool { self == .terraformPlan || self == .terraformJSON || self == .terraformHCL }
}

/// What a plan does to a resource (`resource_changes[].change.actions`).
public enum ChangeAction: String, Sendable, Codable {
    case create, update, delete, replace, read
    case noOp = "no-op"
}

/// A link written in the source: the attribute at `path` refers to the resource `target`.
public struct Reference: Sendable, Hashable {
    /// Attribute path inside the referring resource (`vpc_config[0].subnet_ids`).
    public var path: [PathComponent]
    /// The target's link key: a Terraform configuration address without instance keys
    /// (`module.vpc.aws_vpc.this`) or a CloudFormation logical id.
    public var target: String
    /// The attribute of the target that is read (`id`, `name`, `CidrBlock`), when known.
    public var attribute: String?
    /// Where the reference is written.
    public var location: Location?

    public init(path: [PathComponent], target: String, attribute: String?, location: Location?) {
        self.path = path
        self.target = target
        self.attribute = attribute
        self.location = location
    }
}

/// One resource as a loader read it, before normalisation: its type and address in its own format,
/// its attribute values with positions, which attributes are unknown, and the references it makes.
public struct RawResource: Sendable {
    public var format: InputFormat
    /// `aws_vpc`, `AWS::EC2::VPC`.
    public var type: String
    /// The full address: `module.vpc.aws_vpc.this[0]`, a CloudFormation logical id.
    public var address: String
    /// The key other resources link to: the address without instance keys (`module.vpc.aws_vpc.this`).
    public var linkKey: String
    /// Resources link only within a scope: one plan, one template, one Terraform directory.
    public var scope: String
    /// Where the resource is declared.
    public var location: Location
    /// The attribute values (a mapping). Unknown values are absent from it.
    public var attributes: Node
    /// Dotted paths whose value is written in the configuration (Terraform plan): tells "not set"
    /// from "computed after apply".
    public var configuredPaths: Set<String>
    /// Dotted paths known to be unknown until apply.
    public var unknownPaths: Set<String>
    public var references: [Reference]
    /// The planned change (Terraform plan only).
    public var action: ChangeAction?
    /// The region of the provider or stack, when the input says.
    public var region: String?
    /// Whether this is a data source (Terraform `data` blocks): read, not created.
    public var isDataSource: Bool
    /// The values before the planned change (`resource_changes[].change.before`), for rules about what a change turns off.
    public var before: Node? = nil

    public init(format: InputFormat, type: String, address: String, linkKey: String, scope: String,
                location: Location, attributes: Node, configuredPaths: Set<String> = [], unknownPaths: Set<String> = [],
                references: [Reference] = [], action: ChangeAction? = nil, region: String? = nil, isDataSource: Bool = false) {
        self.format = format
        self.type = type
        self.address = address
        self.linkKey = linkKey
        self.scope = scope
        self.location = location
        self.attributes = attributes
        self.configuredPaths = configuredPaths
        self.unknownPaths = unknownPaths
        self.references = references
        self.action = action
        self.region = region
        self.isDataSource = isDataSource
    }

    /// References made at `path` or below it.
    public func references(at path: [PathComponent]) -> [Reference] {
        references.filter { $0.path.starts(with: path) }
    }
}

/// A message about an input that is not a finding of a rule: a parse error, an unsupported construct.
public struct Diagnostic: Sendable {
    public enum Severity: String, Sendable, Codable, Comparable {
        case info, warning, error
        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.info, .warning, .error]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }
    public enum Kind: String, Sendable, Codable {
        /// The file could not be parsed (syntax, encoding, limits).
        case parseError = "parse-error"
        /// The file could not be read at all (permissions, special file, size).
        case unreadable
        /// The file parsed but its content is not something guardpost reads (or is malformed for its format).
        case unsupported
        /// A value guardpost could not evaluate (e.g. circular Ref).
        case evaluation
    }
    public var kind: Kind
    public var severity: Severity
    public var location: Location
    public var message: String

    public init(kind: Kind, severity: Severity, location: Location, message: String) {
        self.kind = kind
        self.severity = severity
        self.location = location
        self.message = message
    }
}
