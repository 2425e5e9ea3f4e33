import GuardpostDocuments
import GuardpostModel

/// A `guardduty-data` endpoint for another region does not serve the cluster's agent.
public struct EndpointServiceRegionRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP121", name: "endpoint-service-region",
        title: "The guardduty-data VPC endpoint names another region than the cluster's",
        severity: .error, issueType: "Addon Status Unhealthy",
        rationale: "The agent resolves guardduty-data.<region>.amazonaws.com for the cluster's own region, so the endpoint's service name must be com.amazonaws.<the cluster's region>.guardduty-data. An endpoint for another region (often a copied constant) leaves the agent without a path to GuardDuty — EC2 may also refuse to create it, since interface endpoints serve services of their own region. With manual agent management the likely symptom is `Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas`.",
        remediation: [
            .terraformPlan: "Build the service name from the provider's region:\n  service_name = \"com.amazonaws.${data.aws_region.current.name}.guardduty-data\"",
            .terraformJSON: "Set \"service_name\": \"com.amazonaws.${data.aws_region.current.name}.guardduty-data\" (with a \"data\": {\"aws_region\": {\"current\": {}}} block).",
            .cloudFormation: "Use the stack's region:\n  ServiceName: !Sub com.amazonaws.${AWS::Region}.guardduty-data",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eksrunmon-prereq-deploy-security-agent.html",
        examples: EndpointServiceRegionExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var out: [Finding] = []
        for ce in GuardDutyEndpoints.manualClusters(context) where ce.matching.isEmpty {
            for (e, region) in ce.wrongRegion {
                let endpoint = infra.endpoints[e]
                let cluster = GuardDutyEndpoints.clusterLabel(ce.cluster, infra)
                out.append(finding("\(endpoint.resource.address) is for region \(region) but \(cluster) runs in \(ce.region ?? "another region"): its agent has no endpoint for \(GuardDutyEndpoints.serviceName(ce.region, context.knowledge)); \(GuardDutyEndpoints.likelySymptom)",
                                   at: endpoint.serviceName.location ?? endpoint.resource.location, resource: endpoint.resource,
                                   attribute: endpoint.serviceName.name, clusterIndex: ce.cluster, in: context,
                                   effect: .unhealthy(GuardDutyIssues.insufficientReplicas)))
            }
        }
        return out
    }
}

enum EndpointServiceRegionExamples {
    typealias F = ManualClusterFixture
    static let west = F.options { $0.service = "com.amazonaws.us-west-2.guardduty-data" }
    static let all: [RuleExample] = [
        RuleExample("plan: endpoint for us-west-2, cluster in us-east-1", format: .terraformPlan, file: "plan.json",
                    content: F.plan(west), expect: [.init("aws_vpc_endpoint.guardduty_data", attribute: "service_name")]),
        RuleExample("plan: endpoint for the cluster's region", format: .terraformPlan, file: "plan.json", content: F.plan(), expect: []),
        RuleExample("plan: FIPS endpoint for the cluster's region", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.service = "com.amazonaws.us-east-1.guardduty-data-fips" }), expect: []),
        RuleExample("tf.json: endpoint for us-west-2", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(west), expect: [.init("aws_vpc_endpoint.guardduty_data", attribute: "service_name")]),
        RuleExample("tf.json: endpoint for the cluster's region", format: .terraformJSON, file: "main.tf.json", content: F.tfJSON(), expect: []),
        RuleExample("cfn: endpoint for us-west-2 in a us-east-1 stack", format: .cloudFormation,
                    files: [F.regionConfig, ("eks.yaml", F.cloudFormation(west))], expect: [.init("GuardDutyDataEndpoint", attribute: "ServiceName")]),
        RuleExample("cfn: endpoint built from AWS::Region", format: .cloudFormation,
                    files: [F.regionConfig, ("eks.yaml", F.cloudFormation(F.options { $0.service = "!Sub com.amazonaws.${AWS::Region}.guardduty-data" }))],
                    expect: []),
    ]
}
