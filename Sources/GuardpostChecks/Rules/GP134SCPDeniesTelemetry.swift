import GuardpostDocuments
import GuardpostModel

/// An SCP that denies `guardduty:SendSecurityTelemetry` stops every agent in the accounts it governs.
public struct SCPDeniesTelemetryRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP134", name: "scp-denies-telemetry",
        title: "A service control policy denies guardduty:SendSecurityTelemetry",
        severity: .error, issueType: "Addon Status Unhealthy",
        rationale: "The agent sends its runtime events with guardduty:SendSecurityTelemetry, using the node's instance role — a role SCPs apply to. GuardDuty's prerequisites say the SCP must not restrict this action. A Deny statement that covers it (guardduty:*, *, or a NotAction that leaves it in) makes the agent fail (CrashLoopBackOff), and the add-on does not reach its desired number of replicas: `Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas`. The clusters affected are those in the accounts the SCP is attached to; when its targets are OUs or the root, or no attachment is in the scan, every cluster in the scan is assumed affected.",
        remediation: [
            .terraformPlan: "Exclude the action from the Deny statement, e.g. add it to NotAction or deny a narrower set:\n  NotAction = [\"guardduty:SendSecurityTelemetry\", ...]",
            .terraformJSON: "Exclude guardduty:SendSecurityTelemetry from the Deny statement of the policy's \"content\" (NotAction, or a narrower Action list).",
            .cloudFormation: "Exclude guardduty:SendSecurityTelemetry from the Deny statement of the AWS::Organizations::Policy Content (NotAction, or a narrower Action list).",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-eks-support.html",
        examples: SCPDeniesTelemetryExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        let action = context.knowledge.telemetryAction
        var out: [Finding] = []
        for scp in ServiceControlPolicy.all(context) {
            let affected = scp.affected(context)
            if affected.isEmpty && !infra.clusters.isEmpty { continue }
            if affected.isEmpty {
                let decision = PolicyEvaluation.decide(scp.document, PolicyRequest(action: action), implicitDenyWithoutAllow: false, checkPrincipal: false)
                if decision.outcome == .explicitDeny, let s = decision.statement {
                    out.append(finding("\(s.label) of \(scp.resource.address) denies \(action): the GuardDuty agent fails on every EKS cluster in the accounts this SCP governs",
                                       at: s.location, resource: scp.resource, attribute: scp.attribute))
                }
                continue
            }
            for a in affected {
                let cc = context.clusterContexts[a.cluster]
                guard cc.runtimeMonitoring.toggle != .disabled else { continue }
                let requests = AccountResolution.agentRequests(action: action, cluster: a.cluster, region: cc.region, context: context)
                guard let (decision, request) = PolicyEvaluation.decideWorst(scp.document, requests, implicitDenyWithoutAllow: false, checkPrincipal: false) else { continue }
                let role = request.known["aws:principalarn"]?.first.map { " \($0)" } ?? ""
                let cluster = GuardDutyEndpoints.clusterLabel(a.cluster, infra)
                switch decision.outcome {
                case .explicitDeny:
                    let s = decision.statement!
                    out.append(finding("\(s.label) of \(scp.resource.address) denies \(action), which the agent of \(cluster) calls with its node role\(role); \(a.why). The agent cannot send its data; \(GuardDutyEndpoints.likelySymptom)",
                                       at: s.location, resource: scp.resource, attribute: scp.attribute, clusterIndex: a.cluster, in: context,
                                       effect: .unhealthy(GuardDutyIssues.insufficientReplicas)))
                case .unknown:
                    let s = decision.statement.map { "\($0.label): " } ?? ""
                    out.append(finding("cannot verify that \(scp.resource.address) lets the agent of \(cluster) call \(action) (\(a.why)) — \(s)\(decision.reason ?? "it depends on values the scan does not know")",
                                       at: decision.statement?.location ?? scp.location, resource: scp.resource, attribute: scp.attribute,
                                       clusterIndex: a.cluster, in: context, severity: .info))
                case .allowed, .implicitDeny:
                    continue
                }
            }
        }
        return out
    }
}

enum SCPDeniesTelemetryExamples {
    static let denyGuardDuty = #"{"Version":"2012-10-17","Statement":[{"Sid":"NoGuardDuty","Effect":"Deny","Action":["guardduty:*"],"Resource":"*"}]}"#
    static let denyDisable = #"{"Version":"2012-10-17","Statement":[{"Sid":"ProtectGuardDuty","Effect":"Deny","Action":["guardduty:DeleteDetector","guardduty:Disassociate*","guardduty:UpdateDetector"],"Resource":"*"}]}"#
    static let allowListOnly = #"{"Version":"2012-10-17","Statement":[{"Sid":"DenyAllButEC2","Effect":"Deny","NotAction":["ec2:*","eks:*","s3:*"],"Resource":"*"}]}"#
    static let conditional = #"{"Version":"2012-10-17","Statement":[{"Sid":"NoGuardDutyOutsideAdmins","Effect":"Deny","Action":"guardduty:*","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/SecurityAdmin"}}}]}"#

    static func plan(_ content: String, target: String = "111122223333") -> String {
        ManualClusterFixture.plan(extra: [
            .init("aws_organizations_policy.guardrails", "aws_organizations_policy", values: #"{"name":"guardrails","type":"SERVICE_CONTROL_POLICY","content":\#(JSONWriter.quoted(content))}"#),
            .init("aws_organizations_policy_attachment.workloads", "aws_organizations_policy_attachment", values: #"{"target_id":"\#(target)"}"#,
                  references: ["policy_id": ["aws_organizations_policy.guardrails.id", "aws_organizations_policy.guardrails"]]),
        ])
    }
    static let account = (name: ".guardpost.yml", content: "region: us-east-1\naccounts:\n  - id: \"111122223333\"\n")

    static func tfJSON(_ content: String) -> String {
        ManualClusterFixture.tfJSON(extraResources: """
        ,
            "aws_organizations_policy": {"guardrails": {"name": "guardrails", "content": \(JSONWriter.quoted(content))}},
            "aws_organizations_policy_attachment": {"root": {"policy_id": "${aws_organizations_policy.guardrails.id}", "target_id": "r-ab12"}}
        """)
    }

    static func cloudFormation(_ content: String) -> String {
        ManualClusterFixture.cloudFormation(extraResources: """

          Guardrails:
            Type: AWS::Organizations::Policy
            Properties:
              Name: guardrails
              Type: SERVICE_CONTROL_POLICY
              TargetIds: [ou-ab12-34cd56ef]
              Content: \(content)
        """)
    }

    static let all: [RuleExample] = [
        RuleExample("plan: Deny guardduty:* attached to the cluster's account", format: .terraformPlan,
                    files: [account, ("plan.json", plan(denyGuardDuty))], expect: [.init("aws_organizations_policy.guardrails", attribute: "content")]),
        RuleExample("plan: Deny guardduty:* attached to another account", format: .terraformPlan,
                    files: [account, ("plan.json", plan(denyGuardDuty, target: "999988887777"))], expect: []),
        RuleExample("plan: Deny only the actions that disable GuardDuty", format: .terraformPlan,
                    files: [account, ("plan.json", plan(denyDisable))], expect: []),
        RuleExample("tf.json: NotAction leaves guardduty:SendSecurityTelemetry denied (root target: every cluster)", format: .terraformJSON,
                    file: "main.tf.json", content: tfJSON(allowListOnly), expect: [.init("aws_organizations_policy.guardrails", attribute: "content")]),
        RuleExample("tf.json: Deny with a condition on the caller (info)", format: .terraformJSON,
                    file: "main.tf.json", content: tfJSON(conditional), expect: [.init("aws_organizations_policy.guardrails", attribute: "content")]),
        RuleExample("tf.json: Deny only the actions that disable GuardDuty", format: .terraformJSON,
                    file: "main.tf.json", content: tfJSON(denyDisable), expect: []),
        RuleExample("cfn: Deny guardduty:* on an OU", format: .cloudFormation,
                    files: [ManualClusterFixture.regionConfig, ("eks.yaml", cloudFormation(denyGuardDuty))], expect: [.init("Guardrails", attribute: "Content")]),
        RuleExample("cfn: Deny only the actions that disable GuardDuty", format: .cloudFormation,
                    files: [ManualClusterFixture.regionConfig, ("eks.yaml", cloudFormation(denyDisable))], expect: []),
    ]
}
