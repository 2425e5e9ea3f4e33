import GuardpostDocuments
import GuardpostModel

/// The agent connects to `guardduty-data.<region>.amazonaws.com`: only the endpoint's private DNS name makes that
/// name resolve to the endpoint.
public struct EndpointPrivateDNSRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP123", name: "endpoint-private-dns",
        title: "The guardduty-data VPC endpoint has private DNS off (the default), or its VPC cannot host private DNS",
        severity: .error, issueType: "Addon Status Unhealthy",
        rationale: "The agent resolves and connects to the private DNS name of the VPC endpoint (guardduty-data.<region>.amazonaws.com). Terraform and CloudFormation both default private DNS to false, so an endpoint that does not enable it is never used. Private DNS in turn needs the VPC attributes enableDnsSupport and enableDnsHostnames both true, or EC2 refuses to create the endpoint. Either way a manually managed agent cannot reach GuardDuty; the likely symptom is `Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas`.",
        remediation: [
            .terraformPlan: "In the aws_vpc_endpoint set private_dns_enabled = true, and in the aws_vpc set enable_dns_support = true and enable_dns_hostnames = true.",
            .terraformJSON: "Set \"private_dns_enabled\": true on the aws_vpc_endpoint, and \"enable_dns_support\": true, \"enable_dns_hostnames\": true on the aws_vpc.",
            .cloudFormation: "Set PrivateDnsEnabled: true on the AWS::EC2::VPCEndpoint, and EnableDnsSupport: true, EnableDnsHostnames: true on the AWS::EC2::VPC.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eksrunmon-deploy-security-agent.html",
        examples: EndpointPrivateDNSExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        let wantedType = context.knowledge.endpointRequirements.type.lowercased()
        var out: [Finding] = []
        for ce in GuardDutyEndpoints.manualClusters(context) {
            let cluster = GuardDutyEndpoints.clusterLabel(ce.cluster, infra)
            for e in ce.matching {
                let endpoint = infra.endpoints[e]
                // A non-interface endpoint is GP122's finding; private DNS does not apply to it.
                if let type = endpoint.endpointType.effective, type.lowercased() != wantedType { continue }
                let dns = endpoint.privateDnsEnabled
                if dns.effective == false {
                    let cause = dns.state == .defaulted ? (dns.note ?? "private DNS is not enabled") : "\(dns.name) is false"
                    out.append(finding("\(endpoint.resource.address): \(cause); the name the agent of \(cluster) connects to, guardduty-data.\(ce.region ?? "<region>").amazonaws.com, does not resolve to this endpoint; \(GuardDutyEndpoints.likelySymptom)",
                                       at: dns.location ?? endpoint.resource.location, resource: endpoint.resource, attribute: dns.name,
                                       clusterIndex: ce.cluster, in: context, effect: .unhealthy(GuardDutyIssues.insufficientReplicas)))
                } else if dns.effective == true {
                    let vpc = infra.vpcs[ce.vpc]
                    for attribute in [vpc.enableDnsSupport, vpc.enableDnsHostnames] where attribute.effective == false {
                        let cause = attribute.state == .known ? "\(attribute.name) is false" : (attribute.note ?? "\(attribute.name) is not set")
                        out.append(finding("VPC \(vpc.resource.address) of \(cluster): \(cause); EC2 refuses to create \(endpoint.resource.address) with private DNS (it needs enableDnsSupport and enableDnsHostnames both true); \(GuardDutyEndpoints.likelySymptom)",
                                           at: attribute.location ?? vpc.resource.location, resource: vpc.resource, attribute: attribute.name,
                                           clusterIndex: ce.cluster, in: context, effect: .unhealthy(GuardDutyIssues.insufficientReplicas)))
                    }
                }
            }
        }
        return out
    }
}

enum EndpointPrivateDNSExamples {
    typealias F = ManualClusterFixture
    static let all: [RuleExample] = [
        RuleExample("plan: private_dns_enabled not set (default false)", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.privateDns = nil }), expect: [.init("aws_vpc_endpoint.guardduty_data", attribute: "private_dns_enabled")]),
        RuleExample("plan: private DNS on but the VPC has enable_dns_hostnames false", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.vpcDnsHostnames = false }), expect: [.init("aws_vpc.main", attribute: "enable_dns_hostnames")]),
        RuleExample("plan: private DNS on, VPC DNS attributes on", format: .terraformPlan, file: "plan.json", content: F.plan(), expect: []),
        RuleExample("tf.json: private_dns_enabled false", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.privateDns = false }), expect: [.init("aws_vpc_endpoint.guardduty_data", attribute: "private_dns_enabled")]),
        RuleExample("tf.json: private DNS on", format: .terraformJSON, file: "main.tf.json", content: F.tfJSON(), expect: []),
        RuleExample("cfn: PrivateDnsEnabled not set (default false)", format: .cloudFormation,
                    files: [F.regionConfig, ("eks.yaml", F.cloudFormation(F.options { $0.privateDns = nil }))],
                    expect: [.init("GuardDutyDataEndpoint", attribute: "PrivateDnsEnabled")]),
        RuleExample("cfn: PrivateDnsEnabled true", format: .cloudFormation, files: [F.regionConfig, ("eks.yaml", F.cloudFormation())], expect: []),
    ]
}
