import GuardpostDocuments
import GuardpostModel

/// An endpoint policy decides who may use the endpoint: it must let the nodes' role call
/// `guardduty:SendSecurityTelemetry`.
public struct EndpointPolicyDeniesAgentRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP125", name: "endpoint-policy-denies-agent",
        title: "The guardduty-data VPC endpoint policy denies guardduty:SendSecurityTelemetry to the cluster's account",
        severity: .error, issueType: "Addon Status Unhealthy",
        rationale: "The agent sends its data with guardduty:SendSecurityTelemetry, signed with the node's instance role. GuardDuty's example endpoint policy denies every principal whose aws:PrincipalAccount is not the listed account, and that account must be the one the cluster runs in; a policy that denies the action, limits aws:PrincipalAccount (or aws:PrincipalOrgID) to someone else, or allows nothing that covers it, blocks the agent. The likely symptom is `Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas`.",
        remediation: [
            .terraformPlan: "Let the cluster's account use the endpoint, e.g.\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [\n      { Effect = \"Allow\", Principal = \"*\", Action = \"*\", Resource = \"*\" },\n      { Effect = \"Deny\", Principal = \"*\", Action = \"*\", Resource = \"*\",\n        Condition = { StringNotEquals = { \"aws:PrincipalAccount\" = \"<the cluster's account>\" } } }\n    ]\n  })",
            .terraformJSON: "Make \"policy\" allow guardduty:SendSecurityTelemetry for the cluster's account (aws:PrincipalAccount = the account the cluster runs in), and remove statements that deny it.",
            .cloudFormation: "Make PolicyDocument allow guardduty:SendSecurityTelemetry for the cluster's account (StringNotEquals aws:PrincipalAccount must list it), and remove statements that deny it.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eksrunmon-prereq-deploy-security-agent.html",
        examples: EndpointPolicyDeniesAgentExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var out: [Finding] = []
        for ce in GuardDutyEndpoints.manualClusters(context) {
            let cluster = GuardDutyEndpoints.clusterLabel(ce.cluster, infra)
            let account = AccountResolution.clusterAccount(ce.cluster, context)
            let requests = AccountResolution.agentRequests(action: context.knowledge.telemetryAction, cluster: ce.cluster, region: ce.region, context: context)
            for e in ce.matching {
                let endpoint = infra.endpoints[e]
                let policy = endpoint.policy
                guard policy.state != .absent else { continue } // no policy: full access
                guard let document = policy.value else {
                    out.append(finding("cannot verify the policy of \(endpoint.resource.address) for \(cluster): \(policy.note ?? "it is only known after apply")",
                                       at: policy.location ?? endpoint.resource.location, resource: endpoint.resource, attribute: policy.name,
                                       clusterIndex: ce.cluster, in: context, severity: .info))
                    continue
                }
                guard let (decision, request) = PolicyEvaluation.decideWorst(document, requests, implicitDenyWithoutAllow: true, checkPrincipal: true) else { continue }
                let who = account.map { "account \($0.id)" } ?? "the cluster's account"
                let at = decision.statement.map { $0.location } ?? policy.location ?? endpoint.resource.location
                switch decision.outcome {
                case .allowed: continue
                case .explicitDeny:
                    let s = decision.statement!
                    let limit = principalLimit(s).map { " (it limits \($0))" } ?? ""
                    out.append(finding("\(s.label) of the policy of \(endpoint.resource.address) denies \(request.action) to \(who)\(limit): the agent of \(cluster) cannot send its data; \(GuardDutyEndpoints.likelySymptom)",
                                       at: at, resource: endpoint.resource, attribute: policy.name, clusterIndex: ce.cluster, in: context,
                                       effect: .unhealthy(GuardDutyIssues.insufficientReplicas)))
                case .implicitDeny:
                    out.append(finding("no statement of the policy of \(endpoint.resource.address) allows \(request.action) to \(who): the agent of \(cluster) cannot send its data; \(GuardDutyEndpoints.likelySymptom)",
                                       at: at, resource: endpoint.resource, attribute: policy.name, clusterIndex: ce.cluster, in: context,
                                       effect: .unhealthy(GuardDutyIssues.insufficientReplicas)))
                case .unknown:
                    let s = decision.statement.map { "\($0.label): " } ?? ""
                    let hint = account == nil ? "; declare the cluster's account in \(AccountContextLoader.fileName) (accounts: - id, paths)" : ""
                    out.append(finding("cannot verify that the policy of \(endpoint.resource.address) lets the agent of \(cluster) call \(request.action): \(s)\(decision.reason ?? "depends on values the scan does not know")\(hint)",
                                       at: at, resource: endpoint.resource, attribute: policy.name, clusterIndex: ce.cluster, in: context, severity: .info))
                }
            }
        }
        return out
    }

    /// `aws:PrincipalAccount to 444455556666` when the statement's condition names accounts.
    func principalLimit(_ s: PolicyStatement) -> String? {
        for op in s.node["Condition"]?.entries ?? [] {
            for key in op.value.entries ?? [] where ["aws:principalaccount", "aws:principalorgid"].contains(key.key.lowercased()) {
                return "\(key.key) to \(PolicyEvaluation.values(key.value).joined(separator: ", "))"
            }
        }
        return nil
    }
}

enum EndpointPolicyDeniesAgentExamples {
    typealias F = ManualClusterFixture
    static let otherAccount = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Sid":"OnlyNetworkAccount","Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"444455556666"}}}]}"#
    static let ownAccount = otherAccount.replacingOccurrences(of: "444455556666", with: "111122223333")
    static let denyTelemetry = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Sid":"NoGuardDuty","Effect":"Deny","Principal":"*","Action":"guardduty:*","Resource":"*"}]}"#
    static let allowS3Only = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#
    static let account = (name: ".guardpost.yml", content: "region: us-east-1\naccounts:\n  - id: \"111122223333\"\n")

    static let all: [RuleExample] = [
        RuleExample("plan: aws:PrincipalAccount limited to another account", format: .terraformPlan,
                    files: [account, ("plan.json", F.plan(F.options { $0.policy = otherAccount }))],
                    expect: [.init("aws_vpc_endpoint.guardduty_data", attribute: "policy")]),
        RuleExample("plan: aws:PrincipalAccount is the cluster's account", format: .terraformPlan,
                    files: [account, ("plan.json", F.plan(F.options { $0.policy = ownAccount }))], expect: []),
        RuleExample("plan: no policy (full access)", format: .terraformPlan, file: "plan.json", content: F.plan(), expect: []),
        RuleExample("plan: account unknown (info)", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.policy = otherAccount }), expect: [.init("aws_vpc_endpoint.guardduty_data", attribute: "policy")]),
        RuleExample("tf.json: Deny guardduty:*", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.policy = denyTelemetry }), expect: [.init("aws_vpc_endpoint.guardduty_data", attribute: "policy")]),
        RuleExample("tf.json: only s3:GetObject allowed", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.policy = allowS3Only }), expect: [.init("aws_vpc_endpoint.guardduty_data", attribute: "policy")]),
        RuleExample("tf.json: the cluster's own account (from its role ARN)", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.policy = ownAccount }), expect: []),
        RuleExample("cfn: aws:PrincipalAccount limited to another account", format: .cloudFormation,
                    files: [F.regionConfig, ("eks.yaml", F.cloudFormation(F.options { $0.policy = otherAccount }))],
                    expect: [.init("GuardDutyDataEndpoint", attribute: "PolicyDocument")]),
        RuleExample("cfn: the cluster's own account", format: .cloudFormation,
                    files: [F.regionConfig, ("eks.yaml", F.cloudFormation(F.options { $0.policy = ownAccount }))], expect: []),
    ]
}
