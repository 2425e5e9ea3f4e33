import GuardpostDocuments
import GuardpostModel

/// `vpc_endpoint_type` defaults to Gateway in Terraform and CloudFormation; guardduty-data needs Interface.
public struct EndpointTypeGatewayRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP122", name: "endpoint-type-gateway",
        title: "The guardduty-data VPC endpoint is not of type Interface (Terraform and CloudFormation default to Gateway)",
        severity: .error, issueType: "Addon Status Unhealthy",
        rationale: "guardduty-data is an interface endpoint service. Terraform's aws_vpc_endpoint and CloudFormation's AWS::EC2::VPCEndpoint both default the endpoint type to Gateway, which only exists for S3 and DynamoDB: an endpoint that does not set the type is not the interface endpoint the agent needs (EC2 refuses it), so a manually managed agent cannot reach GuardDuty. The likely symptom is `Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas`.",
        remediation: [
            .terraformPlan: "In the aws_vpc_endpoint, set:\n  vpc_endpoint_type   = \"Interface\"\n  private_dns_enabled = true",
            .terraformJSON: "In the aws_vpc_endpoint, set \"vpc_endpoint_type\": \"Interface\" and \"private_dns_enabled\": true.",
            .cloudFormation: "In the AWS::EC2::VPCEndpoint, set:\n  VpcEndpointType: Interface\n  PrivateDnsEnabled: true",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eksrunmon-prereq-deploy-security-agent.html",
        examples: EndpointTypeGatewayExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        let wanted = context.knowledge.endpointRequirements.type
        var out: [Finding] = []
        for ce in GuardDutyEndpoints.manualClusters(context) {
            for e in ce.matching {
                let endpoint = infra.endpoints[e]
                guard let type = endpoint.endpointType.effective, type.lowercased() != wanted.lowercased() else { continue }
                let cause = endpoint.endpointType.state == .defaulted ? (endpoint.endpointType.note ?? "the type is not set") : "\(endpoint.endpointType.name) is \(type)"
                out.append(finding("\(endpoint.resource.address): \(cause); \(GuardDutyEndpoints.serviceName(ce.region, context.knowledge)) needs an \(wanted) endpoint, so the agent of \(GuardDutyEndpoints.clusterLabel(ce.cluster, infra)) cannot reach GuardDuty; \(GuardDutyEndpoints.likelySymptom)",
                                   at: endpoint.endpointType.location ?? endpoint.resource.location, resource: endpoint.resource,
                                   attribute: endpoint.endpointType.name, clusterIndex: ce.cluster, in: context,
                                   effect: .unhealthy(GuardDutyIssues.insufficientReplicas)))
            }
        }
        return out
    }
}

enum EndpointTypeGatewayExamples {
    typealias F = ManualClusterFixture
    static let all: [RuleExample] = [
        RuleExample("plan: vpc_endpoint_type not set (Terraform default Gateway)", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.type = nil }), expect: [.init("aws_vpc_endpoint.guardduty_data", attribute: "vpc_endpoint_type")]),
        RuleExample("plan: vpc_endpoint_type Gateway", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.type = "Gateway" }), expect: [.init("aws_vpc_endpoint.guardduty_data", attribute: "vpc_endpoint_type")]),
        RuleExample("plan: Interface", format: .terraformPlan, file: "plan.json", content: F.plan(), expect: []),
        RuleExample("tf.json: vpc_endpoint_type not set", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.type = nil }), expect: [.init("aws_vpc_endpoint.guardduty_data", attribute: "vpc_endpoint_type")]),
        RuleExample("tf.json: Interface", format: .terraformJSON, file: "main.tf.json", content: F.tfJSON(), expect: []),
        RuleExample("cfn: VpcEndpointType not set (CloudFormation default Gateway)", format: .cloudFormation,
                    files: [F.regionConfig, ("eks.yaml", F.cloudFormation(F.options { $0.type = nil }))],
                    expect: [.init("GuardDutyDataEndpoint", attribute: "VpcEndpointType")]),
        RuleExample("cfn: Interface", format: .cloudFormation, files: [F.regionConfig, ("eks.yaml", F.cloudFormation())], expect: []),
    ]
}
