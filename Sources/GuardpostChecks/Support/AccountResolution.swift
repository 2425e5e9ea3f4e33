import GuardpostDocuments
import GuardpostModel

/// Which account an input, a cluster or an ARN belongs to, and the GuardDuty settings of any account:
/// what the rules about shared VPCs, endpoint policies and SCPs need beyond `ClusterContext`.
enum AccountResolution {
    /// The account in an ARN (`arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0abc` -> `111122223333`).
    static func account(inARN arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "arn" else { return nil }
        let id = String(parts[4])
        return isAccountId(id) ? id : nil
    }

    static func isAccountId(_ s: String) -> Bool { s.count == 12 && s.allSatisfy { $0.isASCII && $0.isNumber } }

    /// An account id written as itself or as an account ARN (`arn:aws:iam::111122223333:root`).
    static func accountId(principal: String) -> String? {
        if isAccountId(principal) { return principal }
        if principal.hasPrefix("arn:"), principal.hasSuffix(":root") { return account(inARN: principal) }
        return nil
    }

    /// The account of an input file: its `paths` entry in `.guardpost.yml` (explicit), or the one account declared
    /// without paths (which describes everything scanned).
    static func account(ofPath path: String, _ accounts: AccountContext) -> (id: String, explicit: Bool)? {
        if let a = accounts.account(forPath: path) { return (a.id, true) }
        if accounts.accounts.count == 1, accounts.accounts[0].paths.isEmpty { return (accounts.accounts[0].id, false) }
        return nil
    }

    struct ClusterAccount {
        var id: String
        /// How it is known, for messages ("declared in .guardpost.yml").
        var how: String
        /// False when only the single declared account (without paths) says so.
        var explicit: Bool
    }

    /// The cluster's account: by path in `.guardpost.yml`, the account of its IAM role ARN, or the single declared account.
    static func clusterAccount(_ index: Int, _ context: CheckContext) -> ClusterAccount? {
        let cluster = context.infrastructure.clusters[index]
        let mapped = account(ofPath: cluster.resource.location.file.path, context.accounts)
        if let mapped, mapped.explicit { return ClusterAccount(id: mapped.id, how: "its file is mapped to it in \(AccountContextLoader.fileName)", explicit: true) }
        let path: [PathComponent] = cluster.resource.format.isTerraform ? ["role_arn"] : ["RoleArn"]
        if let arn = AttributeReader(cluster.resource).string(path).value, let id = account(inARN: arn) {
            return ClusterAccount(id: id, how: "the account of its role \(arn)", explicit: true)
        }
        if let mapped { return ClusterAccount(id: mapped.id, how: "the only account in \(AccountContextLoader.fileName)", explicit: false) }
        return nil
    }

    /// The IAM roles of the cluster's nodes (its node groups' `node_role_arn` / `NodeRole`), when written: the agent
    /// calls GuardDuty with these credentials.
    static func nodeRoleARNs(_ index: Int, _ context: CheckContext) -> [String] {
        let infra = context.infrastructure
        var out: [String] = []
        for g in infra.clusters[index].nodeGroups {
            let raw = infra.nodeGroups[g].resource
            if let arn = AttributeReader(raw).string(raw.format.isTerraform ? ["node_role_arn"] : ["NodeRole"]).value,
               arn.hasPrefix("arn:"), !out.contains(arn) { out.append(arn) }
        }
        return out
    }

    /// The requests the agent of cluster `index` makes for `action`: one per node role (aws:PrincipalArn), with the
    /// account, organization and region when known.
    static func agentRequests(action: String, cluster index: Int, region: String?, context: CheckContext) -> [PolicyRequest] {
        let account = clusterAccount(index, context)
        var known: [String: [String]] = [:]
        if let account { known["aws:PrincipalAccount"] = [account.id] }
        if let org = organization(of: account?.id, context.accounts) { known["aws:PrincipalOrgID"] = [org] }
        if let region { known["aws:RequestedRegion"] = [region] }
        let roles = nodeRoleARNs(index, context)
        if roles.isEmpty { return [PolicyRequest(action: action, known: known, absent: ["aws:PrincipalServiceName"], principalAccount: account?.id)] }
        return roles.map { role in
            var k = known
            k["aws:PrincipalArn"] = [role]
            return PolicyRequest(action: action, known: k, absent: ["aws:PrincipalServiceName"], principalAccount: account?.id ?? AccountResolution.account(inARN: role))
        }
    }

    /// The organization id declared for an account in `.guardpost.yml`.
    static func organization(of account: String?, _ accounts: AccountContext) -> String? {
        guard let account else { return accounts.accounts.count == 1 ? accounts.accounts[0].organization : nil }
        return accounts.accounts.first { $0.id == account }?.organization
    }

    struct Settings {
        var runtimeMonitoring: SettingSource
        var automatedAgent: SettingSource
    }

    /// The GuardDuty settings of `account` in `region`. Features in the scan count when their file is mapped to the
    /// account in `.guardpost.yml`, or, when it is not mapped, when they are in `scope` (the same plan, template or
    /// Terraform folder). Otherwise what `.guardpost.yml` declares for the account.
    static func settings(account: String?, scope: String?, region: String?, context: CheckContext) -> Settings {
        let infra = context.infrastructure
        var applicable: [Int] = []
        for (i, f) in infra.features.enumerated() {
            guard let name = f.name.value, ClusterContext.runtimeFeatureNames.contains(name) else { continue }
            if let mapped = context.accounts.account(forPath: f.resource.location.file.path)?.id {
                guard let account, mapped == account else { continue }
            } else {
                guard let scope, f.resource.scope == scope else { continue }
            }
            let fRegion = f.region ?? context.accounts.defaultRegion
            if let fRegion, let region, fRegion != region { continue }
            applicable.append(i)
        }
        var (rm, aac) = ClusterContext.decide(applicable, infrastructure: infra)
        if let account, rm.toggle == .unknown || aac.toggle == .unknown,
           let declared = context.accounts.accounts.first(where: { $0.id == account }) {
            let s = context.accounts.settings(account: declared.id, region: region)
            let origin = context.accounts.source ?? AccountContextLoader.fileName
            if rm.toggle == .unknown, s.runtimeMonitoring != .unknown { rm = SettingSource(toggle: s.runtimeMonitoring, origin: origin) }
            if aac.toggle == .unknown, s.automatedAgentConfiguration != .unknown { aac = SettingSource(toggle: s.automatedAgentConfiguration, origin: origin) }
        }
        return Settings(runtimeMonitoring: rm, automatedAgent: aac)
    }
}

extension SettingSource {
    /// Where the setting is decided, for messages: `aws_guardduty_detector_feature.rm` or `.guardpost.yml`.
    var whereDecided: String { resource ?? origin }
}
