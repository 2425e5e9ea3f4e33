import GuardpostDocuments
import GuardpostModel

/// A cluster that runs in subnets of a VPC owned by another account (a shared VPC, through AWS RAM).
struct SharedVPCUse {
    var cluster: Int
    /// The VPC owner account, when the scan or `.guardpost.yml` tells it.
    var ownerAccount: String?
    /// The cluster's (participant) account, when known.
    var participantAccount: String?
    /// True when the participant was inferred from the share's principals (assumption `shared-vpc-participant`).
    var participantInferred: Bool
    /// The VPC's id when known, else its address, else a description.
    var vpcName: String
    /// What GuardDuty's issue text names: the VPC id, else its address, else `{vpcId}`.
    var vpcIdForIssue: String
    /// The RAM share that shares the cluster's subnets, when in the scan.
    var share: Int?
    /// Where the owner lives: the VPC's scope, or the share's (for owner settings of unmapped inputs).
    var ownerScope: String?
    /// How the sharing is known, for messages.
    var evidence: String
}

enum SharedVPC {
    static let assumptionId = "shared-vpc-participant"

    /// Every cluster in the scan that uses a VPC shared by another account.
    static func uses(_ context: CheckContext) -> [SharedVPCUse] {
        context.infrastructure.clusters.indices.compactMap { use(of: $0, context) }
    }

    /// `arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0abc` -> `subnet-0abc`.
    static func subnetId(inARN arn: String) -> String? {
        guard let slash = arn.range(of: ":subnet/") else { return nil }
        let id = String(arn[slash.upperBound...])
        return id.hasPrefix("subnet-") ? id : nil
    }

    static func use(of index: Int, _ context: CheckContext) -> SharedVPCUse? {
        let infra = context.infrastructure
        let cluster = infra.clusters[index]
        let vpc = cluster.vpc.map { infra.vpcs[$0] }
        var subnetIds = Set(cluster.literalSubnetIds)
        for s in cluster.subnets { if let id = infra.subnets[s].resource.attributes["id"]?.string { subnetIds.insert(id) } }

        // RAM shares that share one of the cluster's subnets.
        var shareIndex: Int?
        for (i, share) in infra.resourceShares.enumerated() {
            let byLink = !Set(share.sharedSubnetIndexes).isDisjoint(with: cluster.subnets)
            let byId = share.sharedResourceARNs.contains { subnetId(inARN: $0).map(subnetIds.contains) ?? false }
            if byLink || byId { shareIndex = i; break }
        }
        let share = shareIndex.map { infra.resourceShares[$0] }

        // The owner: the VPC's (or its subnets') file mapped in .guardpost.yml, their owner_id, the account in the shared ARNs.
        var owner: (id: String, explicit: Bool)?
        let ownerResources = (vpc.map { [$0.resource] } ?? []) + cluster.subnets.map { infra.subnets[$0].resource }
        for r in ownerResources {
            if let a = AccountResolution.account(ofPath: r.location.file.path, context.accounts), a.explicit { owner = a; break }
        }
        if owner == nil {
            for r in ownerResources {
                if let id = r.attributes["owner_id"]?.string, AccountResolution.isAccountId(id) { owner = (id, true); break }
            }
        }
        if owner == nil, let share {
            let ids = share.sharedResourceARNs.filter { subnetId(inARN: $0).map(subnetIds.contains) ?? false }.compactMap(AccountResolution.account(inARN:))
            if let id = ids.first { owner = (id, true) }
            else if let a = AccountResolution.account(ofPath: share.resource.location.file.path, context.accounts), a.explicit { owner = a }
        }
        if owner == nil, let r = ownerResources.first, let a = AccountResolution.account(ofPath: r.location.file.path, context.accounts) { owner = a }

        let participant = AccountResolution.clusterAccount(index, context)
        let vpcId = vpc.flatMap { $0.resource.attributes["id"]?.string } ?? vpc?.resource.address
            ?? cluster.subnets.lazy.compactMap { infra.subnets[$0].resource.attributes["vpc_id"]?.string }.first
        let vpcName = vpcId ?? "the VPC of subnet \(subnetIds.sorted().first ?? "?")"
        let ownerScope = vpc?.resource.scope ?? share?.resource.scope

        if let owner, let participant, owner.explicit || participant.explicit, owner.id != participant.id {
            let how = share.map { "RAM share \($0.resource.address) shares its subnets" }
                ?? "its subnets belong to account \(owner.id) and the cluster to account \(participant.id) (\(participant.how))"
            return SharedVPCUse(cluster: index, ownerAccount: owner.id, participantAccount: participant.id, participantInferred: false,
                                vpcName: vpcName, vpcIdForIssue: vpcId ?? "{vpcId}", share: shareIndex, ownerScope: ownerScope, evidence: how)
        }
        guard let share else { return nil }
        if let owner, let participant, participant.explicit, owner.id == participant.id { return nil } // the owner's own cluster
        // The cluster uses subnets the owner shares: it runs in a participant account.
        let principal = share.principals.compactMap(AccountResolution.accountId(principal:)).first { $0 != owner?.id }
        let participantId = participant?.explicit == true ? participant?.id : principal ?? participant?.id
        return SharedVPCUse(cluster: index, ownerAccount: owner?.id, participantAccount: participantId,
                            participantInferred: participant?.explicit != true, vpcName: vpcName, vpcIdForIssue: vpcId ?? "{vpcId}", share: shareIndex,
                            ownerScope: ownerScope, evidence: "RAM share \(share.resource.address) shares its subnets"
                                + (share.principals.isEmpty ? "" : " with \(share.principals.joined(separator: ", "))"))
    }
}
