import GuardpostDocuments
import GuardpostModel

/// Whether the EKS add-on manager keeps the rights the GuardDuty add-on needs.
///
/// EKS creates ClusterRoleBinding `eks:addon-cluster-admin` (User `eks:addon-manager` -> ClusterRole
/// `cluster-admin`). When it is modified, or `cluster-admin` no longer grants namespaces or priority
/// classes, GuardDuty reports the add-on issue `AccessDenied: ... is forbidden: User "eks:addon-manager"
/// cannot patch resource ...`. RBAC is additive, so nothing else can take these rights away.
public enum RBACCheck {
    public static let bindingName = "eks:addon-cluster-admin"
    public static let addonUser = "eks:addon-manager"
    public static let clusterAdmin = "cluster-admin"

    /// The documented fix (GuardDuty user guide, troubleshooting `AccessDenied`).
    public static let documentedFix = """
        Restore ClusterRoleBinding eks:addon-cluster-admin (kubectl apply -f eks-addon-cluster-admin.yaml):
        kind: ClusterRoleBinding
        apiVersion: rbac.authorization.k8s.io/v1
        metadata:
          name: eks:addon-cluster-admin
        subjects:
        - kind: User
          name: eks:addon-manager
          apiGroup: rbac.authorization.k8s.io
        roleRef:
          kind: ClusterRole
          name: cluster-admin
          apiGroup: rbac.authorization.k8s.io
        """

    /// What the add-on must be able to do, as GuardDuty's messages name it.
    struct Need {
        var group: String
        var resource: String
        var objectName: String
        var qualified: String
    }

    static let needs: [Need] = [
        Need(group: "", resource: "namespaces", objectName: "amazon-guardduty", qualified: "namespaces"),
        Need(group: "scheduling.k8s.io", resource: "priorityclasses", objectName: "aws-guardduty-agent.priorityclass",
             qualified: "priorityclasses.scheduling.k8s.io"),
    ]

    static func accessDenied(_ need: Need) -> String {
        "AccessDenied: \(need.qualified) \"\(need.objectName)\" is forbidden: User \"\(addonUser)\" cannot patch resource \"\(need.resource)\" in API group \"\(need.group)\" at the cluster scope"
    }

    public static func evaluate(objects: [KubernetesObject]) -> [AdmissionDecision] {
        let rbac = objects.filter { $0.group == "rbac.authorization.k8s.io" }
        let clusterRoles = Dictionary(rbac.filter { $0.kind == "ClusterRole" }.map { ($0.name, $0) }, uniquingKeysWith: { _, b in b })
        var out: [AdmissionDecision] = []
        let policy = "ClusterRoleBinding/\(bindingName)"
        func decision(_ outcome: AdmissionOutcome, _ message: String, _ location: Location) -> AdmissionDecision {
            AdmissionDecision(engine: .rbac, policy: policy, outcome: outcome, message: message, location: location, object: "User/\(addonUser)")
        }
        for binding in rbac where binding.kind == "ClusterRoleBinding" && binding.name == bindingName {
            let node = binding.node
            let roleRef = node["roleRef"]
            let roleKind = roleRef?["kind"]?.string ?? ""
            let roleName = roleRef?["name"]?.string ?? ""
            let bindsUser = GatekeeperRego.elements(node["subjects"]).contains {
                $0["kind"]?.string == "User" && $0["name"]?.string == addonUser
            }
            var problems: [(String, Location)] = []
            if !bindsUser {
                problems.append(("it no longer binds User \(addonUser)", node["subjects"]?.location ?? binding.location))
            }
            if roleKind != "ClusterRole" || roleName != clusterAdmin {
                problems.append(("its roleRef is \(roleKind.isEmpty ? "missing" : "\(roleKind) \(roleName)") instead of ClusterRole \(clusterAdmin)",
                                 roleRef?["name"]?.location ?? roleRef?.location ?? binding.location))
            }
            if problems.isEmpty {
                out.append(decision(.pass, "", binding.location))
                continue
            }
            let why = problems.map(\.0).joined(separator: "; ")
            let message = needs.map(accessDenied).joined(separator: "\n")
                + "\nClusterRoleBinding \(bindingName) was modified: \(why).\n" + documentedFix
            out.append(decision(.deny, message, problems[0].1))
        }
        // A cluster-admin that was redefined in the scanned files must still grant the add-on's needs.
        if let admin = clusterRoles[clusterAdmin] {
            let rules = GatekeeperRego.elements(admin.node["rules"])
            let missing = needs.filter { need in !rules.contains { grants($0, need) } }
            if !missing.isEmpty {
                let message = missing.map(accessDenied).joined(separator: "\n")
                    + "\nClusterRole \(clusterAdmin) no longer grants \(missing.map(\.qualified).joined(separator: " and ")) to \(addonUser).\n"
                    + "Restore ClusterRole cluster-admin (apiGroups [\"*\"], resources [\"*\"], verbs [\"*\"]) and " + documentedFix
                out.append(AdmissionDecision(engine: .rbac, policy: "ClusterRole/\(clusterAdmin)", outcome: .deny, message: message,
                                             location: admin.node["rules"]?.location ?? admin.location, object: "User/\(addonUser)"))
            }
        }
        return out
    }

    /// Whether one PolicyRule allows patching (and creating) the needed resource.
    static func grants(_ rule: Node, _ need: Need) -> Bool {
        let groups = GatekeeperRego.strings(rule["apiGroups"])
        let resources = GatekeeperRego.strings(rule["resources"])
        let verbs = GatekeeperRego.strings(rule["verbs"])
        let names = GatekeeperRego.strings(rule["resourceNames"])
        guard groups.contains("*") || groups.contains(need.group) else { return false }
        guard resources.contains("*") || resources.contains(need.resource) else { return false }
        guard verbs.contains("*") || (verbs.contains("patch") && verbs.contains("create")) else { return false }
        return names.isEmpty || names.contains(need.objectName)
    }
}
