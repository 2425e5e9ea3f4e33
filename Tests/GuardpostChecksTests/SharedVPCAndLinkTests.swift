import XCTest
import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge
@testable import GuardpostChecks

/// The links the shared-VPC and endpoint rules rest on: RAM associations, subnets named by id in another input,
/// security-group sources read from the VPC, plan `before` values; and who is owner and participant.
final class SharedVPCAndLinkTests: XCTestCase {
    func context(_ files: [(String, String)]) throws -> CheckContext {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gp-links-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        var accounts = AccountContext()
        var paths: [String] = []
        for (name, content) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
            if name == AccountContextLoader.fileName { accounts = try AccountContextLoader.load(path: url.path) } else { paths.append(url.path) }
        }
        let infra = InfrastructureBuilder.build(InputLoader.load(paths: paths, options: .init(workers: 1, region: accounts.defaultRegion)))
        return CheckContext(infrastructure: infra, knowledge: .embedded, accounts: accounts)
    }

    func testRAMAssociationsAndSubnetIdsLinkAcrossPlans() throws {
        let c = try context([SharedVPCFixture.config(ownerPath: "owner", participantPath: "participant"),
                             ("owner/plan.json", SharedVPCFixture.ownerPlan()), ("participant/plan.json", SharedVPCFixture.participantPlan())])
        let infra = c.infrastructure
        XCTAssertEqual(infra.resourceShares.count, 1)
        let share = infra.resourceShares[0]
        XCTAssertEqual(share.principals, ["444455556666"])
        XCTAssertEqual(share.sharedSubnetIndexes.map { infra.subnets[$0].resource.address }, ["aws_subnet.a"])
        XCTAssertEqual(Set(share.associationAddresses), ["aws_ram_resource_association.a", "aws_ram_principal_association.apps"])
        let cluster = try XCTUnwrap(infra.clusters.first)
        XCTAssertEqual(cluster.literalSubnetIds, ["subnet-0aaa1111"])
        XCTAssertEqual(cluster.vpc.map { infra.vpcs[$0].resource.address }, "aws_vpc.shared", "linked by subnet id across plans")

        let use = try XCTUnwrap(SharedVPC.use(of: 0, c))
        XCTAssertEqual(use.ownerAccount, "111122223333")
        XCTAssertEqual(use.participantAccount, "444455556666")
        XCTAssertFalse(use.participantInferred)
        XCTAssertEqual(use.vpcIdForIssue, "vpc-0123")
        let owner = AccountResolution.settings(account: use.ownerAccount, scope: nil, region: "us-east-1", context: c)
        XCTAssertEqual(owner.runtimeMonitoring.toggle, .enabled)
        XCTAssertEqual(owner.automatedAgent.toggle, .disabled)
    }

    func testParticipantInferredFromTheSharePrincipal() throws {
        // No account mapping and no role ARN on the cluster: the share's principal is taken as the cluster's account.
        let c = try context([ManualClusterFixture.regionConfig, ("t.yaml", """
        Resources:
          Share:
            Type: AWS::RAM::ResourceShare
            Properties:
              Name: s
              ResourceArns: [arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0aaa1111]
              Principals: ["444455556666"]
          Cluster:
            Type: AWS::EKS::Cluster
            Properties:
              Name: apps
              RoleArn: !GetAtt Role.Arn
              ResourcesVpcConfig:
                SubnetIds: [subnet-0aaa1111]
          Role:
            Type: AWS::IAM::Role
            Properties: {AssumeRolePolicyDocument: {}}
        """)])
        let use = try XCTUnwrap(SharedVPC.use(of: 0, c))
        XCTAssertEqual(use.ownerAccount, "111122223333")
        XCTAssertEqual(use.participantAccount, "444455556666")
        XCTAssertTrue(use.participantInferred)
        XCTAssertEqual(use.vpcIdForIssue, "{vpcId}")
        XCTAssertEqual(c.infrastructure.resourceShares[0].sharedResourceARNs, ["arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0aaa1111"])
    }

    func testOwnersOwnClusterIsNotShared() throws {
        let config = (".guardpost.yml", "region: us-east-1\naccounts:\n  - id: \"111122223333\"\n    paths: [owner]\n")
        let owner = SharedVPCFixture.ownerPlan()
        let cluster = ExamplePlan.json([.init("aws_eks_cluster.own", "aws_eks_cluster", values: #"{"name":"own","vpc_config":[{"subnet_ids":["subnet-0aaa1111"]}]}"#)])
        let c = try context([config, ("owner/plan.json", owner), ("owner/eks.json", cluster)])
        XCTAssertNil(SharedVPC.use(of: 0, c))
    }

    func testSecurityGroupSourcesAndPlanBefore() throws {
        let c = try context([("main.tf.json", ManualClusterFixture.tfJSON(ManualClusterFixture.options { $0.ingressCIDR = nil }))])
        let group = try XCTUnwrap(c.infrastructure.securityGroups.first)
        XCTAssertEqual(group.rules.filter { $0.direction == "ingress" }.flatMap(\.sourceReferences).map { "\($0.target).\($0.attribute ?? "")" },
                       ["aws_vpc.main.cidr_block"])
        let plan = ExamplePlan.json([.init("aws_guardduty_detector_feature.f", "aws_guardduty_detector_feature",
                                           values: #"{"name":"RUNTIME_MONITORING","status":"DISABLED"}"#, action: "update")])
        let p = try context([("plan.json", plan)])
        XCTAssertEqual(p.infrastructure.features.first?.resource.before?["status"]?.string, "DISABLED")
        XCTAssertEqual(p.infrastructure.features.first?.resource.action, .update)
    }

    func testAccountHelpers() {
        XCTAssertEqual(AccountResolution.account(inARN: "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-1"), "111122223333")
        XCTAssertNil(AccountResolution.account(inARN: "arn:aws:s3:::bucket"))
        XCTAssertEqual(AccountResolution.accountId(principal: "arn:aws:iam::444455556666:root"), "444455556666")
        XCTAssertNil(AccountResolution.accountId(principal: "arn:aws:organizations::111122223333:organization/o-abc"))
        XCTAssertEqual(SharedVPC.subnetId(inARN: "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0abc"), "subnet-0abc")
        XCTAssertNil(SharedVPC.subnetId(inARN: "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1"))
    }
}
