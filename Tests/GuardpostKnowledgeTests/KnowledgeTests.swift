import Foundation
import XCTest
import GuardpostDocuments
@testable import GuardpostKnowledge

final class KnowledgeTests: XCTestCase {
    let k = Knowledge.embedded

    func testAgentVersionParsingAndOrder() throws {
        let a = try XCTUnwrap(AgentVersion("v1.16.0-eksbuild.2"))
        XCTAssertEqual(a, AgentVersion(major: 1, minor: 16, patch: 0, build: 2))
        XCTAssertEqual(AgentVersion("1.16.0"), AgentVersion(major: 1, minor: 16, patch: 0))
        XCTAssertEqual(AgentVersion("1.11.0.eks.build.2"), AgentVersion("v1.11.0-eksbuild.2"))
        XCTAssertEqual(AgentVersion("1.8.1-eks-build.1"), AgentVersion("v1.8.1-eksbuild.1"))
        XCTAssertNil(AgentVersion("v1.16"))
        XCTAssertNil(AgentVersion("latest"))
        XCTAssertEqual(a.description, "v1.16.0-eksbuild.2")
        XCTAssertLessThan(AgentVersion("v1.9.0")!, AgentVersion("v1.10.0")!)
        XCTAssertLessThan(AgentVersion("v1.12.1-eksbuild.2")!, AgentVersion("v1.12.1-eksbuild.3")!)
        XCTAssertLessThan(AgentVersion("v1.12.1")!, AgentVersion("v1.12.1-eksbuild.1")!)
    }

    func testTerraformAddonVersionRegex() {
        for ok in ["v1.2.3", "v1.16.0-eksbuild.2", "v0.0.0", "v1.2.3-rc.1+build.5", "v1.2.3-0a", "v10.20.30+meta"] {
            XCTAssertTrue(AgentVersion.isValidAddonVersion(ok), ok)
        }
        for bad in ["1.2.3", "v1.2", "v01.2.3", "v1.2.3-", "v1.2.3-01", "v1.2.3+", "v1.2.3-a..b", "V1.2.3", "", "v1.2.3 ", "latest"] {
            XCTAssertFalse(AgentVersion.isValidAddonVersion(bad), bad)
        }
    }

    func testKubernetesVersion() {
        XCTAssertEqual(KubernetesVersion("1.30"), KubernetesVersion(major: 1, minor: 30))
        XCTAssertEqual(KubernetesVersion("v1.30.4"), KubernetesVersion(major: 1, minor: 30))
        XCTAssertLessThan(KubernetesVersion("1.9")!, KubernetesVersion("1.28")!)
        XCTAssertNil(KubernetesVersion("1"))
        XCTAssertNil(KubernetesVersion("1.x"))
        XCTAssertEqual(KubernetesVersion("1.30")?.description, "1.30")
    }

    func testAgentKubernetesTable() throws {
        let r = try XCTUnwrap(k.supportedKubernetes(agent: AgentVersion("v1.11.0")!))
        XCTAssertEqual(r.min, KubernetesVersion("1.28"))
        XCTAssertEqual(r.max, KubernetesVersion("1.34"))
        let r2 = try XCTUnwrap(k.supportedKubernetes(agent: AgentVersion("v1.10.0-eksbuild.1")!))
        XCTAssertEqual(r2.min, KubernetesVersion("1.21"))
        XCTAssertEqual(r2.max, KubernetesVersion("1.33"))
        XCTAssertNil(k.supportedKubernetes(agent: AgentVersion("v1.13.0")!))
        XCTAssertEqual(k.newestAgent.description, "v1.16.0-eksbuild.2")
        XCTAssertEqual(k.latestBuild(of: AgentVersion("v1.12.1")!)?.description, "v1.12.1-eksbuild.4")
        XCTAssertEqual(k.agentsSupporting(kubernetes: KubernetesVersion("1.36")!).map(\.description),
                       ["v1.16.0-eksbuild.2", "v1.15.0-eksbuild.2", "v1.12.2-eksbuild.2"])
        XCTAssertEqual(k.agentsSupporting(kubernetes: KubernetesVersion("1.27")!).first?.description, "v1.10.0-eksbuild.2")
        XCTAssertTrue(k.agentsSupporting(kubernetes: KubernetesVersion("1.37")!).isEmpty)
        XCTAssertEqual(k.addonName, "aws-guardduty-agent")
    }

    func testEKSCalendar() throws {
        let e = try XCTUnwrap(k.eksVersion(KubernetesVersion("1.31")!))
        XCTAssertEqual(e.eksRelease, "2024-09-26")
        XCTAssertEqual(e.endOfExtendedSupport, "2026-11-26")
        XCTAssertNil(e.assumptionId)
        XCTAssertEqual(k.eksVersion(KubernetesVersion("1.35")!)?.assumptionId, "eks-1.35-dates")
        XCTAssertEqual(k.eksVersion(KubernetesVersion("1.36")!)?.assumptionId, "eks-1.36-dates")
        XCTAssertEqual(k.defaultEKSVersion, KubernetesVersion("1.36"))
        XCTAssertNotNil(k.assumption(id: "eks-default-version"))
        XCTAssertEqual(k.eksVersions.first?.version, KubernetesVersion("1.36"))
    }

    func testRegistriesAndImage() {
        XCTAssertEqual(k.registries(region: "us-east-1"),
                       ["602401143452.dkr.ecr.us-east-1.amazonaws.com", "031903291036.dkr.ecr.us-east-1.amazonaws.com"])
        XCTAssertEqual(k.registries(region: "ca-west-1"), ["761377655185.dkr.ecr.ca-west-1.amazonaws.com"])
        XCTAssertEqual(k.registries(region: "mars-north-1"), [])
        XCTAssertEqual(k.registries(region: "us-east-1", agentVersion: AgentVersion("v1.8.1-eksbuild.1")!),
                       ["031903291036.dkr.ecr.us-east-1.amazonaws.com"])
        XCTAssertEqual(k.registries(region: "us-west-2", agentVersion: AgentVersion("v1.1.0")!),
                       ["039403964562.dkr.ecr.us-west-2.amazonaws.com"])
        XCTAssertEqual(k.registrySetID(agentVersion: AgentVersion("v1.8.1-eksbuild.2")!), "eks-build-2")
        XCTAssertEqual(k.regions.count, 33)
        XCTAssertEqual(k.agentImage(region: "us-east-1", version: "v1.16.0-eksbuild.2"),
                       "602401143452.dkr.ecr.us-east-1.amazonaws.com/aws-guardduty-agent:v1.16.0")
        XCTAssertNil(k.agentImage(region: "mars-north-1", version: "v1.16.0-eksbuild.2"))
        XCTAssertEqual(k.allRegistries(region: "us-east-1").count, 2)
    }

    func testResources() {
        let r = k.agentResources
        XCTAssertEqual([r.requestsCPU, r.requestsMemory, r.limitsCPU, r.limitsMemory], ["200m", "256Mi", "1", "1Gi"])
        XCTAssertEqual(r.disableCpuLimitsMinimumAgent.description, "v1.12.1-eksbuild.3")
        XCTAssertEqual(r.configurationValuesMinimumAgent.description, "v1.5.0")
        XCTAssertEqual(r.al2023MinimumAgent.description, "v1.6.0")
        XCTAssertEqual(r.bottlerocketMinimumKubernetes.description, "1.23")
        XCTAssertEqual(r.dnsPolicyValues, ["ClusterFirst", "ClusterFirstWithHostNet", "Default"])
        XCTAssertEqual(r.verifiedOS(amiType: "AL2023_x86_64_STANDARD"), "Amazon Linux 2023")
        XCTAssertEqual(r.verifiedOS(amiType: "AL2_ARM_64"), "Amazon Linux 2")
        XCTAssertEqual(r.verifiedOS(amiType: "BOTTLEROCKET_x86_64"), "Bottlerocket")
        XCTAssertNil(r.verifiedOS(amiType: "WINDOWS_CORE_2022_x86_64"))
    }

    func testAgentObjects() throws {
        let objects = k.agentObjects(region: "eu-west-1", agentVersion: "v1.16.0-eksbuild.2")
        XCTAssertEqual(objects.map { $0["kind"]?.string ?? "" }, ["Namespace", "ServiceAccount", "PriorityClass", "DaemonSet"])
        XCTAssertEqual(objects[0]["metadata"]?["name"]?.string, "amazon-guardduty")
        XCTAssertEqual(objects[2]["metadata"]?["name"]?.string, "aws-guardduty-agent.priorityclass")
        let ds = objects[3]
        XCTAssertEqual(ds["metadata"]?["name"]?.string, "aws-guardduty-agent")
        XCTAssertEqual(ds["metadata"]?["namespace"]?.string, "amazon-guardduty")
        let container = try XCTUnwrap(ds.at(["spec", "template", "spec", "containers", 0]))
        XCTAssertEqual(container["name"]?.string, "aws-guardduty-agent")
        XCTAssertEqual(container["image"]?.string, "602401143452.dkr.ecr.eu-west-1.amazonaws.com/aws-guardduty-agent:v1.16.0")
        XCTAssertEqual(container.at(["securityContext", "capabilities", "add"])?.items?.compactMap(\.string), ["SYS_PTRACE", "SYS_ADMIN"])
        XCTAssertEqual(k.agentRequestUser, "eks:addon-manager")

        let json = k.agentObjectsJSON(region: "eu-west-1", agentVersion: "v1.16.0-eksbuild.2")
        XCTAssertTrue(json.hasPrefix("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": ["))
        XCTAssertFalse(json.contains("{{"))
        XCTAssertEqual(json, k.agentObjectsJSON(region: "eu-west-1", agentVersion: "v1.16.0-eksbuild.2"))
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        XCTAssertEqual((parsed?["items"] as? [Any])?.count, 4)
        XCTAssertTrue(k.agentObjectsJSON(region: "mars-north-1", agentVersion: "v1.16.0").contains("{{registry}}/aws-guardduty-agent:v1.16.0"))
    }

    func testAssumptionsAndDescribe() {
        let ids = k.assumptions.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count)
        for id in ["agent-repository-path", "registries-1.6-1.7-and-1.16", "eks-default-version", "eks-1.35-dates", "eks-1.36-dates",
                   "agent-resource-bounds", "objects-unconfirmed-fields", "objects-hostpath-list"] {
            XCTAssertNotNil(k.assumption(id: id), id)
        }
        let text = k.describe()
        XCTAssertTrue(text.contains("data checked up to 2026-11-28"))
        XCTAssertTrue(text.contains("newest agent: v1.16.0-eksbuild.2"))
        XCTAssertTrue(text.contains("[ASSUMPTION eks-1.36-dates]"))
        XCTAssertTrue(text.contains("us-east-1       602401143452.dkr.ecr.us-east-1.amazonaws.com, 031903291036.dkr.ecr.us-east-1.amazonaws.com"))
        XCTAssertTrue(text.contains("DaemonSet/amazon-guardduty/aws-guardduty-agent"))
    }

    // MARK: Overrides

    private func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("guardpost-knowledge-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func testOverrideDirectoryReplacesOneFile() throws {
        let dir = try tempDir()
        let original = try XCTUnwrap(Knowledge.embeddedFiles["agent-versions.json"])
        let changed = original
            .replacingOccurrences(of: "\"version\": \"v1.16.0-eksbuild.2\"", with: "\"version\": \"v1.17.0-eksbuild.1\"")
            .replacingOccurrences(of: "{ \"version\": \"v1.16.0\", \"latestBuild\": \"v1.16.0-eksbuild.2\"",
                                  with: "{ \"version\": \"v1.17.0\", \"latestBuild\": \"v1.17.0-eksbuild.1\", \"kubernetesMin\": \"1.30\", \"kubernetesMax\": \"1.37\" },\n    { \"version\": \"v1.16.0\", \"latestBuild\": \"v1.16.0-eksbuild.2\"")
        try changed.write(toFile: dir + "/agent-versions.json", atomically: true, encoding: .utf8)
        let o = try Knowledge.load(directory: dir)
        XCTAssertEqual(o.newestAgent.description, "v1.17.0-eksbuild.1")
        XCTAssertEqual(o.supportedKubernetes(agent: AgentVersion("v1.17.0")!)?.max, KubernetesVersion("1.37"))
        XCTAssertEqual(o.registries(region: "us-east-1").count, 2, "other files fall back to the embedded copy")
        XCTAssertEqual(o.origins.keys.sorted(), ["agent-versions.json"])
        XCTAssertTrue(o.describe().contains("override"))
        // An empty directory is the embedded data.
        XCTAssertEqual(try Knowledge.load(directory: try tempDir()).describe(), k.describe())
    }

    func testMalformedOverrideNamesFileAndProblem() throws {
        let dir = try tempDir()
        try "{\n  \"topic\": \"eks-versions\",\n  \"versions\": [1, }\n".write(toFile: dir + "/eks-versions.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Knowledge.load(directory: dir)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("eks-versions.json"), text)
            XCTAssertTrue(text.contains("line 3"), text)
        }
        let dir2 = try tempDir()
        let original = try XCTUnwrap(Knowledge.embeddedFiles["agent-resources.json"])
        try original.replacingOccurrences(of: "\"minimumAgent\": \"v1.12.1-eksbuild.3\"", with: "\"minimumAgent\": \"soon\"")
            .write(toFile: dir2 + "/agent-resources.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Knowledge.load(directory: dir2)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("agent-resources.json") && text.contains("disableCpuLimits.minimumAgent") && text.contains("soon"), text)
        }
        let dir3 = try tempDir()
        try "{\"topic\": \"agent-objects\"}".write(toFile: dir3 + "/agent-objects.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Knowledge.load(directory: dir3)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("agent-objects.json") && text.contains("missing"), text)
        }
        let dir4 = try tempDir()
        try "{}".write(toFile: dir4 + "/agent-version.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Knowledge.load(directory: dir4)) { error in
            XCTAssertTrue("\(error)".contains("unknown policies file"), "\(error)")
        }
        XCTAssertThrowsError(try Knowledge.load(directory: dir4 + "/nope"))
    }
}
