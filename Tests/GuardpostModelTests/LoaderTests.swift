import XCTest
import GuardpostDocuments
@testable import GuardpostModel

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func load(_ text: String, path: String) -> Infrastructure {
    InfrastructureBuilder.build(InputLoader.load(bytes: Array(text.utf8), path: path))
}

final class TerraformPlanLoaderTests: XCTestCase {
    func testSamplePlanLinksClusterToVPCThroughModuleOutput() throws {
        let infra = InfrastructureBuilder.build(InputLoader.load(paths: [packageRoot.appendingPathComponent("samples/terraform-broken/plan.json").path]))
        XCTAssertEqual(infra.clusters.count, 1)
        let cluster = infra.clusters[0]
        XCTAssertEqual(cluster.resource.address, "aws_eks_cluster.prod")
        // vpc_config.subnet_ids = module.vpc.private_subnets -> output -> aws_subnet.private (count 2) -> aws_vpc.this[0]
        XCTAssertEqual(cluster.subnets.map { infra.subnets[$0].resource.address }.sorted(),
                       ["module.vpc.aws_subnet.private[0]", "module.vpc.aws_subnet.private[1]"])
        let vpc = try XCTUnwrap(infra.vpc(of: cluster))
        XCTAssertEqual(vpc.resource.address, "module.vpc.aws_vpc.this[0]")
        XCTAssertEqual(vpc.resource.linkKey, "module.vpc.aws_vpc.this")
        XCTAssertEqual(vpc.enableDnsHostnames.state, .known)
        XCTAssertEqual(vpc.enableDnsHostnames.value, false)
        // Position of the attribute in planned_values.
        XCTAssertEqual(vpc.enableDnsHostnames.location?.line, 107)
        XCTAssertEqual(vpc.enableDnsHostnames.location?.column, 17)
        XCTAssertEqual(cluster.nodeGroups.count, 1)
        XCTAssertEqual(infra.nodeGroups[0].amiType.value, "AL2023_x86_64_STANDARD")
        XCTAssertEqual(cluster.region, "us-east-1")
        XCTAssertEqual(infra.features.count, 1)
        XCTAssertEqual(infra.features[0].additional.first?.status.value, "ENABLED")
        XCTAssertEqual(cluster.resource.action, .create)
    }

    func testUnsetComputedAttributeIsDefaultedNotUnknown() {
        let plan = """
        {"format_version":"1.2","planned_values":{"root_module":{"resources":[
          {"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","values":{"cidr_block":"10.0.0.0/16"}},
          {"address":"aws_vpc.b","mode":"managed","type":"aws_vpc","name":"b","values":{"cidr_block":"10.1.0.0/16"}}]}},
         "resource_changes":[
          {"address":"aws_vpc.a","type":"aws_vpc","change":{"actions":["create"],"after_unknown":{"enable_dns_hostnames":true}}},
          {"address":"aws_vpc.b","type":"aws_vpc","change":{"actions":["create"],"after_unknown":{"enable_dns_hostnames":true}}}],
         "configuration":{"root_module":{"resources":[
          {"address":"aws_vpc.a","type":"aws_vpc","expressions":{"cidr_block":{"constant_value":"10.0.0.0/16"}}},
          {"address":"aws_vpc.b","type":"aws_vpc","expressions":{"cidr_block":{"constant_value":"10.1.0.0/16"},"enable_dns_hostnames":{"references":["var.dns"]}}}]}}}
        """
        let infra = load(plan, path: "p.json")
        XCTAssertEqual(infra.vpcs[0].enableDnsHostnames.state, .defaulted, "not in configuration: AWS applies its default")
        XCTAssertEqual(infra.vpcs[0].enableDnsHostnames.value, false)
        XCTAssertEqual(infra.vpcs[1].enableDnsHostnames.state, .unknown, "set from a variable only known at apply")
    }

    func testStateFileGetsClearMessage() {
        let r = InputLoader.load(bytes: Array(#"{"format_version":"1.0","terraform_version":"1.9.0","values":{"root_module":{}}}"#.utf8), path: "s.json")
        XCTAssertTrue(r.diagnostics.contains { $0.severity == .error && $0.message.contains("state") && $0.message.contains("planned_values") })
    }

    func testDeletedResourcesAreKeptApart() {
        let plan = """
        {"format_version":"1.2","planned_values":{"root_module":{"resources":[]}},
         "resource_changes":[{"address":"aws_guardduty_detector_feature.rm","mode":"managed","type":"aws_guardduty_detector_feature",
           "change":{"actions":["delete"],"before":{"name":"RUNTIME_MONITORING","status":"ENABLED"},"after":null}}]}
        """
        let infra = load(plan, path: "p.json")
        XCTAssertEqual(infra.features.count, 0)
        XCTAssertEqual(infra.removedResources.map(\.address), ["aws_guardduty_detector_feature.rm"])
    }

    func testSelfCallingModulesTerminate() {
        // module "a" calls itself through a configuration that nests deeply; resolution is bounded.
        var module = #"{"resources":[{"address":"aws_vpc.v","type":"aws_vpc","expressions":{"cidr_block":{"references":["var.x"]}}}]}"#
        for _ in 0..<80 { module = #"{"module_calls":{"a":{"expressions":{"x":{"references":["var.x"]}},"module":"# + module + "}}}" }
        let plan = #"{"format_version":"1.2","planned_values":{"root_module":{}},"configuration":{"root_module":"# + module + "}}"
        let r = InputLoader.load(bytes: Array(plan.utf8), path: "p.json")
        XCTAssertTrue(r.diagnostics.filter { $0.severity == .error }.isEmpty)
    }
}

final class CloudFormationLoaderTests: XCTestCase {
    let template = """
    Parameters:
      Env: {Type: String, Default: prod}
      NoDefault: {Type: String}
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
      Unknown: !Equals [!Ref NoDefault, x]
    Resources:
      Vpc:
        Type: AWS::EC2::VPC
        Properties:
          CidrBlock: 10.0.0.0/16
          EnableDnsHostnames: !If [IsProd, true, false]
          EnableDnsSupport: !If [Unknown, true, false]
      Subnet:
        Type: AWS::EC2::Subnet
        Properties:
          VpcId: !Ref Vpc
          CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]
      Cluster:
        Type: AWS::EKS::Cluster
        Properties:
          Name: !Sub "${Env}-cluster"
          RoleArn: !GetAtt Role.Arn
          ResourcesVpcConfig:
            SubnetIds: [!Ref Subnet]
      Role:
        Type: AWS::IAM::Role
        Properties: {}
      Addon:
        Type: AWS::EKS::Addon
        Properties:
          ClusterName: !Ref Cluster
          AddonName: aws-guardduty-agent
          AddonVersion: !Join ["", ["v1.16.0", "-eksbuild.2"]]
    """

    func testRefGetAttAndConditions() throws {
        let infra = load(template, path: "t.yaml")
        let vpc = try XCTUnwrap(infra.vpcs.first)
        XCTAssertEqual(vpc.enableDnsHostnames.value, true, "IsProd decided by the parameter default")
        XCTAssertEqual(vpc.enableDnsHostnames.location?.line, 12)
        XCTAssertEqual(vpc.enableDnsHostnames.location?.column, 7)
        XCTAssertEqual(vpc.enableDnsSupport.state, .unknown, "condition on a parameter without default is undecidable")
        let cluster = try XCTUnwrap(infra.clusters.first)
        XCTAssertEqual(cluster.name.value, "prod-cluster")
        XCTAssertEqual(cluster.subnets.count, 1)
        XCTAssertEqual(infra.vpc(of: cluster)?.resource.address, "Vpc")
        XCTAssertTrue(cluster.resource.references.contains { $0.target == "Role" && $0.attribute == "Arn" })
        XCTAssertEqual(cluster.addons.count, 1)
        XCTAssertEqual(infra.addons[0].addonVersion.value, "v1.16.0-eksbuild.2")
        XCTAssertEqual(cluster.resource.location.line, 19)
        XCTAssertEqual(cluster.resource.location.column, 3)
    }

    func testLongFormJSONTemplate() throws {
        let json = """
        {"AWSTemplateFormatVersion":"2010-09-09","Resources":{
          "V":{"Type":"AWS::EC2::VPC","Properties":{"CidrBlock":"10.0.0.0/16","EnableDnsHostnames":"false"}},
          "S":{"Type":"AWS::EC2::Subnet","Properties":{"VpcId":{"Ref":"V"}}},
          "C":{"Type":"AWS::EKS::Cluster","Properties":{"Name":"c","ResourcesVpcConfig":{"SubnetIds":[{"Ref":"S"}]}}}}}
        """
        let infra = load(json, path: "t.json")
        XCTAssertEqual(infra.vpcs.first?.enableDnsHostnames.value, false)
        XCTAssertEqual(infra.clusters.first.flatMap { infra.vpc(of: $0) }?.resource.address, "V")
    }

    func testCircularConditionsEndWithDiagnostic() {
        let t = """
        Conditions:
          A: !Condition B
          B: !Condition A
        Resources:
          V:
            Type: AWS::EC2::VPC
            Properties:
              EnableDnsHostnames: !If [A, true, false]
        """
        let r = InputLoader.load(bytes: Array(t.utf8), path: "t.yaml")
        XCTAssertTrue(r.diagnostics.contains { $0.message.contains("refers to itself") })
    }
}

final class TerraformJSONLoaderTests: XCTestCase {
    func testInterpolationVariablesAndLinks() throws {
        let text = """
        {
          "variable": {"dns": {"default": false}},
          "locals": {"name": "prod"},
          "resource": {
            "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": "${var.dns}"}},
            "aws_subnet": {"a": {"vpc_id": "${aws_vpc.main.id}"}},
            "aws_eks_cluster": {"c": {"name": "${local.name}-eks", "vpc_config": {"subnet_ids": ["${aws_subnet.a.id}"]}}}
          }
        }
        """
        let infra = load(text, path: "dir/main.tf.json")
        XCTAssertEqual(infra.vpcs.first?.enableDnsHostnames.value, false)
        XCTAssertEqual(infra.vpcs.first?.enableDnsHostnames.location?.line, 5)
        XCTAssertEqual(infra.clusters.first?.name.value, "prod-eks")
        XCTAssertEqual(infra.clusters.first.flatMap { infra.vpc(of: $0) }?.resource.address, "aws_vpc.main")
    }
}

final class KubernetesLoaderTests: XCTestCase {
    func testDocumentsAndListsFlattened() {
        let text = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: a}
        ---
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: ConfigMap
          metadata: {name: b, namespace: a}
        - apiVersion: kyverno.io/v1
          kind: ClusterPolicy
          metadata: {name: c}
        """
        let infra = load(text, path: "k.yaml")
        XCTAssertEqual(infra.kubernetesObjects.map(\.address), ["Namespace/a", "ConfigMap/a/b", "ClusterPolicy/c"])
        XCTAssertEqual(infra.kubernetesObjects[1].location.line, 8)
        XCTAssertEqual(infra.kubernetesObjects[2].location.line, 11)
    }
}

final class CloudFormationLanguageExtensionsTests: XCTestCase {
    func testForEachIsAWarningNotAnError() {
        let t = """
        Transform: AWS::LanguageExtensions
        Resources:
          Fn::ForEach::Buckets:
            - Name
            - [a, b]
            - Bucket${Name}:
                Type: AWS::S3::Bucket
          Vpc:
            Type: AWS::EC2::VPC
            Properties: {CidrBlock: 10.0.0.0/16}
        """
        let r = InputLoader.load(bytes: Array(t.utf8), path: "t.yaml")
        XCTAssertTrue(r.diagnostics.filter { $0.severity == .error }.isEmpty, "\(r.diagnostics.map(\.message))")
        XCTAssertEqual(r.diagnostics.first { $0.severity == .warning }?.location.line, 3)
        XCTAssertEqual(r.resources.map(\.address), ["Vpc"])
    }
}
