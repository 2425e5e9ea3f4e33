import XCTest
import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge
@testable import GuardpostChecks

/// The shared facts the rules GP102-GP118 and the coverage prediction rest on.
final class ClusterFactsTests: XCTestCase {
    func infrastructure(_ plan: String) throws -> Infrastructure {
        let load = InputLoader.load(bytes: Array(plan.utf8), path: "plan.json")
        return InfrastructureBuilder.build(load)
    }

    func testValueLocationFollowsIndexedPaths() throws {
        let infra = try infrastructure(ClusterFixture().plan())
        let feature = infra.features[0]
        let status = feature.additional[0].status
        XCTAssertEqual(status.name, "additional_configuration[0].status")
        let at = try XCTUnwrap(ClusterFacts.valueLocation(of: status, in: feature.resource))
        XCTAssertNotEqual(at, status.location, "the value, not the key")
        XCTAssertEqual(at.line, status.location?.line)
        XCTAssertGreaterThan(at.column, status.location?.column ?? .max)
    }

    func testUnsetInARealPlanIsNotUnknown() throws {
        var unset = ClusterFixture()
        unset.version = nil
        let cluster = try infrastructure(unset.plan()).clusters[0]
        XCTAssertEqual(cluster.version.state, .absent, "not in the configuration: EKS picks its default (the plan's after_unknown does not make it unknown)")
        XCTAssertTrue(ClusterFacts.isUnset(cluster.version, in: cluster.resource))
        let v = ClusterFacts.kubernetesVersion(of: cluster, knowledge: .embedded)
        XCTAssertEqual(v.source, .defaulted)
        XCTAssertEqual(v.version, Knowledge.embedded.defaultEKSVersion)

        let written = try infrastructure(ClusterFixture().plan()).clusters[0]
        XCTAssertFalse(ClusterFacts.isUnset(written.version, in: written.resource))
        XCTAssertEqual(ClusterFacts.kubernetesVersion(of: written, knowledge: .embedded).version, KubernetesVersion("1.33"))
    }

    func testNodePlatform() throws {
        let knowledge = Knowledge.embedded
        let infra = try infrastructure(ClusterFixture().plan())
        var group = infra.nodeGroups[0]
        let k8s = ClusterKubernetesVersion(version: KubernetesVersion("1.31"), source: .written, attribute: .absent("version"))
        let old = AgentDeployment(choice: .pinned(AgentVersion("v1.5.0-eksbuild.1"), "v1.5.0-eksbuild.1"), addon: nil, kubernetes: k8s)
        let newest = AgentDeployment(choice: .automatic(knowledge.newestAgent), addon: nil, kubernetes: k8s)

        XCTAssertEqual(NodePlatform.of(group, deployment: newest, knowledge: knowledge).problems, [])
        XCTAssertEqual(NodePlatform.of(group, deployment: old, knowledge: knowledge).problems,
                       [.al2023(agent: AgentVersion("v1.5.0-eksbuild.1")!, implied: false)])

        group.instanceTypes = Attribute(state: .known, value: ["A1.large", "a1.xlarge"], name: "instance_types", location: nil)
        let a1 = NodePlatform.of(group, deployment: newest, knowledge: knowledge)
        XCTAssertEqual(a1.problems, [.unsupportedInstances(["A1.large", "a1.xlarge"], all: true)])
        XCTAssertTrue(a1.isUnsupported)

        group.instanceTypes = Attribute(state: .known, value: ["a1.large", "m6g.large"], name: "instance_types", location: nil)
        XCTAssertFalse(NodePlatform.of(group, deployment: newest, knowledge: knowledge).isUnsupported, "m6g nodes are covered")

        // No ami_type: EKS's default (AL2023 from 1.30) — unless a launch template may bring a custom AMI.
        group.instanceTypes = .absent("instance_types")
        group.amiType = .absent("ami_type")
        XCTAssertEqual(NodePlatform.of(group, deployment: old, knowledge: knowledge).problems,
                       [.al2023(agent: AgentVersion("v1.5.0-eksbuild.1")!, implied: true)])
        group.launchTemplate = Attribute(state: .known, value: Node(.mapping([]), location: group.resource.location), name: "launch_template", location: nil)
        XCTAssertEqual(NodePlatform.of(group, deployment: old, knowledge: knowledge).problems, [])

        group.amiType = Attribute(state: .known, value: "WINDOWS_CORE_2022_x86_64", name: "ami_type", location: nil)
        XCTAssertTrue(NodePlatform.of(group, deployment: newest, knowledge: knowledge).isUnsupported)
        group.amiType = Attribute(state: .known, value: "CUSTOM", name: "ami_type", location: nil)
        let custom = NodePlatform.of(group, deployment: newest, knowledge: knowledge)
        XCTAssertEqual(custom.problems, [.customAMI])
        XCTAssertFalse(custom.isUnsupported, "a custom AMI may be supported")
    }
}
