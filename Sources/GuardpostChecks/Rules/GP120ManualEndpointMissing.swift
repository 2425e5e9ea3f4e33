import GuardpostDocuments
import GuardpostModel

/// With manual agent management nobody creates the `guardduty-data` endpoint for you: without it the agent cannot
/// send anything to GuardDuty.
public struct ManualEndpointMissingRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP120", name: "manual-endpoint-missing",
        title: "Manually managed cluster whose VPC has no com.amazonaws.<region>.guardduty-data VPC endpoint",
        severity: .error, issueType: "Addon Status Unhealthy",
        rationale: "When Runtime Monitoring is on but automated agent configuration (EKS_ADDON_MANAGEMENT) is off, GuardDuty does not create the VPC endpoint the agent talks to: creating an interface endpoint for com.amazonaws.<region>.guardduty-data in every VPC with monitored clusters is a prerequisite. Without it the agent pods cannot reach GuardDuty and crash (CrashLoopBackOff), and the add-on does not reach its desired number of replicas: the likely symptom is `Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas`.",
        remediation: [
            .terraformPlan: "Create the endpoint in the cluster's VPC (or turn on automated agent configuration, EKS_ADDON_MANAGEMENT = ENABLED):\n  resource \"aws_vpc_endpoint\" \"guardduty_data\" {\n    vpc_id              = aws_vpc.main.id\n    service_name        = \"com.amazonaws.<region>.guardduty-data\"\n    vpc_endpoint_type   = \"Interface\"\n    private_dns_enabled = true\n    subnet_ids          = <the cluster's subnets>\n    security_group_ids  = [<a group allowing TCP 443 from the VPC CIDR>]\n  }",
            .terraformJSON: "Add an \"aws_vpc_endpoint\" with \"service_name\": \"com.amazonaws.<region>.guardduty-data\", \"vpc_endpoint_type\": \"Interface\", \"private_dns_enabled\": true, the cluster's subnets and a security group allowing TCP 443 from the VPC CIDR.",
            .cloudFormation: "Add an AWS::EC2::VPCEndpoint:\n  ServiceName: !Sub com.amazonaws.${AWS::Region}.guardduty-data\n  VpcEndpointType: Interface\n  PrivateDnsEnabled: true\n  VpcId, SubnetIds: the cluster's\n  SecurityGroupIds: [a group allowing TCP 443 from the VPC CIDR]",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eksrunmon-prereq-deploy-security-agent.html",
        examples: ManualEndpointMissingExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var out: [Finding] = []
        for ce in GuardDutyEndpoints.manualClusters(context) where ce.matching.isEmpty && ce.wrongRegion.isEmpty {
            let vpc = infra.vpcs[ce.vpc]
            let cc = context.clusterContexts[ce.cluster]
            let service = GuardDutyEndpoints.serviceName(ce.region, context.knowledge)
            let cluster = GuardDutyEndpoints.clusterLabel(ce.cluster, infra)
            if let unknown = ce.unknownService.first {
                let e = infra.endpoints[unknown]
                out.append(finding("cannot verify that VPC \(vpc.resource.address) of \(cluster) has an endpoint for \(service): the service name of \(e.resource.address) is only known after apply",
                                   at: e.resource.location, resource: e.resource, attribute: e.serviceName.name,
                                   clusterIndex: ce.cluster, in: context, severity: .info))
                continue
            }
            out.append(finding("\(cluster) is managed manually (\(GuardDutyEndpoints.manualReason(cc))) but its VPC \(vpc.resource.address) has no interface endpoint for \(service): the agent cannot reach GuardDuty; \(GuardDutyEndpoints.likelySymptom)",
                               at: vpc.resource.location, resource: vpc.resource, clusterIndex: ce.cluster, in: context,
                               effect: .unhealthy(GuardDutyIssues.insufficientReplicas)))
        }
        return out
    }
}

enum ManualEndpointMissingExamples {
    typealias F = ManualClusterFixture
    static let all: [RuleExample] = [
        RuleExample("plan: manual mode, no guardduty-data endpoint", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.endpoint = false }), expect: [.init("aws_vpc.main")]),
        RuleExample("plan: manual mode with the endpoint", format: .terraformPlan, file: "plan.json", content: F.plan(), expect: []),
        RuleExample("plan: automated agent configuration creates the endpoint", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.endpoint = false }).replacingOccurrences(of: #""status":"DISABLED""#, with: #""status":"ENABLED""#),
                    expect: []),
        RuleExample("tf.json: manual mode, no guardduty-data endpoint", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.endpoint = false }), expect: [.init("aws_vpc.main")]),
        RuleExample("tf.json: manual mode with the endpoint", format: .terraformJSON, file: "main.tf.json", content: F.tfJSON(), expect: []),
        RuleExample("cfn: manual mode, no guardduty-data endpoint", format: .cloudFormation,
                    files: [F.regionConfig, ("eks.yaml", F.cloudFormation(F.options { $0.endpoint = false }))], expect: [.init("Vpc")]),
        RuleExample("cfn: manual mode with the endpoint", format: .cloudFormation,
                    files: [F.regionConfig, ("eks.yaml", F.cloudFormation())], expect: []),
        RuleExample("cfn: endpoint service name only known after apply (info)", format: .cloudFormation,
                    files: [("eks.yaml", F.cloudFormation(F.options { $0.service = "!Sub com.amazonaws.${AWS::Region}.guardduty-data" }))],
                    expect: [.init("GuardDutyDataEndpoint", attribute: "ServiceName")]),
    ]
}
