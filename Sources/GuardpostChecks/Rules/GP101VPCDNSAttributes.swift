import GuardpostDocuments
import GuardpostModel

/// With automated agent configuration GuardDuty creates a `guardduty-data` VPC endpoint with private
/// DNS, which EC2 refuses unless both VPC DNS attributes are true.
public struct VPCDNSAttributesRule: Rule {
    public init() {}
    static let issueType = "VPC Endpoint Creation Failed"

    public let metadata = RuleMetadata(
        id: "GP101", name: "vpc-dns-attributes",
        title: "The cluster's VPC does not have both DNS attributes (enableDnsSupport, enableDnsHostnames) set to true",
        severity: .error, issueType: "VPC Endpoint Creation Failed",
        rationale: "With automated agent configuration, GuardDuty creates an interface VPC endpoint for com.amazonaws.<region>.guardduty-data with private DNS in the cluster's VPC. EC2 only enables private DNS when the VPC has enableDnsSupport and enableDnsHostnames both true; otherwise the endpoint is not created, the agent cannot reach GuardDuty, and coverage is Unhealthy. enableDnsHostnames defaults to false for non-default VPCs in both Terraform and CloudFormation, so a VPC that does not set it fails.",
        remediation: [
            .terraformPlan: "In the aws_vpc resource (or the terraform-aws-modules/vpc module call), set:\n  enable_dns_support   = true\n  enable_dns_hostnames = true",
            .terraformJSON: "In the aws_vpc resource, set \"enable_dns_support\": true and \"enable_dns_hostnames\": true.",
            .terraformHCL: "In the aws_vpc resource (or the arguments of the module call that creates it), set:\n  enable_dns_support   = true\n  enable_dns_hostnames = true",
            .cloudFormation: "In the AWS::EC2::VPC resource's Properties, set:\n  EnableDnsSupport: true\n  EnableDnsHostnames: true",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eks-runtime-monitoring-coverage.html",
        examples: VPCDNSAttributesExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var out: [Finding] = []
        for cc in context.clusterContexts {
            // Only automated agent configuration makes GuardDuty create the endpoint; manual setups are
            // checked by the endpoint rules, and an unmonitored cluster has no endpoint at all.
            guard cc.runtimeMonitoring.toggle != .disabled, cc.managementType == .autoManaged else { continue }
            let cluster = infra.clusters[cc.cluster]
            guard let vpcIndex = cluster.vpc else { continue }
            let vpc = infra.vpcs[vpcIndex]
            let vpcName = vpc.resource.attributes["id"]?.string ?? vpc.resource.address
            let extra = "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for \(vpcName)"
            for attribute in [vpc.enableDnsSupport, vpc.enableDnsHostnames] {
                guard attribute.effective == false else { continue }
                let written = attribute.state == .known
                let clusterName = cluster.name.value ?? cluster.resource.address
                let cause = written ? "\(attribute.name) is false" : (attribute.note ?? "\(attribute.name) is not set")
                let message = "VPC \(vpc.resource.address) of cluster '\(clusterName)': \(cause); GuardDuty cannot create its private-DNS VPC endpoint there"
                out.append(finding(message, at: attribute.location ?? vpc.resource.location, resource: vpc.resource,
                                   attribute: attribute.name, clusterIndex: cc.cluster, in: context,
                                   effect: .unhealthy(GuardDutyIssue(type: Self.issueType, extra: extra))))
            }
        }
        return out
    }
}

enum VPCDNSAttributesExamples {
    static let automated = ExamplePlan.Resource("aws_guardduty_detector_feature.runtime", "aws_guardduty_detector_feature",
        values: #"{"name":"RUNTIME_MONITORING","status":"ENABLED","additional_configuration":[{"name":"EKS_ADDON_MANAGEMENT","status":"ENABLED"}]}"#)

    static func plan(vpcValues: String) -> String {
        ExamplePlan.json([
            automated,
            .init("aws_vpc.main", "aws_vpc", values: vpcValues),
            .init("aws_subnet.a", "aws_subnet", values: #"{"cidr_block":"10.0.1.0/24"}"#, references: ["vpc_id": ["aws_vpc.main.id", "aws_vpc.main"]]),
            .init("aws_eks_cluster.main", "aws_eks_cluster", values: #"{"name":"prod","version":"1.33","vpc_config":[{}]}"#,
                  references: ["vpc_config.0.subnet_ids": ["aws_subnet.a.id", "aws_subnet.a"]]),
        ])
    }

    static func template(vpcProperties: String) -> String {
        """
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
                      Status: ENABLED
          Vpc:
            Type: AWS::EC2::VPC
            Properties:
              CidrBlock: 10.0.0.0/16
        \(vpcProperties)
          SubnetA:
            Type: AWS::EC2::Subnet
            Properties:
              VpcId: !Ref Vpc
              CidrBlock: 10.0.1.0/24
          Cluster:
            Type: AWS::EKS::Cluster
            Properties:
              Name: prod
              Version: "1.33"
              RoleArn: arn:aws:iam::111122223333:role/eks
              ResourcesVpcConfig:
                SubnetIds:
                  - !Ref SubnetA
        """
    }

    static let tfFeature = """
    resource "aws_guardduty_detector_feature" "rm" {
      detector_id = "abc"
      name        = "RUNTIME_MONITORING"
      status      = "ENABLED"
      additional_configuration {
        name   = "EKS_ADDON_MANAGEMENT"
        status = "ENABLED"
      }
    }
    """

    /// A root module calling a local VPC module: the cluster's subnets come from the module's output.
    static func tfWithModule(hostnames: String) -> [(name: String, content: String)] {
        [
            ("main.tf", """
            \(tfFeature)
            module "vpc" {
              source               = "./modules/vpc"
              enable_dns_hostnames = \(hostnames)
            }
            resource "aws_eks_cluster" "main" {
              name     = "prod"
              version  = "1.31"
              role_arn = "r"
              vpc_config {
                subnet_ids = module.vpc.private_subnets
              }
            }
            """),
            ("modules/vpc/main.tf", """
            variable "enable_dns_hostnames" {
              type    = bool
              default = false
            }
            resource "aws_vpc" "this" {
              cidr_block           = "10.0.0.0/16"
              enable_dns_support   = true
              enable_dns_hostnames = var.enable_dns_hostnames
            }
            resource "aws_subnet" "private" {
              count      = 2
              vpc_id     = aws_vpc.this.id
              cidr_block = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
            }
            output "private_subnets" {
              value = aws_subnet.private[*].id
            }
            """),
        ]
    }

    static let all: [RuleExample] = [
        RuleExample("plan: enable_dns_hostnames explicitly false", format: .terraformPlan, file: "plan.json",
                    content: plan(vpcValues: #"{"cidr_block":"10.0.0.0/16","enable_dns_support":true,"enable_dns_hostnames":false}"#),
                    expect: [.init("aws_vpc.main", attribute: "enable_dns_hostnames")]),
        RuleExample("plan: enable_dns_hostnames not set (Terraform default false)", format: .terraformPlan, file: "plan.json",
                    content: plan(vpcValues: #"{"cidr_block":"10.0.0.0/16","enable_dns_support":true}"#),
                    expect: [.init("aws_vpc.main", attribute: "enable_dns_hostnames")]),
        RuleExample("plan: both true", format: .terraformPlan, file: "plan.json",
                    content: plan(vpcValues: #"{"cidr_block":"10.0.0.0/16","enable_dns_support":true,"enable_dns_hostnames":true}"#),
                    expect: []),
        RuleExample("cfn: EnableDnsHostnames left at its default", format: .cloudFormation, file: "t.yaml",
                    content: template(vpcProperties: "      EnableDnsSupport: true"),
                    expect: [.init("Vpc", attribute: "EnableDnsHostnames")]),
        RuleExample("cfn: EnableDnsSupport false", format: .cloudFormation, file: "t.yaml",
                    content: template(vpcProperties: "      EnableDnsSupport: false\n      EnableDnsHostnames: true"),
                    expect: [.init("Vpc", attribute: "EnableDnsSupport")]),
        RuleExample("cfn: both true", format: .cloudFormation, file: "t.yaml",
                    content: template(vpcProperties: "      EnableDnsSupport: true\n      EnableDnsHostnames: true"),
                    expect: []),
        RuleExample("tf.json: enable_dns_hostnames false", format: .terraformJSON, file: "main.tf.json", content: """
        {
          "resource": {
            "aws_guardduty_detector_feature": {"rm": {"detector_id": "abc", "name": "RUNTIME_MONITORING", "status": "ENABLED",
              "additional_configuration": {"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}}},
            "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": false}},
            "aws_subnet": {"a": {"vpc_id": "${aws_vpc.main.id}", "cidr_block": "10.0.1.0/24"}},
            "aws_eks_cluster": {"main": {"name": "prod", "version": "1.33", "role_arn": "r",
              "vpc_config": {"subnet_ids": ["${aws_subnet.a.id}"]}}}
          }
        }
        """, expect: [.init("aws_vpc.main", attribute: "enable_dns_hostnames")]),
        RuleExample("tf.json: both true", format: .terraformJSON, file: "main.tf.json", content: """
        {
          "resource": {
            "aws_guardduty_detector_feature": {"rm": {"detector_id": "abc", "name": "RUNTIME_MONITORING", "status": "ENABLED",
              "additional_configuration": {"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}}},
            "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": true, "enable_dns_support": true}},
            "aws_subnet": {"a": {"vpc_id": "${aws_vpc.main.id}", "cidr_block": "10.0.1.0/24"}},
            "aws_eks_cluster": {"main": {"name": "prod", "version": "1.33", "role_arn": "r",
              "vpc_config": {"subnet_ids": ["${aws_subnet.a.id}"]}}}
          }
        }
        """, expect: []),
        RuleExample(".tf: enable_dns_hostnames from a variable whose default is false", format: .terraformHCL, file: "main.tf", content: """
        \(tfFeature)
        variable "dns_hostnames" {
          default = false
        }
        resource "aws_vpc" "main" {
          cidr_block           = "10.0.0.0/16"
          enable_dns_support   = true
          enable_dns_hostnames = var.dns_hostnames
        }
        resource "aws_subnet" "a" {
          vpc_id     = aws_vpc.main.id
          cidr_block = "10.0.1.0/24"
        }
        resource "aws_eks_cluster" "main" {
          name     = "prod"
          version  = "1.31"
          role_arn = "r"
          vpc_config {
            subnet_ids = [aws_subnet.a.id]
          }
        }
        """, expect: [.init("aws_vpc.main", attribute: "enable_dns_hostnames")]),
        RuleExample(".tf: local VPC module called with enable_dns_hostnames = false", format: .terraformHCL,
                    files: tfWithModule(hostnames: "false"), expect: [.init("module.vpc.aws_vpc.this", attribute: "enable_dns_hostnames")]),
        RuleExample(".tf: local VPC module called with enable_dns_hostnames = true", format: .terraformHCL,
                    files: tfWithModule(hostnames: "true"), expect: []),
    ]
}
