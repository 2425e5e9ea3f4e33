import GuardpostDocuments
import GuardpostModel
import XCTest
@testable import GuardpostAdmission

final class RBACCheckTests: XCTestCase {
    static func binding(subject: String = "eks:addon-manager", role: String = "cluster-admin") -> String {
        """
        kind: ClusterRoleBinding
        apiVersion: rbac.authorization.k8s.io/v1
        metadata:
          name: eks:addon-cluster-admin
        subjects:
        - kind: User
          name: \(subject)
          apiGroup: rbac.authorization.k8s.io
        roleRef:
          kind: ClusterRole
          name: \(role)
          apiGroup: rbac.authorization.k8s.io
        """
    }

    func testIntactBindingPasses() throws {
        let d = RBACCheck.evaluate(objects: try GatekeeperEngineTests.objects(Self.binding(), file: "rbac.yaml"))
        XCTAssertEqual(d.map(\.outcome), [.pass])
    }

    func testModifiedBindingIsAccessDeniedWithTheDocumentedFix() throws {
        let d = RBACCheck.evaluate(objects: try GatekeeperEngineTests.objects(Self.binding(role: "view"), file: "rbac.yaml"))
        XCTAssertEqual(d.map(\.outcome), [.deny])
        XCTAssertEqual(d[0].engine, .rbac)
        XCTAssertEqual(d[0].policy, "ClusterRoleBinding/eks:addon-cluster-admin")
        XCTAssertTrue(d[0].message.contains("AccessDenied: priorityclasses.scheduling.k8s.io \"aws-guardduty-agent.priorityclass\" is forbidden: User \"eks:addon-manager\" cannot patch resource \"priorityclasses\" in API group \"scheduling.k8s.io\" at the cluster scope"))
        XCTAssertTrue(d[0].message.contains("AccessDenied: namespaces \"amazon-guardduty\" is forbidden"))
        XCTAssertTrue(d[0].message.contains("roleRef:\n  kind: ClusterRole\n  name: cluster-admin"))
        XCTAssertEqual(d[0].location.line, 11) // roleRef.name
        let wrongUser = RBACCheck.evaluate(objects: try GatekeeperEngineTests.objects(Self.binding(subject: "someone"), file: "rbac.yaml"))
        XCTAssertEqual(wrongUser.map(\.outcome), [.deny])
    }

    func testClusterAdminThatLostNamespacesOrPriorityClasses() throws {
        let role = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: cluster-admin
            rules:
            - apiGroups: [""]
              resources: ["*"]
              verbs: ["*"]
            """
        let d = RBACCheck.evaluate(objects: try GatekeeperEngineTests.objects(Self.binding() + "\n---\n" + role))
        XCTAssertEqual(d.map(\.outcome), [.pass, .deny])
        XCTAssertEqual(d[1].policy, "ClusterRole/cluster-admin")
        XCTAssertTrue(d[1].message.contains("priorityclasses"))
        XCTAssertFalse(d[1].message.contains("namespaces \"amazon-guardduty\""))
        let full = role.replacingOccurrences(of: "apiGroups: [\"\"]", with: "apiGroups: [\"*\"]")
        XCTAssertEqual(RBACCheck.evaluate(objects: try GatekeeperEngineTests.objects(Self.binding() + "\n---\n" + full)).map(\.outcome), [.pass])
    }
}
