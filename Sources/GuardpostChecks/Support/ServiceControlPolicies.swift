import GuardpostDocuments
import GuardpostModel

/// The SCPs in the scan and the clusters they govern.
struct ServiceControlPolicy {
    var index: Int
    var resource: RawResource
    var document: Node
    /// `content` / `Content`.
    var attribute: String
    /// Where the policy text is written.
    var location: Location
    /// Accounts it is attached to (12-digit target ids).
    var accounts: [String]
    /// Targets that are not accounts (OUs, roots) or are only known after apply.
    var unresolvedTargets: [String]
    /// No attachment in the scan at all.
    var unattached: Bool

    struct Affected {
        var cluster: Int
        /// Why this cluster is governed, for messages.
        var why: String
    }

    /// The clusters the SCP governs: those in the accounts it is attached to; every cluster in the scan when its
    /// targets cannot be resolved to accounts (said in `why`).
    func affected(_ context: CheckContext) -> [Affected] {
        let infra = context.infrastructure
        if accounts.isEmpty || !unresolvedTargets.isEmpty {
            let why = unattached ? "no attachment of the policy is in the scan, so it is applied to every cluster in the scan"
                : "its targets \(unresolvedTargets.joined(separator: ", ")) cannot be resolved to accounts, so it is applied to every cluster in the scan"
            return infra.clusters.indices.map { Affected(cluster: $0, why: why) }
        }
        return infra.clusters.indices.compactMap { i in
            guard let account = AccountResolution.clusterAccount(i, context) else {
                return Affected(cluster: i, why: "it is attached to \(accounts.joined(separator: ", ")) and the cluster's account is not known")
            }
            return accounts.contains(account.id) ? Affected(cluster: i, why: "it is attached to account \(account.id), the cluster's") : nil
        }
    }

    static func all(_ context: CheckContext) -> [ServiceControlPolicy] {
        let infra = context.infrastructure
        var out: [ServiceControlPolicy] = []
        for (i, p) in infra.organizationPolicies.enumerated() {
            let raw = p.resource
            let tf = raw.format.isTerraform
            let reader = AttributeReader(raw)
            if let type = reader.string(tf ? ["type"] : ["Type"]).value, type != "SERVICE_CONTROL_POLICY" { continue }
            guard let document = p.document else { continue }
            let attribute = tf ? "content" : "Content"
            var accounts: [String] = []
            var unresolved: [String] = []
            var attached = false
            func add(_ target: Attribute<String>) {
                attached = true
                if let t = target.value { if AccountResolution.isAccountId(t) { accounts.append(t) } else { unresolved.append(t) } }
                else { unresolved.append("(a target only known after apply)") }
            }
            if tf {
                let id = raw.attributes["id"]?.string
                for a in infra.resources where a.type == "aws_organizations_policy_attachment" {
                    let linked = a.scope == raw.scope && a.references(at: ["policy_id"]).contains { $0.target == raw.linkKey }
                    let literal = id != nil && a.attributes["policy_id"]?.string == id
                    if linked || literal { add(AttributeReader(a).string(["target_id"])) }
                }
            } else {
                let targets = reader.raw(["TargetIds"])
                if let items = targets.value?.items {
                    for (j, _) in items.enumerated() { add(reader.string(["TargetIds", .index(j)])) }
                } else if targets.state == .unknown { add(Attribute(state: .unknown, value: nil, name: "TargetIds", location: nil)) }
            }
            let location = reader.raw([.key(attribute)]).location ?? raw.location
            out.append(ServiceControlPolicy(index: i, resource: raw, document: document, attribute: attribute, location: location,
                                            accounts: accounts, unresolvedTargets: unresolved, unattached: !attached))
        }
        return out
    }
}
