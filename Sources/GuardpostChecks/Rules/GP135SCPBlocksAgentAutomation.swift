import GuardpostDocuments
import GuardpostModel

/// SCPs that deny the calls GuardDuty makes for automated agent configuration (`ec2:CreateVpcEndpoint`,
/// `eks:CreateAddon` with the `GuardDutyManaged` tag), or the same calls a pipeline makes to set the agent up by hand.
public struct SCPBlocksAgentAutomationRule: Rule {
    public init() {}
    static let assumption = "guardduty-slr-scp"

    public let metadata = RuleMetadata(
        id: "GP135", name: "scp-blocks-agent-setup",
        title: "A service control policy denies ec2:CreateVpcEndpoint or eks:CreateAddon, which setting up the agent needs",
        severity: .error, issueType: "Addon Status Unhealthy",
        rationale: "Automated agent configuration creates the guardduty-data VPC endpoint (ec2:CreateVpcEndpoint) and the aws-guardduty-agent add-on (eks:CreateAddon), always with the GuardDutyManaged tag, through GuardDuty's service-linked role. An SCP denying these calls, unconditionally or on aws:RequestTag/GuardDutyManaged or aws:TagKeys, looks like it blocks that — but the AWS Organizations guide says SCPs don't affect service-linked roles, so for automated configuration this is reported as information (assumption guardduty-slr-scp). With manual management the endpoint and the add-on are created by your own pipeline, which SCPs do govern: when the scan creates them and the SCP denies that call (with their tags), the apply fails, the agent has no endpoint or no add-on, and the likely symptom is `Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas`.",
        remediation: [
            .terraformPlan: "Exempt the calls from the Deny statement (or the principal your pipeline uses), e.g. a Condition\n  StringNotEquals = { \"ec2:VpceServiceName\" = \"com.amazonaws.<region>.guardduty-data\" }\nor remove GuardDutyManaged from the denied tags.",
            .terraformJSON: "Exempt ec2:CreateVpcEndpoint for com.amazonaws.<region>.guardduty-data and eks:CreateAddon for aws-guardduty-agent from the policy's Deny statement.",
            .cloudFormation: "Exempt ec2:CreateVpcEndpoint for com.amazonaws.<region>.guardduty-data and eks:CreateAddon for aws-guardduty-agent from the Deny statement of the AWS::Organizations::Policy Content.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/how-runtime-monitoring-works-eks.html",
        examples: SCPBlocksAgentAutomationExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        let calls = context.knowledge.automationCalls
        var out: [Finding] = []
        let manual = GuardDutyEndpoints.manualClusters(context)
        for scp in ServiceControlPolicy.all(context) {
            for a in scp.affected(context) {
                let cc = context.clusterContexts[a.cluster]
                guard cc.runtimeMonitoring.toggle != .disabled, let mode = cc.managementType else { continue }
                let cluster = GuardDutyEndpoints.clusterLabel(a.cluster, infra)
                let account = AccountResolution.clusterAccount(a.cluster, context)
                let region = cc.region
                if mode == .autoManaged {
                    // GuardDuty's own calls: always tagged GuardDutyManaged=true, made by its service-linked role.
                    for action in calls.actions {
                        var known: [String: [String]] = ["aws:TagKeys": [calls.tagKey], "aws:RequestTag/\(calls.tagKey)": [calls.tagValue]]
                        if action.hasPrefix("ec2:") { known["ec2:VpceServiceName"] = context.knowledge.endpointServiceNames(region: region ?? "*") }
                        if let account {
                            known["aws:PrincipalAccount"] = [account.id]
                            known["aws:PrincipalArn"] = ["arn:aws:iam::\(account.id):role/aws-service-role/guardduty.amazonaws.com/\(calls.serviceLinkedRole)"]
                        }
                        if let region { known["aws:RequestedRegion"] = [region] }
                        let decision = PolicyEvaluation.decide(scp.document, PolicyRequest(action: action, known: known), implicitDenyWithoutAllow: false, checkPrincipal: false)
                        guard decision.outcome == .explicitDeny || decision.outcome == .unknown, let s = decision.statement else { continue }
                        let verb = decision.outcome == .explicitDeny ? "denies" : "may deny"
                        out.append(finding("\(s.label) of \(scp.resource.address) \(verb) \(action) with tag \(calls.tagKey), which automated agent configuration calls for \(cluster); \(a.why). GuardDuty makes the call with its service-linked role \(calls.serviceLinkedRole), which SCPs do not affect, so this is not expected to block it — it does block anyone else creating these resources",
                                           at: s.location, resource: scp.resource, attribute: scp.attribute, clusterIndex: a.cluster, in: context,
                                           severity: .info, assumptions: [Self.assumption]))
                    }
                    continue
                }
                // Manual management: the scan's own guardduty-data endpoint and agent add-on, created by the pipeline.
                for (raw, action, tags, issue) in pipelineCalls(cluster: a.cluster, manual: manual, context) {
                    var known: [String: [String]] = ["aws:TagKeys": tags.keys.sorted()]
                    for (k, v) in tags { known["aws:RequestTag/\(k)"] = [v] }
                    if action.hasPrefix("ec2:"), let name = raw.attributes["service_name"]?.string ?? raw.attributes["ServiceName"]?.string { known["ec2:VpceServiceName"] = [name] }
                    if let account { known["aws:PrincipalAccount"] = [account.id] }
                    if let region { known["aws:RequestedRegion"] = [region] }
                    let decision = PolicyEvaluation.decide(scp.document, PolicyRequest(action: action, known: known), implicitDenyWithoutAllow: false, checkPrincipal: false)
                    guard let s = decision.statement else { continue }
                    if decision.outcome == .explicitDeny {
                        out.append(finding("\(s.label) of \(scp.resource.address) denies \(action), which creating \(raw.address) for \(cluster) needs; \(a.why). The apply fails and the manually managed agent is left without it; \(GuardDutyEndpoints.likelySymptom)",
                                           at: s.location, resource: scp.resource, attribute: scp.attribute, clusterIndex: a.cluster, in: context,
                                           effect: .unhealthy(issue)))
                    } else if decision.outcome == .unknown {
                        out.append(finding("cannot verify that \(scp.resource.address) lets the pipeline call \(action) to create \(raw.address) for \(cluster): \(s.label): \(decision.reason ?? "it depends on values the scan does not know")",
                                           at: s.location, resource: scp.resource, attribute: scp.attribute, clusterIndex: a.cluster, in: context, severity: .info))
                    }
                }
            }
        }
        return out
    }

    /// The calls a pipeline makes for a manually managed cluster: its guardduty-data endpoints and agent add-on that
    /// the scan creates, with their tags.
    func pipelineCalls(cluster: Int, manual: [ClusterEndpoints], _ context: CheckContext) -> [(RawResource, String, [String: String], GuardDutyIssue)] {
        let infra = context.infrastructure
        var out: [(RawResource, String, [String: String], GuardDutyIssue)] = []
        let creates = { (raw: RawResource) in raw.action == nil || raw.action == .create || raw.action == .replace }
        if let ce = manual.first(where: { $0.cluster == cluster }) {
            for e in ce.matching where creates(infra.endpoints[e].resource) {
                let raw = infra.endpoints[e].resource
                out.append((raw, "ec2:CreateVpcEndpoint", tags(raw), GuardDutyIssues.insufficientReplicas))
            }
        }
        if let a = AgentAddon.addon(of: cluster, context), creates(infra.addons[a].resource) {
            let raw = infra.addons[a].resource
            out.append((raw, "eks:CreateAddon", tags(raw), GuardDutyIssues.addonChangeFailed(infra.addons[a])))
        }
        return out
    }

    func tags(_ raw: RawResource) -> [String: String] {
        var out: [String: String] = [:]
        if raw.format.isTerraform {
            for e in raw.attributes["tags"]?.entries ?? [] { if let v = e.value.scalarText { out[e.key] = v } }
        } else {
            for item in raw.attributes["Tags"]?.items ?? [] {
                if let k = item["Key"]?.scalarText, let v = item["Value"]?.scalarText { out[k] = v }
            }
        }
        return out
    }
}

enum SCPBlocksAgentAutomationExamples {
    static let denyTagged = #"{"Version":"2012-10-17","Statement":[{"Sid":"NoGuardDutyManagedResources","Effect":"Deny","Action":["ec2:CreateVpcEndpoint","eks:CreateAddon"],"Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["GuardDutyManaged"]}}}]}"#
    static let denyEndpoints = #"{"Version":"2012-10-17","Statement":[{"Sid":"NoEndpoints","Effect":"Deny","Action":"ec2:CreateVpcEndpoint","Resource":"*"}]}"#
    static let denyOther = #"{"Version":"2012-10-17","Statement":[{"Sid":"NoInternetGateways","Effect":"Deny","Action":"ec2:CreateInternetGateway","Resource":"*"}]}"#
    static let automated = ManualClusterFixture.options { $0.endpoint = false }

    static func plan(_ content: String, automated: Bool) -> String {
        var text = ManualClusterFixture.plan(automated ? SCPBlocksAgentAutomationExamples.automated : ManualClusterFixture.Options(), extra: [
            .init("aws_organizations_policy.guardrails", "aws_organizations_policy", values: #"{"name":"guardrails","content":\#(JSONWriter.quoted(content))}"#),
        ])
        if automated { text = text.replacingOccurrences(of: #""status":"DISABLED""#, with: #""status":"ENABLED""#) }
        return text
    }

    static let all: [RuleExample] = [
        RuleExample("plan: manual mode, SCP denies ec2:CreateVpcEndpoint for the pipeline", format: .terraformPlan, file: "plan.json",
                    content: plan(denyEndpoints, automated: false), expect: [.init("aws_organizations_policy.guardrails", attribute: "content")]),
        RuleExample("plan: automated configuration, SCP denies GuardDutyManaged-tagged creation (info: service-linked role)", format: .terraformPlan, file: "plan.json",
                    content: plan(denyTagged, automated: true), expect: [.init("aws_organizations_policy.guardrails", attribute: "content")]),
        RuleExample("plan: manual mode, SCP denies only GuardDutyManaged-tagged creation (the pipeline's endpoint is untagged)", format: .terraformPlan, file: "plan.json",
                    content: plan(denyTagged, automated: false), expect: []),
        RuleExample("plan: SCP about something else", format: .terraformPlan, file: "plan.json", content: plan(denyOther, automated: true), expect: []),
        RuleExample("tf.json: manual mode, SCP denies ec2:CreateVpcEndpoint", format: .terraformJSON, file: "main.tf.json",
                    content: ManualClusterFixture.tfJSON(extraResources: ",\n    \"aws_organizations_policy\": {\"guardrails\": {\"name\": \"guardrails\", \"content\": \(JSONWriter.quoted(denyEndpoints))}}"),
                    expect: [.init("aws_organizations_policy.guardrails", attribute: "content")]),
        RuleExample("tf.json: SCP about something else", format: .terraformJSON, file: "main.tf.json",
                    content: ManualClusterFixture.tfJSON(extraResources: ",\n    \"aws_organizations_policy\": {\"guardrails\": {\"name\": \"guardrails\", \"content\": \(JSONWriter.quoted(denyOther))}}"),
                    expect: []),
        RuleExample("cfn: manual mode, SCP denies ec2:CreateVpcEndpoint", format: .cloudFormation,
                    files: [ManualClusterFixture.regionConfig, ("eks.yaml", SCPDeniesTelemetryExamples.cloudFormation(denyEndpoints))],
                    expect: [.init("Guardrails", attribute: "Content")]),
        RuleExample("cfn: SCP about something else", format: .cloudFormation,
                    files: [ManualClusterFixture.regionConfig, ("eks.yaml", SCPDeniesTelemetryExamples.cloudFormation(denyOther))], expect: []),
    ]
}
