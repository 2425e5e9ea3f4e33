import GuardpostDocuments
import GuardpostModel

/// The endpoint's security groups must let the nodes in on TCP 443.
public struct EndpointSecurityGroupRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP124", name: "endpoint-security-group-443",
        title: "The guardduty-data VPC endpoint's security groups do not allow TCP 443 from the VPC CIDR",
        severity: .error, issueType: "Addon Status Unhealthy",
        rationale: "GuardDuty's validation steps for a manually created endpoint: its security group needs an inbound rule for port 443 whose source is the VPC's IPv4 CIDR (or 0.0.0.0/0). Otherwise the agents on the nodes cannot open a connection to the endpoint; the likely symptom is `Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas`. An endpoint without security groups gets the VPC's default security group, which the scan does not show: that is reported as information.",
        remediation: [
            .terraformPlan: "Give the endpoint a security group with:\n  ingress {\n    from_port   = 443\n    to_port     = 443\n    protocol    = \"tcp\"\n    cidr_blocks = [aws_vpc.main.cidr_block]\n  }",
            .terraformJSON: "Add to the endpoint's aws_security_group: \"ingress\": [{\"from_port\": 443, \"to_port\": 443, \"protocol\": \"tcp\", \"cidr_blocks\": [\"${aws_vpc.main.cidr_block}\"]}].",
            .cloudFormation: "Add to the endpoint's AWS::EC2::SecurityGroup:\n  SecurityGroupIngress:\n    - IpProtocol: tcp\n      FromPort: 443\n      ToPort: 443\n      CidrIp: !GetAtt Vpc.CidrBlock",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/validate-vpc-endpoint-config-runtime-monitoring.html",
        examples: EndpointSecurityGroupExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        let port = context.knowledge.endpointRequirements.port
        var out: [Finding] = []
        let strayRules = unlinkedIngressRules(infra)
        for ce in GuardDutyEndpoints.manualClusters(context) {
            let vpc = infra.vpcs[ce.vpc]
            let cluster = GuardDutyEndpoints.clusterLabel(ce.cluster, infra)
            // The addresses the agents connect from: the VPC's CIDR, else the cluster's subnets.
            var sources: [IPv4CIDR] = []
            if let c = vpc.cidr.value.flatMap(IPv4CIDR.init) { sources = [c] }
            else {
                let subnets = infra.clusters[ce.cluster].subnets.map { infra.subnets[$0].cidr.value.flatMap(IPv4CIDR.init) }
                if !subnets.isEmpty, subnets.allSatisfy({ $0 != nil }) { sources = subnets.compactMap { $0 } }
            }
            for e in ce.matching {
                let endpoint = infra.endpoints[e]
                let sgName = endpoint.resource.format.isTerraform ? "security_group_ids" : "SecurityGroupIds"
                if endpoint.securityGroups.isEmpty || endpoint.unresolvedSecurityGroups {
                    let written = AttributeReader(endpoint.resource).raw([.key(sgName)]).state != .absent
                    let why = written ? "its security groups are not in the scan" : "it names no security group, so EC2 attaches the VPC's default security group"
                    out.append(finding("cannot verify that \(endpoint.resource.address) accepts TCP \(port) from the nodes of \(cluster): \(why)",
                                       at: endpoint.resource.location, resource: endpoint.resource, attribute: sgName,
                                       clusterIndex: ce.cluster, in: context, severity: .info))
                    continue
                }
                var verdict = Tri.no
                for g in endpoint.securityGroups {
                    for rule in infra.securityGroups[g].rules where rule.direction == "ingress" {
                        verdict = max(verdict, admits(rule, port: port, sources: sources, vpcKey: vpc.resource.linkKey))
                    }
                }
                if verdict == .no, let stray = strayRules.first {
                    out.append(finding("cannot verify that the security groups of \(endpoint.resource.address) accept TCP \(port) from the VPC CIDR of \(cluster): their own rules do not, but \(stray.address) adds rules to a group the scan cannot identify",
                                       at: endpoint.resource.location, resource: endpoint.resource, attribute: sgName,
                                       clusterIndex: ce.cluster, in: context, severity: .info))
                    continue
                }
                switch verdict {
                case .yes: continue
                case .unknown:
                    out.append(finding("cannot verify that the security groups of \(endpoint.resource.address) accept TCP \(port) from the VPC CIDR of \(cluster): their rules use sources or values only known after apply",
                                       at: endpoint.resource.location, resource: endpoint.resource, attribute: sgName,
                                       clusterIndex: ce.cluster, in: context, severity: .info))
                case .no:
                    let group = infra.securityGroups[endpoint.securityGroups[0]]
                    let ingress = group.resource.format.isTerraform ? "ingress" : "SecurityGroupIngress"
                    let cidr = vpc.cidr.value.map { "the VPC CIDR \($0)" } ?? "the VPC CIDR"
                    out.append(finding("no inbound rule of \(endpoint.securityGroups.map { infra.securityGroups[$0].resource.address }.joined(separator: ", ")) (the security groups of \(endpoint.resource.address)) allows TCP \(port) from \(cidr): the agents of \(cluster) cannot connect to the endpoint; \(GuardDutyEndpoints.likelySymptom)",
                                       at: group.resource.location, resource: group.resource, attribute: ingress,
                                       clusterIndex: ce.cluster, in: context, effect: .unhealthy(GuardDutyIssues.insufficientReplicas)))
                }
            }
        }
        return out
    }

    /// Separate ingress-rule resources whose group is not a security group of the scan (a literal id, a data source):
    /// they may add the missing rule to the endpoint's group.
    func unlinkedIngressRules(_ infra: Infrastructure) -> [RawResource] {
        let groups = Set(infra.securityGroups.map { "\($0.resource.scope)|\($0.resource.linkKey)" })
        return infra.resources.filter { raw in
            let path: PathComponent
            switch raw.type {
            case "aws_security_group_rule": guard raw.attributes["type"]?.string != "egress" else { return false }; path = "security_group_id"
            case "aws_vpc_security_group_ingress_rule": path = "security_group_id"
            case "AWS::EC2::SecurityGroupIngress": path = "GroupId"
            default: return false
            }
            return !raw.references(at: [path]).contains { groups.contains("\(raw.scope)|\($0.target)") }
        }
    }

    /// Whether an ingress rule lets `sources` reach `port` over TCP.
    func admits(_ rule: SecurityGroupRule, port: Int, sources: [IPv4CIDR], vpcKey: String) -> Tri {
        let proto = rule.proto?.lowercased()
        let anyProtocol = proto == "-1" || proto == "all"
        guard anyProtocol || proto == "tcp" || proto == "6" || proto == nil else { return .no }
        if !anyProtocol {
            guard let from = rule.fromPort, let to = rule.toPort else { return rule.hasUnknown ? .unknown : .no }
            guard from <= port && port <= to || from == -1 else { return .no }
        }
        // A CIDR read from the cluster's VPC (`aws_vpc.main.cidr_block`, `!GetAtt Vpc.CidrBlock`) is the VPC CIDR.
        if rule.sourceReferences.contains(where: { $0.target == vpcKey && ["cidr_block", "CidrBlock"].contains($0.attribute ?? "") }) { return .yes }
        let blocks = rule.cidrs.compactMap(IPv4CIDR.init)
        if blocks.contains(where: { $0.prefix == 0 }) { return .yes }
        if !sources.isEmpty, sources.allSatisfy({ s in blocks.contains { $0.contains(s) } }) { return .yes }
        if rule.hasNonCIDRSource || rule.hasUnknown || !rule.sourceReferences.isEmpty { return .unknown }
        if sources.isEmpty && !blocks.isEmpty { return .unknown }
        return .no
    }
}

enum EndpointSecurityGroupExamples {
    typealias F = ManualClusterFixture
    static let all: [RuleExample] = [
        RuleExample("plan: security group opens 80, not 443", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.ingressPort = 80 }), expect: [.init("aws_security_group.endpoint", attribute: "ingress")]),
        RuleExample("plan: 443 from another network only", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.ingressCIDR = "192.168.0.0/16" }), expect: [.init("aws_security_group.endpoint", attribute: "ingress")]),
        RuleExample("plan: 443 from the VPC CIDR", format: .terraformPlan, file: "plan.json", content: F.plan(), expect: []),
        RuleExample("plan: 443 from aws_vpc.main.cidr_block", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.ingressCIDR = nil }), expect: []),
        RuleExample("plan: no security group (VPC default group: info)", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.securityGroup = false }), expect: [.init("aws_vpc_endpoint.guardduty_data", attribute: "security_group_ids")]),
        RuleExample("tf.json: security group opens 80", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.ingressPort = 80 }), expect: [.init("aws_security_group.endpoint", attribute: "ingress")]),
        RuleExample("tf.json: 443 from ${aws_vpc.main.cidr_block}", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.ingressCIDR = nil }), expect: []),
        RuleExample("cfn: security group opens 80", format: .cloudFormation,
                    files: [F.regionConfig, ("eks.yaml", F.cloudFormation(F.options { $0.ingressPort = 80 }))],
                    expect: [.init("EndpointSecurityGroup", attribute: "SecurityGroupIngress")]),
        RuleExample("cfn: 443 from !GetAtt Vpc.CidrBlock", format: .cloudFormation,
                    files: [F.regionConfig, ("eks.yaml", F.cloudFormation(F.options { $0.ingressCIDR = nil }))], expect: []),
        RuleExample("plan: 80 only, but an aws_security_group_rule for a group named by id (info)", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.ingressPort = 80 }, extra: [.init("aws_security_group_rule.https", "aws_security_group_rule",
                        values: #"{"type":"ingress","security_group_id":"sg-0123456789abcdef0","from_port":443,"to_port":443,"protocol":"tcp","cidr_blocks":["10.0.0.0/16"]}"#)]),
                    expect: [.init("aws_vpc_endpoint.guardduty_data", attribute: "security_group_ids")]),
        RuleExample("cfn: 443 from 0.0.0.0/0", format: .cloudFormation,
                    files: [F.regionConfig, ("eks.yaml", F.cloudFormation(F.options { $0.ingressCIDR = "0.0.0.0/0" }))], expect: []),
    ]
}
