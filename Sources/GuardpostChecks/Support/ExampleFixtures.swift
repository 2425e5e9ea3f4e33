import GuardpostDocuments
import GuardpostModel

/// Small, real inputs shared by the examples of the rules about manually managed clusters: a cluster with Runtime
/// Monitoring on and automated agent configuration off, its VPC and subnet, and (optionally) a `guardduty-data`
/// endpoint with its security group — in each input format. Each example changes one thing.
enum ManualClusterFixture {
    struct Options {
        var endpoint = true
        var service = "com.amazonaws.us-east-1.guardduty-data"
        /// nil: not written (the format's default applies).
        var type: String? = "Interface"
        var privateDns: Bool? = true
        /// Whether the endpoint names a security group.
        var securityGroup = true
        var ingressPort = 443
        /// nil: the rule reads the VPC's CIDR by reference (`aws_vpc.main.cidr_block`, `!GetAtt Vpc.CidrBlock`).
        var ingressCIDR: String? = "10.0.0.0/16"
        /// The endpoint policy as JSON text (nil: none, full access).
        var policy: String?
        var vpcDnsHostnames = true
    }

    static func options(_ change: (inout Options) -> Void) -> Options {
        var o = Options()
        change(&o)
        return o
    }

    static let feature = ExamplePlan.Resource("aws_guardduty_detector_feature.runtime", "aws_guardduty_detector_feature",
        values: #"{"detector_id":"12abc34d567e8fa901bc2d34e56789f0","name":"RUNTIME_MONITORING","status":"ENABLED","additional_configuration":[{"name":"EKS_ADDON_MANAGEMENT","status":"DISABLED"}]}"#)

    static func plan(_ o: Options = Options(), extra: [ExamplePlan.Resource] = []) -> String {
        var resources: [ExamplePlan.Resource] = [
            feature,
            .init("aws_vpc.main", "aws_vpc", values: #"{"cidr_block":"10.0.0.0/16","enable_dns_support":true,"enable_dns_hostnames":\#(o.vpcDnsHostnames)}"#),
            .init("aws_subnet.a", "aws_subnet", values: #"{"cidr_block":"10.0.1.0/24"}"#, references: ["vpc_id": ["aws_vpc.main.id", "aws_vpc.main"]]),
            .init("aws_eks_cluster.main", "aws_eks_cluster", values: #"{"name":"prod","version":"1.31","vpc_config":[{}]}"#,
                  references: ["vpc_config.0.subnet_ids": ["aws_subnet.a.id", "aws_subnet.a"]]),
        ]
        if o.endpoint {
            let cidr = o.ingressCIDR.map { "[\(JSONWriter.quoted($0))]" }
            var sgRefs: [String: [String]] = ["vpc_id": ["aws_vpc.main.id", "aws_vpc.main"]]
            if cidr == nil { sgRefs["ingress.0.cidr_blocks"] = ["aws_vpc.main.cidr_block", "aws_vpc.main"] }
            let ingress = #"{"from_port":\#(o.ingressPort),"to_port":\#(o.ingressPort),"protocol":"tcp"\#(cidr.map { ",\"cidr_blocks\":\($0)" } ?? "")}"#
            resources.append(.init("aws_security_group.endpoint", "aws_security_group", values: #"{"name":"guardduty-data","ingress":[\#(ingress)]}"#,
                                   references: sgRefs, constants: cidr == nil ? ["name"] : ["name", "ingress"]))
            var values = ["\"service_name\":\(JSONWriter.quoted(o.service))"]
            if let t = o.type { values.append("\"vpc_endpoint_type\":\(JSONWriter.quoted(t))") }
            if let p = o.privateDns { values.append("\"private_dns_enabled\":\(p)") }
            if let policy = o.policy { values.append("\"policy\":\(JSONWriter.quoted(policy))") }
            var refs: [String: [String]] = ["vpc_id": ["aws_vpc.main.id", "aws_vpc.main"], "subnet_ids": ["aws_subnet.a.id", "aws_subnet.a"]]
            if o.securityGroup { refs["security_group_ids"] = ["aws_security_group.endpoint.id", "aws_security_group.endpoint"] }
            resources.append(.init("aws_vpc_endpoint.guardduty_data", "aws_vpc_endpoint", values: "{" + values.joined(separator: ",") + "}", references: refs))
        }
        return ExamplePlan.json(resources + extra)
    }

    static func tfJSON(_ o: Options = Options(), extraResources: String = "") -> String {
        var endpoint = ""
        if o.endpoint {
            var values = ["\"vpc_id\": \"${aws_vpc.main.id}\"", "\"service_name\": \(JSONWriter.quoted(o.service))",
                          "\"subnet_ids\": [\"${aws_subnet.a.id}\"]"]
            if let t = o.type { values.append("\"vpc_endpoint_type\": \(JSONWriter.quoted(t))") }
            if let p = o.privateDns { values.append("\"private_dns_enabled\": \(p)") }
            if o.securityGroup { values.append("\"security_group_ids\": [\"${aws_security_group.endpoint.id}\"]") }
            if let policy = o.policy { values.append("\"policy\": \(JSONWriter.quoted(policy))") }
            let cidr = o.ingressCIDR.map(JSONWriter.quoted) ?? "\"${aws_vpc.main.cidr_block}\""
            endpoint = """
            ,
                "aws_security_group": {"endpoint": {"name": "guardduty-data", "vpc_id": "${aws_vpc.main.id}",
                  "ingress": [{"from_port": \(o.ingressPort), "to_port": \(o.ingressPort), "protocol": "tcp", "cidr_blocks": [\(cidr)]}]}},
                "aws_vpc_endpoint": {"guardduty_data": {\(values.joined(separator: ", "))}}
            """
        }
        return """
        {
          "provider": {"aws": {"region": "us-east-1"}},
          "resource": {
            "aws_guardduty_detector_feature": {"runtime": {"detector_id": "12abc34d567e8fa901bc2d34e56789f0", "name": "RUNTIME_MONITORING", "status": "ENABLED",
              "additional_configuration": {"name": "EKS_ADDON_MANAGEMENT", "status": "DISABLED"}}},
            "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16", "enable_dns_support": true, "enable_dns_hostnames": \(o.vpcDnsHostnames)}},
            "aws_subnet": {"a": {"vpc_id": "${aws_vpc.main.id}", "cidr_block": "10.0.1.0/24"}},
            "aws_eks_cluster": {"main": {"name": "prod", "version": "1.31", "role_arn": "arn:aws:iam::111122223333:role/eks",
              "vpc_config": {"subnet_ids": ["${aws_subnet.a.id}"]}}}\(endpoint)\(extraResources)
          }
        }
        """
    }

    /// `.guardpost.yml` giving CloudFormation templates their region.
    static let regionConfig = (name: ".guardpost.yml", content: "region: us-east-1\n")

    static func cloudFormation(_ o: Options = Options(), extraResources: String = "") -> String {
        var endpoint = ""
        if o.endpoint {
            var props = ["      VpcId: !Ref Vpc", "      ServiceName: \(o.service)", "      SubnetIds: [!Ref SubnetA]"]
            if let t = o.type { props.append("      VpcEndpointType: \(t)") }
            if let p = o.privateDns { props.append("      PrivateDnsEnabled: \(p)") }
            if o.securityGroup { props.append("      SecurityGroupIds: [!Ref EndpointSecurityGroup]") }
            if let policy = o.policy { props.append("      PolicyDocument: \(policy)") }
            endpoint = """

              EndpointSecurityGroup:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: guardduty-data
                  VpcId: !Ref Vpc
                  SecurityGroupIngress:
                    - IpProtocol: tcp
                      FromPort: \(o.ingressPort)
                      ToPort: \(o.ingressPort)
                      CidrIp: \(o.ingressCIDR ?? "!GetAtt Vpc.CidrBlock")
              GuardDutyDataEndpoint:
                Type: AWS::EC2::VPCEndpoint
                Properties:
            \(props.joined(separator: "\n"))
            """
        }
        return """
        Resources:
          Detector:
            Type: AWS::GuardDuty::Detector
            Properties:
              Enable: true
              Features:
                - Name: RUNTIME_MONITORING
                  Status: ENABLED
                  AdditionalConfiguration:
                    - Name: EKS_ADDON_MANAGEMENT
                      Status: DISABLED
          Vpc:
            Type: AWS::EC2::VPC
            Properties:
              CidrBlock: 10.0.0.0/16
              EnableDnsSupport: true
              EnableDnsHostnames: \(o.vpcDnsHostnames)
          SubnetA:
            Type: AWS::EC2::Subnet
            Properties:
              VpcId: !Ref Vpc
              CidrBlock: 10.0.1.0/24
          Cluster:
            Type: AWS::EKS::Cluster
            Properties:
              Name: prod
              Version: "1.31"
              RoleArn: arn:aws:iam::111122223333:role/eks
              ResourcesVpcConfig:
                SubnetIds:
                  - !Ref SubnetA\(endpoint)\(extraResources)
        """
    }
}
