import GuardpostDocuments
import GuardpostChecks

/// A coverage record read from the real output of `aws guardduty list-coverage` (PascalCase, as the
/// CLI prints it, or the API's camelCase), or a bare issue string.
public struct CoverageRecordInput: Sendable {
    public var resourceId: String?
    public var resourceType: String?
    public var clusterName: String?
    public var accountId: String?
    public var coverageStatus: String?
    public var managementType: String?
    public var addonVersion: String?
    public var addonStatus: String?
    public var issue: String?
    public var location: Location?

    public init(resourceId: String? = nil, resourceType: String? = nil, clusterName: String? = nil, accountId: String? = nil,
                coverageStatus: String? = nil, managementType: String? = nil, addonVersion: String? = nil, addonStatus: String? = nil,
                issue: String? = nil, location: Location? = nil) {
        self.resourceId = resourceId
        self.resourceType = resourceType
        self.clusterName = clusterName
        self.accountId = accountId
        self.coverageStatus = coverageStatus
        self.managementType = managementType
        self.addonVersion = addonVersion
        self.addonStatus = addonStatus
        self.issue = issue
        self.location = location
    }

    /// The name to show: the EKS or ECS cluster name, the instance id, or the resource id.
    public var displayName: String { clusterName ?? resourceId ?? "(issue)" }
}

/// Reads `aws guardduty list-coverage` output (the whole response, one `CoverageResource`, or a list
/// of them), or, when the input is not JSON, one issue string.
public enum ListCoverageInput {
    public static func parse(_ bytes: [UInt8], path: String) throws -> [CoverageRecordInput] {
        let text = String(decoding: bytes, as: UTF8.self)
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\u{FEFF}" }
        guard let first = trimmed.first, first == "{" || first == "[" || first == "\"" else {
            let issue = String(trimmed).split(separator: "\n", omittingEmptySubsequences: true).joined(separator: " ")
            guard !issue.triageTrimmed().isEmpty else {
                throw ReportInputError("\(path): empty input (give the output of `aws guardduty list-coverage`, or one Issue string)")
            }
            return [CoverageRecordInput(issue: issue.triageTrimmed())]
        }
        let root: Node
        do { root = try JSONReader.parse(bytes, file: SourceFile(path: path)) } catch let e as ParseError {
            throw ReportInputError(e.message, at: e.location)
        }
        if let s = root.string { return [CoverageRecordInput(issue: s, location: root.location)] }
        if let items = root.items { return try items.map(record) }
        if let resources = field(root, "Resources") {
            guard let items = resources.items else { throw ReportInputError("Resources must be a list", at: resources.location) }
            return try items.map(record)
        }
        if field(root, "ResourceId") != nil || field(root, "CoverageStatus") != nil || field(root, "Issue") != nil {
            return [try record(root)]
        }
        throw ReportInputError("not ListCoverage output: expected {\"Resources\": [...]} (aws guardduty list-coverage), a CoverageResource, or a list of them", at: root.location)
    }

    /// A member by its PascalCase name, or the API's camelCase spelling.
    static func field(_ node: Node, _ name: String) -> Node? {
        if let v = node[name] { return v }
        let camel = name.prefix(1).lowercased() + name.dropFirst()
        return node[camel]
    }

    static func string(_ node: Node?, _ path: [String]) -> String? {
        var n = node
        for p in path { n = n.flatMap { field($0, p) } }
        return n?.scalarText
    }

    static func record(_ node: Node) throws -> CoverageRecordInput {
        guard node.entries != nil else { throw ReportInputError("a coverage resource must be an object", at: node.location) }
        let details = field(node, "ResourceDetails")
        let name = string(details, ["EksClusterDetails", "ClusterName"]) ?? string(details, ["EcsClusterDetails", "ClusterName"])
            ?? string(details, ["Ec2InstanceDetails", "InstanceId"])
        var type = string(details, ["ResourceType"])
        if type == nil {
            if details.flatMap({ field($0, "EksClusterDetails") }) != nil { type = "EKS" }
            else if details.flatMap({ field($0, "EcsClusterDetails") }) != nil { type = "ECS" }
            else if details.flatMap({ field($0, "Ec2InstanceDetails") }) != nil { type = "EC2" }
        }
        return CoverageRecordInput(
            resourceId: string(node, ["ResourceId"]), resourceType: type, clusterName: name,
            accountId: string(node, ["AccountId"]), coverageStatus: string(node, ["CoverageStatus"]),
            managementType: string(details, ["EksClusterDetails", "ManagementType"]) ?? string(details, ["EcsClusterDetails", "ManagementType"])
                ?? string(details, ["Ec2InstanceDetails", "ManagementType"]),
            addonVersion: string(details, ["EksClusterDetails", "AddonDetails", "AddonVersion"]),
            addonStatus: string(details, ["EksClusterDetails", "AddonDetails", "AddonStatus"]),
            issue: string(node, ["Issue"]), location: node.location)
    }
}

/// `guardpost explain`: the recommended steps for each issue of a cluster that is already deployed.
public struct ExplainReport: Sendable {
    /// Rules whose predicted issue type matches, to say which guardpost rule catches it before deployment.
    public var rules: [RuleMetadata]
    /// The Region given with `--region`, and its GuardDuty agent registries (for registry allow-lists).
    public var region: String?
    public var registries: [String]

    public init(rules: [RuleMetadata] = [], region: String? = nil, registries: [String] = []) {
        self.rules = rules
        self.region = region
        self.registries = registries
    }

    public func renderText(_ records: [CoverageRecordInput], source: String) -> String {
        let unhealthy = records.filter { $0.coverageStatus?.uppercased() == "UNHEALTHY" }.count
        let healthy = records.filter { $0.coverageStatus?.uppercased() == "HEALTHY" }.count
        var out = "\(records.count) coverage record\(records.count == 1 ? "" : "s") from \(Sanitize.terminal(source))"
        if unhealthy + healthy > 0 { out += " (\(unhealthy) UNHEALTHY, \(healthy) HEALTHY)" }
        out += "\n"
        for r in records {
            out += "\n" + record(r)
        }
        return out
    }

    func record(_ r: CoverageRecordInput) -> String {
        let t = Sanitize.terminal
        var head = t(r.displayName)
        if let type = r.resourceType { head += "  \(t(type))" }
        if let a = r.accountId { head += "  account \(t(a))" }
        if let s = r.coverageStatus { head += "  \(t(s))" }
        if let m = r.managementType { head += "  \(t(m))" }
        if let v = r.addonVersion { head += "  add-on \(t(v))\(r.addonStatus.map { " (\(t($0)))" } ?? "")" }
        var out = head + "\n"
        guard let issue = r.issue, !issue.isEmpty else {
            if r.coverageStatus?.uppercased() == "HEALTHY" {
                out += "  Healthy: nothing to do.\n"
            } else {
                out += "  No issue given.\n"
            }
            return out
        }
        out += "  Issue: \(t(issue))\n"
        if let type = r.resourceType, type.uppercased() != "EKS" {
            out += "  guardpost triages EKS clusters only; for \(t(type)) resources see https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring-assessing-coverage.html\n"
            return out
        }
        let result = IssueTriage.triage(issue)
        guard let entry = result.entry else {
            out += "  Not recognised: " + unrecognised(result) + "\n"
            out += "  See the troubleshooting table: \(IssueTriage.troubleshootingAnchor)\n"
            return out
        }
        var what = result.issueType.map { t($0) + " / " } ?? ""
        if let code = result.addonIssueCode { what += "add-on issue \(t(code)) / " }
        out += "  Recognised: \(what)\(entry.title) [\(entry.id)]\(entry.actionable ? "" : " (not actionable)")\n"
        out += "  Recommended steps:\n"
        for (i, step) in steps(entry).enumerated() { out += "    \(i + 1). \(t(step))\n" }
        let predicting = predictingRules(result)
        if !predicting.isEmpty {
            out += "  guardpost rules that predict '\(t(result.issueType ?? ""))' before deployment: "
            out += predicting.map { "\($0.id) \($0.name)" }.joined(separator: ", ") + "\n"
        }
        out += "  More: \(entry.documentation)\n"
        return out
    }

    func unrecognised(_ r: IssueTriage.Result) -> String {
        if let code = r.addonIssueCode, !r.addonIssueCodeKnown {
            return "add-on issue code '\(Sanitize.terminal(code))' is not one of the EKS API's codes (\(IssueTriage.addonIssueCodes.joined(separator: ", ")))."
        }
        if let type = r.issueType {
            return "the issue type '\(type)' is known, but guardpost does not recognise its extra information; no recommended steps."
        }
        return "guardpost does not recognise this issue (its type is none of: \(IssueTriage.issueTypes.joined(separator: ", "))); no recommended steps."
    }

    func steps(_ e: IssueTriage.Entry) -> [String] {
        var steps = e.steps
        if e.id == "addon-access-denied-registry" || e.id == "addon-admission-denied" {
            if let region, !registries.isEmpty {
                steps.append("GuardDuty agent registries for \(region): \(registries.joined(separator: ", ")).")
            } else if let region {
                steps.append("guardpost's knowledge data lists no GuardDuty agent registry for \(region).")
            }
        }
        return steps
    }

    func predictingRules(_ r: IssueTriage.Result) -> [RuleMetadata] {
        guard let type = r.issueType else { return [] }
        return rules.filter { $0.issueType == type }.sorted { $0.id < $1.id }
    }

    public func renderJSON(_ records: [CoverageRecordInput]) -> String {
        JSONValue.array(records.map(recordJSON)).render()
    }

    func recordJSON(_ r: CoverageRecordInput) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("resourceId", .optional(r.resourceId)), ("resourceType", .optional(r.resourceType)),
            ("name", .string(r.displayName)), ("accountId", .optional(r.accountId)),
            ("coverageStatus", .optional(r.coverageStatus)), ("issue", .optional(r.issue)),
        ]
        guard let issue = r.issue, !issue.isEmpty, (r.resourceType ?? "EKS").uppercased() == "EKS" else {
            fields.append(("recognised", .bool(false)))
            return .object(fields)
        }
        let t = IssueTriage.triage(issue)
        fields.append(("recognised", .bool(t.recognised)))
        fields.append(("issueType", .optional(t.issueType)))
        fields.append(("addonIssueCode", .optional(t.addonIssueCode)))
        if let e = t.entry {
            fields.append(("triage", .object([
                ("id", .string(e.id)), ("title", .string(e.title)), ("actionable", .bool(e.actionable)),
                ("steps", .array(steps(e).map { .string($0) })), ("documentation", .string(e.documentation)),
                ("predictedBy", .array(predictingRules(t).map { .string($0.id) })),
            ])))
        } else {
            fields.append(("reason", .string(unrecognised(t))))
        }
        return .object(fields)
    }
}
