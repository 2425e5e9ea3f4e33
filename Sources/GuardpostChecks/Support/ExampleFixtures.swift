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

/// A shared VPC in each input format: the owner account (111122223333) shares subnet-0aaa1111 of vpc-0123 with a
/// participant account (444455556666) that runs cluster `apps` in it. `.guardpost.yml` maps the files to the accounts.
enum SharedVPCFixture {
    static let owner = "111122223333"
    static let participant = "444455556666"

    static func config(ownerPath: String, participantPath: String) -> (name: String, content: String) {
        (".guardpost.yml", """
        region: us-east-1
        accounts:
          - id: "\(owner)"
            paths: [\(ownerPath)]
          - id: "\(participant)"
            paths: [\(participantPath)]
        """ + "\n")
    }

    static func feature(_ address: String = "aws_guardduty_detector_feature.runtime", status: String = "ENABLED", automated: String, action: String = "create") -> ExamplePlan.Resource {
        .init(address, "aws_guardduty_detector_feature",
              values: #"{"detector_id":"12abc34d567e8fa901bc2d34e56789f0","name":"RUNTIME_MONITORING","status":"\#(status)","additional_configuration":[{"name":"EKS_ADDON_MANAGEMENT","status":"\#(automated)"}]}"#,
              action: action)
    }

    /// The owner's plan: existing VPC and subnet (ids known), the RAM share, and the owner's GuardDuty feature.
    static func ownerPlan(automated: String = "DISABLED", runtime: String = "ENABLED") -> String {
        ExamplePlan.json([
            feature(status: runtime, automated: automated, action: "no-op"),
            .init("aws_vpc.shared", "aws_vpc", values: #"{"id":"vpc-0123","owner_id":"111122223333","cidr_block":"10.0.0.0/16","enable_dns_support":true,"enable_dns_hostnames":true}"#, action: "no-op"),
            .init("aws_subnet.a", "aws_subnet", values: #"{"id":"subnet-0aaa1111","arn":"arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0aaa1111","cidr_block":"10.0.1.0/24","vpc_id":"vpc-0123"}"#,
                  references: ["vpc_id": ["aws_vpc.shared.id", "aws_vpc.shared"]], constants: ["cidr_block"], action: "no-op"),
            .init("aws_ram_resource_share.subnets", "aws_ram_resource_share", values: #"{"name":"shared-subnets","allow_external_principals":false}"#),
            .init("aws_ram_resource_association.a", "aws_ram_resource_association", values: "{}",
                  references: ["resource_arn": ["aws_subnet.a.arn", "aws_subnet.a"], "resource_share_arn": ["aws_ram_resource_share.subnets.arn", "aws_ram_resource_share.subnets"]]),
            .init("aws_ram_principal_association.apps", "aws_ram_principal_association", values: #"{"principal":"444455556666"}"#,
                  references: ["resource_share_arn": ["aws_ram_resource_share.subnets.arn", "aws_ram_resource_share.subnets"]]),
        ])
    }

    /// The participant's plan: the cluster on the shared subnet (written as its id) and the participant's feature.
    static func participantPlan(automated: String = "ENABLED", runtime: String = "ENABLED", featureAction: String = "create", extra: [ExamplePlan.Resource] = []) -> String {
        ExamplePlan.json([
            feature(status: runtime, automated: automated, action: featureAction),
            .init("aws_eks_cluster.apps", "aws_eks_cluster", values: #"{"name":"apps","version":"1.31","role_arn":"arn:aws:iam::444455556666:role/eks","vpc_config":[{"subnet_ids":["subnet-0aaa1111"]}]}"#),
        ] + extra)
    }

    /// One Terraform folder whose two files belong to the two accounts (two providers).
    static func tfJSON(ownerAutomated: String) -> [(name: String, content: String)] {
        [config(ownerPath: "network.tf.json", participantPath: "eks.tf.json"),
         ("network.tf.json", """
         {
           "provider": {"aws": {"region": "us-east-1"}},
           "resource": {
             "aws_guardduty_detector_feature": {"network": {"detector_id": "d1", "name": "RUNTIME_MONITORING", "status": "ENABLED",
               "additional_configuration": {"name": "EKS_ADDON_MANAGEMENT", "status": "\(ownerAutomated)"}}},
             "aws_vpc": {"shared": {"cidr_block": "10.0.0.0/16", "enable_dns_support": true, "enable_dns_hostnames": true}},
             "aws_subnet": {"a": {"vpc_id": "${aws_vpc.shared.id}", "cidr_block": "10.0.1.0/24"}},
             "aws_ram_resource_share": {"subnets": {"name": "shared-subnets"}},
             "aws_ram_resource_association": {"a": {"resource_arn": "${aws_subnet.a.arn}", "resource_share_arn": "${aws_ram_resource_share.subnets.arn}"}},
             "aws_ram_principal_association": {"apps": {"principal": "444455556666", "resource_share_arn": "${aws_ram_resource_share.subnets.arn}"}}
           }
         }
         """),
         ("eks.tf.json", """
         {
           "resource": {
             "aws_guardduty_detector_feature": {"apps": {"detector_id": "d2", "name": "RUNTIME_MONITORING", "status": "ENABLED",
               "additional_configuration": {"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}}},
             "aws_eks_cluster": {"apps": {"name": "apps", "version": "1.31", "role_arn": "arn:aws:iam::444455556666:role/eks",
               "vpc_config": {"subnet_ids": ["${aws_subnet.a.id}"]}}}
           }
         }
         """)]
    }

    static func detector(_ automated: String) -> String {
        """
          Detector:
            Type: AWS::GuardDuty::Detector
            Properties:
              Enable: true
              Features:
                - Name: RUNTIME_MONITORING
                  Status: ENABLED
                  AdditionalConfiguration:
                    - Name: EKS_ADDON_MANAGEMENT
                      Status: \(automated)
        """
    }

    /// Two stacks: the owner's shares an existing subnet by ARN; the participant's cluster names the subnet id.
    static func cloudFormation(ownerAutomated: String, withConfig: Bool = true) -> [(name: String, content: String)] {
        (withConfig ? [config(ownerPath: "owner.yaml", participantPath: "participant.yaml")] : [ManualClusterFixture.regionConfig]) + [
            ("owner.yaml", """
            Resources:
            \(detector(ownerAutomated))
              SubnetShare:
                Type: AWS::RAM::ResourceShare
                Properties:
                  Name: shared-subnets
                  ResourceArns:
                    - arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0aaa1111
                  Principals:
                    - "444455556666"
            """),
            ("participant.yaml", """
            Resources:
            \(detector("ENABLED"))
              Cluster:
                Type: AWS::EKS::Cluster
                Properties:
                  Name: apps
                  Version: "1.31"
                  RoleArn: arn:aws:iam::444455556666:role/eks
                  ResourcesVpcConfig:
                    SubnetIds: [subnet-0aaa1111]
            """),
        ]
    }
}

/// A cluster with the `aws-guardduty-agent` add-on declared, in each input format, for the add-on rules.
enum AgentAddonFixture {
    struct Options {
        /// EKS_ADDON_MANAGEMENT: "DISABLED" (manual) or "ENABLED".
        var automated = "DISABLED"
        var addon = true
        var version: String? = "v1.16.0-eksbuild.2"
        /// resolve_conflicts_on_update / ResolveConflicts (nil: not written).
        var resolveConflicts: String? = "OVERWRITE"
        /// configuration_values / ConfigurationValues as written (a JSON string).
        var configurationValues: String?
        var instanceTypes = ["m5.large"]
        var desiredSize = 2
        var maxSize = 3
    }

    static func options(_ change: (inout Options) -> Void) -> Options {
        var o = Options()
        change(&o)
        return o
    }

    static func plan(_ o: Options = Options(), extra: [ExamplePlan.Resource] = []) -> String {
        var resources: [ExamplePlan.Resource] = [
            .init("aws_guardduty_detector_feature.runtime", "aws_guardduty_detector_feature",
                  values: #"{"detector_id":"12abc34d567e8fa901bc2d34e56789f0","name":"RUNTIME_MONITORING","status":"ENABLED","additional_configuration":[{"name":"EKS_ADDON_MANAGEMENT","status":"\#(o.automated)"}]}"#),
            .init("aws_eks_cluster.main", "aws_eks_cluster", values: #"{"name":"prod","version":"1.31","role_arn":"arn:aws:iam::111122223333:role/eks","vpc_config":[{"subnet_ids":["subnet-0aaa1111","subnet-0bbb2222"]}]}"#),
            .init("aws_eks_node_group.workers", "aws_eks_node_group",
                  values: #"{"cluster_name":"prod","node_group_name":"workers","instance_types":\#(jsonList(o.instanceTypes)),"scaling_config":[{"desired_size":\#(o.desiredSize),"max_size":\#(o.maxSize),"min_size":0}]}"#,
                  references: ["cluster_name": ["aws_eks_cluster.main.name", "aws_eks_cluster.main"]]),
        ]
        if o.addon {
            var values = [#""addon_name":"aws-guardduty-agent""#, #""cluster_name":"prod""#]
            if let v = o.version { values.append("\"addon_version\":\(JSONWriter.quoted(v))") }
            if let r = o.resolveConflicts { values.append("\"resolve_conflicts_on_update\":\(JSONWriter.quoted(r))") }
            if let c = o.configurationValues { values.append("\"configuration_values\":\(JSONWriter.quoted(c))") }
            resources.append(.init("aws_eks_addon.guardduty", "aws_eks_addon", values: "{" + values.joined(separator: ",") + "}",
                                   references: ["cluster_name": ["aws_eks_cluster.main.name", "aws_eks_cluster.main"]]))
        }
        return ExamplePlan.json(resources + extra)
    }

    static func jsonList(_ items: [String]) -> String { "[" + items.map(JSONWriter.quoted).joined(separator: ",") + "]" }

    static func tfJSON(_ o: Options = Options(), extraResources: String = "") -> String {
        var addon = ""
        if o.addon {
            var values = [#""addon_name": "aws-guardduty-agent""#, #""cluster_name": "${aws_eks_cluster.main.name}""#]
            if let v = o.version { values.append("\"addon_version\": \(JSONWriter.quoted(v))") }
            if let r = o.resolveConflicts { values.append("\"resolve_conflicts_on_update\": \(JSONWriter.quoted(r))") }
            if let c = o.configurationValues { values.append("\"configuration_values\": \(JSONWriter.quoted(c))") }
            addon = ",\n    \"aws_eks_addon\": {\"guardduty\": {\(values.joined(separator: ", "))}}"
        }
        return """
        {
          "provider": {"aws": {"region": "us-east-1"}},
          "resource": {
            "aws_guardduty_detector_feature": {"runtime": {"detector_id": "12abc34d567e8fa901bc2d34e56789f0", "name": "RUNTIME_MONITORING", "status": "ENABLED",
              "additional_configuration": {"name": "EKS_ADDON_MANAGEMENT", "status": "\(o.automated)"}}},
            "aws_eks_cluster": {"main": {"name": "prod", "version": "1.31", "role_arn": "arn:aws:iam::111122223333:role/eks",
              "vpc_config": {"subnet_ids": ["subnet-0aaa1111", "subnet-0bbb2222"]}}},
            "aws_eks_node_group": {"workers": {"cluster_name": "${aws_eks_cluster.main.name}", "node_group_name": "workers", "node_role_arn": "r",
              "subnet_ids": ["subnet-0aaa1111"], "instance_types": \(jsonList(o.instanceTypes)),
              "scaling_config": {"desired_size": \(o.desiredSize), "max_size": \(o.maxSize), "min_size": 0}}}\(addon)\(extraResources)
          }
        }
        """
    }

    static func cloudFormation(_ o: Options = Options(), extraResources: String = "") -> String {
        var addon = ""
        if o.addon {
            var props = ["      ClusterName: !Ref Cluster", "      AddonName: aws-guardduty-agent"]
            if let v = o.version { props.append("      AddonVersion: \(v)") }
            if let r = o.resolveConflicts { props.append("      ResolveConflicts: \(r)") }
            if let c = o.configurationValues { props.append("      ConfigurationValues: '\(c.replacingOccurrences(of: "'", with: "''"))'") }
            addon = "\n  GuardDutyAgent:\n    Type: AWS::EKS::Addon\n    Properties:\n" + props.joined(separator: "\n")
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
                      Status: \(o.automated)
          Cluster:
            Type: AWS::EKS::Cluster
            Properties:
              Name: prod
              Version: "1.31"
              RoleArn: arn:aws:iam::111122223333:role/eks
              ResourcesVpcConfig:
                SubnetIds: [subnet-0aaa1111, subnet-0bbb2222]
          Workers:
            Type: AWS::EKS::Nodegroup
            Properties:
              ClusterName: !Ref Cluster
              NodeRole: arn:aws:iam::111122223333:role/nodes
              Subnets: [subnet-0aaa1111]
              InstanceTypes: [\(o.instanceTypes.joined(separator: ", "))]
              ScalingConfig:
                DesiredSize: \(o.desiredSize)
                MaxSize: \(o.maxSize)
                MinSize: 0\(addon)\(extraResources)
        """
    }

    /// The agent's DaemonSet, as someone deploying it by hand (or with Helm) would write it.
    static let selfManagedDaemonSet = (name: "daemonset.yaml", content: """
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: aws-guardduty-agent
      namespace: amazon-guardduty
    spec:
      selector:
        matchLabels:
          app: aws-guardduty-agent
      template:
        metadata:
          labels:
            app: aws-guardduty-agent
        spec:
          containers:
            - name: aws-guardduty-agent
              image: 602401143452.dkr.ecr.us-east-1.amazonaws.com/aws-guardduty-agent:v1.15.0
    """ + "\n")
}
