import XCTest
import GuardpostDocuments
@testable import GuardpostModel

/// The `.tf` loader: values and positions, links, modules, nested and dynamic blocks, count/for_each.
final class HCLLoaderTests: XCTestCase {
    /// Writes files (relative path -> content) to a temporary folder and loads the folder like the CLI.
    func scan(_ files: [String: String], paths: [String]? = nil) throws -> (infra: Infrastructure, root: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gp-hcl-\(UUID().uuidString)")
        for (name, content) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let scanned = (paths ?? ["."]).map { $0 == "." ? dir.path : dir.appendingPathComponent($0).path }
        return (InfrastructureBuilder.build(InputLoader.load(paths: scanned, options: .init(workers: 1))), dir.path)
    }

    static let network = """
    variable "dns" {
      default = false
    }
    locals {
      name = "prod"
    }
    provider "aws" {
      region = "eu-west-1"
    }
    resource "aws_vpc" "main" {
      cidr_block           = "10.0.0.0/16"
      enable_dns_hostnames = var.dns
    }
    resource "aws_subnet" "a" {
      vpc_id     = aws_vpc.main.id
      cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, 1)
    }
    resource "aws_eks_cluster" "c" {
      name     = "${local.name}-eks"
      role_arn = "arn:aws:iam::111122223333:role/eks"
      vpc_config {
        subnet_ids = [aws_subnet.a.id]
      }
    }
    resource "aws_eks_node_group" "ng" {
      cluster_name = aws_eks_cluster.c.name
      scaling_config {
        desired_size = 2 + 1
        max_size     = 4
        min_size     = 1
      }
    }
    """

    func testValuesPositionsAndLinks() throws {
        let infra = load(Self.network, path: "dir/main.tf")
        XCTAssertEqual(infra.files.map(\.format), [.terraformHCL])
        let vpc = try XCTUnwrap(infra.vpcs.first)
        XCTAssertEqual(vpc.resource.address, "aws_vpc.main")
        XCTAssertEqual(vpc.resource.format, .terraformHCL)
        XCTAssertEqual(vpc.resource.location.line, 10)
        XCTAssertEqual(vpc.enableDnsHostnames.state, .known, "the variable's default is used")
        XCTAssertEqual(vpc.enableDnsHostnames.value, false)
        XCTAssertEqual(vpc.enableDnsHostnames.location?.line, 12)
        XCTAssertEqual(vpc.enableDnsHostnames.location?.column, 3)
        XCTAssertEqual(vpc.enableDnsSupport.state, .defaulted)
        XCTAssertEqual(vpc.cidr.value, "10.0.0.0/16")
        let cluster = try XCTUnwrap(infra.clusters.first)
        XCTAssertEqual(cluster.name.value, "prod-eks")
        XCTAssertEqual(cluster.region, "eu-west-1")
        XCTAssertEqual(cluster.subnets.map { infra.subnets[$0].resource.address }, ["aws_subnet.a"])
        XCTAssertEqual(infra.vpc(of: cluster)?.resource.address, "aws_vpc.main")
        // A function call is unknown, and still links.
        let subnet = infra.subnets[0].resource
        XCTAssertTrue(subnet.unknownPaths.contains("cidr_block"))
        XCTAssertEqual(Set(subnet.references.map(\.target)), ["aws_vpc.main"])
        XCTAssertEqual(subnet.references.first { $0.path == ["vpc_id"] }?.attribute, "id")
        // Nested blocks are lists of objects, as in the plan; arithmetic folds.
        let ng = try XCTUnwrap(infra.nodeGroups.first)
        XCTAssertEqual(ng.desiredSize.value, 3)
        XCTAssertEqual(ng.maxSize.value, 4)
        XCTAssertEqual(ng.cluster, 0, "cluster_name = aws_eks_cluster.c.name links")
        XCTAssertEqual(cluster.resource.attributes.at(["vpc_config", 0, "subnet_ids"])?.items?.count, 1)
        XCTAssertTrue(cluster.resource.unknownPaths.contains("vpc_config[0].subnet_ids[0]"))
    }

    func testFilesOfOneFolderFormOneModuleWithTfJSON() throws {
        let (infra, _) = try scan([
            "variables.tf": "variable \"hostnames\" {\n  type    = bool\n  default = true\n}\n",
            "vars.tf.json": #"{"variable": {"support": {"default": false}}}"#,
            "main.tf": "resource \"aws_vpc\" \"v\" {\n  enable_dns_hostnames = var.hostnames\n  enable_dns_support = var.support\n}\n",
            "other/main.tf": "resource \"aws_vpc\" \"w\" {\n  enable_dns_hostnames = var.hostnames\n}\n",
        ])
        XCTAssertEqual(infra.vpcs.map(\.resource.address).sorted(), ["aws_vpc.v", "aws_vpc.w"])
        let v = try XCTUnwrap(infra.vpcs.first { $0.resource.address == "aws_vpc.v" })
        XCTAssertEqual(v.enableDnsHostnames.value, true)
        XCTAssertEqual(v.enableDnsSupport.value, false, "a .tf.json variable is seen from a .tf file of the same folder")
        let w = try XCTUnwrap(infra.vpcs.first { $0.resource.address == "aws_vpc.w" })
        XCTAssertEqual(w.enableDnsHostnames.state, .unknown, "another folder is another module: var.hostnames is not declared there")
        XCTAssertNotEqual(v.resource.scope, w.resource.scope)
        XCTAssertEqual(Set(infra.files.compactMap(\.format)), [.terraformHCL, .terraformJSON])
    }

    func testLocalModuleOutputsAreFollowed() throws {
        let (infra, root) = try scan([
            "main.tf": """
            module "vpc" {
              source               = "./modules/vpc"
              enable_dns_hostnames = false
              name                 = "prod"
            }
            module "eks" {
              source     = "terraform-aws-modules/eks/aws"
              subnet_ids = module.vpc.private_subnets
              vpc_id     = module.eks.x
            }
            resource "aws_eks_cluster" "c" {
              name = "c"
              vpc_config {
                subnet_ids = module.vpc.private_subnets
              }
            }
            """,
            "modules/vpc/variables.tf": """
            variable "enable_dns_hostnames" {
              default = true
            }
            variable "name" {}
            variable "create" {
              default = true
            }
            """,
            "modules/vpc/main.tf": """
            resource "aws_vpc" "this" {
              count                = var.create ? 1 : 0
              enable_dns_hostnames = var.enable_dns_hostnames
              tags                 = { Name = var.name }
            }
            resource "aws_subnet" "private" {
              count  = 2
              vpc_id = aws_vpc.this[0].id
            }
            resource "aws_nat_gateway" "unused" {
              count = var.create && false ? 1 : 0
            }
            """,
            "modules/vpc/outputs.tf": """
            output "private_subnets" {
              value = aws_subnet.private[*].id
            }
            """,
        ])
        // The module folder is read once, as part of its caller.
        XCTAssertEqual(infra.vpcs.map(\.resource.address), ["module.vpc.aws_vpc.this"])
        let vpc = infra.vpcs[0]
        XCTAssertEqual(vpc.enableDnsHostnames.value, false, "the call's argument, not the module's default")
        XCTAssertEqual(vpc.enableDnsHostnames.location?.file.path, root + "/modules/vpc/main.tf")
        XCTAssertEqual(vpc.enableDnsHostnames.location?.line, 3)
        XCTAssertEqual(vpc.resource.attributes.at(["tags", "Name"])?.string, "prod")
        XCTAssertEqual(vpc.resource.scope, "tf:\(root)")
        XCTAssertFalse(infra.resources.contains { $0.type == "aws_nat_gateway" }, "count known to be 0: not created")
        let cluster = try XCTUnwrap(infra.clusters.first)
        XCTAssertEqual(cluster.subnets.map { infra.subnets[$0].resource.address }, ["module.vpc.aws_subnet.private"])
        XCTAssertEqual(infra.vpc(of: cluster)?.resource.address, "module.vpc.aws_vpc.this")
        // A registry module is reported once per call, however often its outputs are used.
        let notes = infra.diagnostics.filter { $0.severity == .info && $0.message.contains("module \"eks\"") }
        XCTAssertEqual(notes.count, 1, notes.map(\.message).joined(separator: "\n"))
        XCTAssertTrue(notes[0].message.contains("terraform-aws-modules/eks/aws"))
        XCTAssertEqual(notes[0].location.line, 6)
    }

    func testModuleFolderOutsideTheScanIsReported() throws {
        let (infra, _) = try scan([
            "live/main.tf": "module \"net\" {\n  source = \"../modules/net\"\n}\n",
            "modules/net/main.tf": "resource \"aws_vpc\" \"x\" {}\n",
        ], paths: ["live"])
        XCTAssertTrue(infra.vpcs.isEmpty)
        XCTAssertTrue(infra.diagnostics.contains { $0.severity == .info && $0.message.contains("is not in the scan") })
    }

    func testModulesCallingEachOtherTerminate() throws {
        let (infra, _) = try scan([
            "a/main.tf": "module \"b\" {\n  source = \"../b\"\n}\nresource \"aws_vpc\" \"a\" {}\n",
            "b/main.tf": "module \"a\" {\n  source = \"../a\"\n}\nresource \"aws_vpc\" \"b\" {}\n",
        ])
        XCTAssertFalse(infra.vpcs.isEmpty)
        XCTAssertTrue(infra.diagnostics.contains { $0.message.contains("already being read") })
    }

    func testRepeatedDynamicAndCountedBlocks() throws {
        let text = """
        variable "ports" {
          default = [443, 80]
        }
        resource "aws_security_group" "sg" {
          count  = 1
          vpc_id = aws_vpc.v[count.index].id
          ingress {
            from_port   = 22
            to_port     = 22
            protocol    = "tcp"
            cidr_blocks = ["10.0.0.0/8"]
          }
          ingress {
            from_port = 8080
            to_port   = 8080
            protocol  = "tcp"
          }
          dynamic "egress" {
            for_each = var.ports
            content {
              from_port = egress.value
              to_port   = egress.value
              protocol  = "tcp"
            }
          }
          lifecycle {
            create_before_destroy = true
          }
        }
        resource "aws_security_group" "unknown" {
          dynamic "ingress" {
            for_each = data.aws_prefix_list.x.cidr_blocks
            iterator = rule
            content {
              cidr_blocks = [rule.value]
              from_port   = 443
            }
          }
        }
        resource "aws_vpc" "v" {
          count = 1
        }
        """
        let infra = load(text, path: "m/main.tf")
        let sg = try XCTUnwrap(infra.securityGroups.first { $0.resource.address == "aws_security_group.sg" })
        XCTAssertEqual(sg.resource.attributes["ingress"]?.items?.count, 2)
        XCTAssertEqual(sg.resource.attributes.at(["ingress", 1, "from_port"])?.int, 8080)
        XCTAssertEqual(sg.resource.attributes.at(["egress", 0, "from_port"])?.int, 443, "dynamic block expanded over a known list")
        XCTAssertEqual(sg.resource.attributes.at(["egress", 1, "to_port"])?.int, 80)
        XCTAssertNil(sg.resource.attributes["lifecycle"], "meta-blocks are not attributes")
        XCTAssertNil(sg.resource.attributes["count"])
        XCTAssertEqual(sg.rules.count, 4)
        XCTAssertEqual(sg.vpc.map { infra.vpcs[$0].resource.address }, "aws_vpc.v", "count.index is 0 when count is 1")
        let unknown = try XCTUnwrap(infra.securityGroups.first { $0.resource.address == "aws_security_group.unknown" })
        XCTAssertEqual(unknown.resource.attributes.at(["ingress", 0, "from_port"])?.int, 443, "content kept once")
        XCTAssertTrue(unknown.resource.unknownPaths.contains("ingress"), "the number of blocks is unknown")
        XCTAssertTrue(unknown.resource.unknownPaths.contains("ingress[0].cidr_blocks[0]"))
        XCTAssertEqual(unknown.resource.references.map(\.target), ["data.aws_prefix_list.x"])
        XCTAssertTrue(unknown.rules.contains { $0.hasUnknown })
    }

    func testForEachAndConditionalsAndFunctions() throws {
        let text = """
        variable "create" {
          default = true
        }
        variable "tags" {
          default = { Team = "core" }
        }
        resource "aws_vpc" "a" {
          for_each             = toset(["x", "y"])
          enable_dns_hostnames = var.create ? true : false
          enable_dns_support   = !var.create
          tags                 = merge(var.tags, { Name = "vpc-${each.key}" })
          cidr_block           = var.create ? "10.0.0.0/16" : null
        }
        resource "aws_vpc" "b" {
          for_each = {}
        }
        resource "aws_eks_addon" "guardduty" {
          cluster_name  = "prod"
          addon_name    = lower("AWS-GUARDDUTY-AGENT")
          addon_version = join(".", ["v1", "8", "1-eksbuild", "2"])
          configuration_values = jsonencode({ priorityClassName = "system-node-critical" })
        }
        """
        let infra = load(text, path: "m/main.tf")
        XCTAssertEqual(infra.vpcs.map(\.resource.address), ["aws_vpc.a"], "for_each over an empty map creates nothing")
        let a = infra.vpcs[0]
        XCTAssertEqual(a.enableDnsHostnames.value, true)
        XCTAssertEqual(a.enableDnsSupport.value, false)
        XCTAssertEqual(a.cidr.value, "10.0.0.0/16")
        XCTAssertTrue(a.resource.unknownPaths.contains("tags"), "each.key is unknown, so the merged map is")
        let addon = try XCTUnwrap(infra.addons.first)
        XCTAssertEqual(addon.addonName.value, "aws-guardduty-agent")
        XCTAssertEqual(addon.addonVersion.value, "v1.8.1-eksbuild.2")
        XCTAssertEqual(addon.configurationValues.value, #"{"priorityClassName":"system-node-critical"}"#)
    }

    func testNullAttributeMeansNotSet() throws {
        let infra = load("resource \"aws_vpc\" \"v\" {\n  enable_dns_hostnames = null\n}\n", path: "m/main.tf")
        XCTAssertEqual(infra.vpcs[0].enableDnsHostnames.state, .defaulted)
        XCTAssertEqual(infra.vpcs[0].enableDnsHostnames.value, false)
    }

    func testProviderAliasRegionAndDataSources() throws {
        let text = """
        provider "aws" {
          region = "us-east-1"
        }
        provider "aws" {
          alias  = "west"
          region = "us-west-2"
        }
        data "aws_vpc" "shared" {
          id = "vpc-123"
        }
        resource "aws_subnet" "s" {
          provider = aws.west
          vpc_id   = data.aws_vpc.shared.id
        }
        resource "aws_subnet" "t" {
          vpc_id = data.aws_vpc.shared.id
        }
        """
        let infra = load(text, path: "m/main.tf")
        let s = try XCTUnwrap(infra.resources.first { $0.address == "aws_subnet.s" })
        XCTAssertEqual(s.region, "us-west-2")
        XCTAssertNil(s.attributes["provider"])
        XCTAssertEqual(infra.resources.first { $0.address == "aws_subnet.t" }?.region, "us-east-1")
        XCTAssertEqual(s.references.first?.target, "data.aws_vpc.shared")
        XCTAssertEqual(s.references.first?.attribute, "id")
        XCTAssertTrue(infra.resources.contains { $0.address == "data.aws_vpc.shared" && $0.isDataSource })
    }

    func testCircularLocalsAreUnknownNotAHang() throws {
        let text = "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_vpc\" \"v\" {\n  enable_dns_hostnames = local.a\n}\n"
        let infra = load(text, path: "m/main.tf")
        XCTAssertEqual(infra.vpcs[0].enableDnsHostnames.state, .unknown)
    }

    func testParseErrorIsLocatedAndOtherFilesStillLoad() throws {
        let (infra, root) = try scan([
            "bad.tf": "resource \"aws_vpc\" \"x\" {\n  cidr_block = \"10.0.0.0/16\n}\n",
            "good.tf": "resource \"aws_vpc\" \"y\" {}\n",
            "terragrunt.hcl": "inputs = {}\n",
        ])
        let error = try XCTUnwrap(infra.diagnostics.first { $0.kind == .parseError })
        XCTAssertEqual(error.location.file.path, root + "/bad.tf")
        XCTAssertEqual(error.location.line, 2)
        XCTAssertEqual(error.location.column, 28)
        XCTAssertEqual(infra.vpcs.map(\.resource.address), ["aws_vpc.y"])
        XCTAssertTrue(infra.diagnostics.contains { $0.location.file.path.hasSuffix("terragrunt.hcl") && $0.message.contains("not read") })
    }

    func testTfJSONOnlyFoldersKeepTheJSONLoader() throws {
        let (infra, _) = try scan(["main.tf.json": #"{"resource": {"aws_vpc": {"v": {"enable_dns_hostnames": "${var.x}"}}}, "variable": {"x": {"default": true}}}"#])
        XCTAssertEqual(infra.vpcs.first?.resource.format, .terraformJSON)
        XCTAssertEqual(infra.vpcs.first?.enableDnsHostnames.value, true)
    }

    /// Real modules from ../shared/corpus: terraform-aws-vpc's examples call the module through
    /// `source = "../../"`; the VPC's DNS flags come from the module's variable defaults.
    func testCorpusVPCModuleExamples() throws {
        let vpcRepo = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/terraform-aws-modules__terraform-aws-vpc")
        guard FileManager.default.fileExists(atPath: vpcRepo.path) else { throw XCTSkip("../shared/corpus is absent") }
        let infra = InfrastructureBuilder.build(InputLoader.load(paths: [vpcRepo.path], options: .init(workers: 2)))
        let simple = infra.vpcs.filter { $0.resource.scope.hasSuffix("examples/simple") }
        XCTAssertEqual(simple.map(\.resource.address), ["module.vpc.aws_vpc.this"])
        let vpc = try XCTUnwrap(simple.first)
        XCTAssertEqual(vpc.enableDnsHostnames.value, true)
        XCTAssertTrue(vpc.enableDnsHostnames.location?.file.path.hasSuffix("terraform-aws-vpc/main.tf") == true)
        XCTAssertEqual(vpc.resource.region, "eu-west-1")
        XCTAssertFalse(vpc.subnetIndexes.isEmpty, "subnets link to the VPC inside the module")
        XCTAssertFalse(infra.vpcs.contains { $0.resource.scope == "tf:\(vpcRepo.path)" }, "the module folder itself is not a root")
    }
}

extension HCLLoaderTests {
    /// Mutated configurations that still parse load without crashing (the evaluator meets odd shapes).
    func testMutatedConfigurationsLoad() {
        var state: UInt64 = 11
        func next() -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % 1_000_000)
        }
        let seed = Array((Self.network + "\nmodule \"m\" {\n  source = \"./m\"\n  x = local.name\n}\n").utf8)
        let tokens = Array("\"{}[]()$~<-*.:,=?!#\n 0".utf8)
        var loaded = 0
        for _ in 0..<600 {
            var b = seed
            for _ in 0..<(1 + next() % 3) {
                if next() % 2 == 0 { b.insert(tokens[next() % tokens.count], at: next() % (b.count + 1)) }
                else if !b.isEmpty { b.remove(at: next() % b.count) }
            }
            let result = InputLoader.load(bytes: b, path: "mut/main.tf")
            if !result.resources.isEmpty { loaded += 1 }
            _ = InfrastructureBuilder.build(result)
        }
        XCTAssertGreaterThan(loaded, 50)
    }
}
