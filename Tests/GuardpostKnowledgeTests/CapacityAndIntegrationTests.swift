import XCTest
@testable import GuardpostKnowledge

final class CapacityAndIntegrationTests: XCTestCase {
    let k = Knowledge.embedded

    func testQuantities() {
        XCTAssertEqual(ResourceQuantity.cpuMillicores("200m"), 200)
        XCTAssertEqual(ResourceQuantity.cpuMillicores("1"), 1000)
        XCTAssertEqual(ResourceQuantity.cpuMillicores("0.5"), 500)
        XCTAssertEqual(ResourceQuantity.memoryMiB("256Mi"), 256)
        XCTAssertEqual(ResourceQuantity.memoryMiB("1Gi"), 1024)
        XCTAssertEqual(ResourceQuantity.memoryMiB("1048576"), 1)
        XCTAssertEqual(try XCTUnwrap(ResourceQuantity.memoryMiB("512M")), 488.28125, accuracy: 0.001)
        for bad in ["", "m", "-1", "1x", "Mi", "abc"] {
            XCTAssertNil(ResourceQuantity.cpuMillicores(bad), bad)
            XCTAssertNil(ResourceQuantity.memoryMiB(bad), bad)
        }
    }

    func testAllocatableFollowsTheEKSFormula() throws {
        let nano = try XCTUnwrap(k.instanceType("t3.nano"))
        XCTAssertEqual(nano.maxPods, 4)
        let a = k.allocatable(nano)
        XCTAssertEqual(a.memoryMiB, 512 - (11 * 4 + 255) - 100)
        XCTAssertEqual(a.cpuMillicores, 2000 - 60 - 10)
        let xl = k.allocatable(try XCTUnwrap(k.instanceType("t3.xlarge")))
        XCTAssertEqual(xl.cpuMillicores, 4000 - 60 - 10 - 10, "6% + 1% + 2 x 0.5% of 1000m")
        XCTAssertNil(k.instanceType("x9.tiny"))
        XCTAssertEqual(k.systemPods.filter { $0.replicas == 0 }.map(\.name), ["aws-node", "kube-proxy"])
        XCTAssertEqual(k.systemPods.first { $0.name == "coredns" }?.replicas, 2)
    }

    func testEndpointServiceNames() {
        XCTAssertEqual(k.endpointServiceNames(region: "eu-west-1"), ["com.amazonaws.eu-west-1.guardduty-data", "com.amazonaws.eu-west-1.guardduty-data-fips"])
        XCTAssertEqual(k.endpointServiceRegion("com.amazonaws.us-west-2.guardduty-data"), "us-west-2")
        XCTAssertEqual(k.endpointServiceRegion("com.amazonaws.us-gov-west-1.guardduty-data-fips"), "us-gov-west-1")
        XCTAssertNil(k.endpointServiceRegion("com.amazonaws.us-west-2.s3"))
        XCTAssertNil(k.endpointServiceRegion("com.amazonaws..guardduty-data"))
        XCTAssertEqual(k.telemetryAction, "guardduty:SendSecurityTelemetry")
        XCTAssertEqual(k.automationCalls.actions, ["ec2:CreateVpcEndpoint", "eks:CreateAddon"])
        XCTAssertEqual(k.automationCalls.tagKey, "GuardDutyManaged")
        XCTAssertTrue(k.scpExemptions.serviceLinkedRoles)
    }

    func testNewAssumptionsAreListed() {
        for id in ["node-allocatable-estimate", "eks-system-pods", "guardduty-slr-scp", "shared-vpc-participant", "addon-configuration-schema"] {
            XCTAssertNotNil(k.assumption(id: id), id)
        }
        let text = k.describe()
        XCTAssertTrue(text.contains("t3.nano     2 vCPU 512 MiB   4 pods   allocatable 1930m, 113 MiB"))
        XCTAssertTrue(text.contains("[ASSUMPTION guardduty-slr-scp]"))
    }

    func testOverrideOfInstanceTypes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gp-it-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let changed = try XCTUnwrap(Knowledge.embeddedFiles["instance-types.json"])
            .replacingOccurrences(of: #"{ "name": "t2.nano", "vcpu": 1, "memoryMiB": 512, "maxPods": 4 },"#,
                                  with: #"{ "name": "t2.nano", "vcpu": 1, "memoryMiB": 512, "maxPods": 4 },"# + "\n    " + #"{ "name": "z1.tiny", "vcpu": 1, "memoryMiB": 256, "maxPods": 2 },"#)
        try changed.write(toFile: dir + "/instance-types.json", atomically: true, encoding: .utf8)
        XCTAssertEqual(try Knowledge.load(directory: dir).instanceType("z1.tiny")?.memoryMiB, 256)
        try changed.replacingOccurrences(of: #""maxPods": 2 }"#, with: #""maxPods": 0 }"#).write(toFile: dir + "/instance-types.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Knowledge.load(directory: dir)) { XCTAssertTrue("\($0)".contains("z1.tiny")) }
    }
}
