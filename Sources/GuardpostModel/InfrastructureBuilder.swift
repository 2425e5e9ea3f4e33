import GuardpostDocuments

/// Turns the loaders' raw resources into normalised entities and resolves their links once:
/// cluster -> subnets -> VPC; VPC -> endpoints -> security groups; cluster -> add-ons, node groups, Fargate profiles.
public enum InfrastructureBuilder {
    public static func build(_ load: LoadResult) -> Infrastructure {
        var infra = Infrastructure()
        infra.diagnostics = load.diagnostics
        infra.files = load.classified
        infra.kubernetesObjects = load.kubernetesObjects
        var pendingClusterRefs: [(kind: ClusterChild, index: Int, resource: RawResource, path: [PathComponent])] = []

        for raw in load.resources {
            if raw.action == .delete { infra.removedResources.append(raw); continue }
            infra.resources.append(raw)
            if raw.isDataSource { continue }
            let r = AttributeReader(raw)
            let tf = raw.format.isTerraform
            func p(_ tfPath: [PathComponent], _ cfnPath: [PathComponent]) -> [PathComponent] { tf ? tfPath : cfnPath }
            let defaultNote = { (name: String, value: String) in
                "\(name) is not set; \(tf ? "Terraform" : "CloudFormation")'s default is \(value)"
            }
            switch raw.type {
            case "aws_guardduty_detector", "AWS::GuardDuty::Detector":
                infra.detectors.append(GuardDutyDetector(resource: raw, enable: r.bool(p(["enable"], ["Enable"]), default: tf ? true : nil,
                                                                                      defaultNote: defaultNote("enable", "true"))))
                if !tf, let features = r.node(["Features"])?.node.items {
                    for (i, f) in features.enumerated() {
                        let base: [PathComponent] = ["Features", .index(i)]
                        let additional = (f["AdditionalConfiguration"]?.items ?? []).indices.map { j -> (Attribute<String>, Attribute<String>) in
                            (r.string(base + ["AdditionalConfiguration", .index(j), "Name"]), r.string(base + ["AdditionalConfiguration", .index(j), "Status"]))
                        }
                        infra.features.append(GuardDutyFeature(resource: raw, scope: .account, name: r.string(base + ["Name"]),
                                                               status: r.string(base + ["Status"]), additional: additional.map { ($0.0, $0.1) },
                                                               location: f.location, region: raw.region))
                        infra.detectors[infra.detectors.count - 1].featureIndexes.append(infra.features.count - 1)
                    }
                }
            case "aws_guardduty_detector_feature", "aws_guardduty_organization_configuration_feature":
                let org = raw.type.contains("organization")
                let statusKey: PathComponent = org ? "auto_enable" : "status"
                let count = r.node(["additional_configuration"])?.node.items?.count ?? 0
                let additional = (0..<count).map { j -> (name: Attribute<String>, status: Attribute<String>) in
                    (r.string(["additional_configuration", .index(j), "name"]), r.string(["additional_configuration", .index(j), statusKey]))
                }
                infra.features.append(GuardDutyFeature(resource: raw, scope: org ? .organization : .account, name: r.string(["name"]),
                                                       status: r.string([statusKey]), additional: additional, location: raw.location, region: raw.region))
            case "aws_vpc", "aws_default_vpc", "AWS::EC2::VPC":
                let isDefault = raw.type == "aws_default_vpc"
                infra.vpcs.append(VPC(resource: raw, cidr: r.string(p(["cidr_block"], ["CidrBlock"])),
                                      enableDnsSupport: r.bool(p(["enable_dns_support"], ["EnableDnsSupport"]), default: true,
                                                               defaultNote: defaultNote(tf ? "enable_dns_support" : "EnableDnsSupport", "true")),
                                      enableDnsHostnames: r.bool(p(["enable_dns_hostnames"], ["EnableDnsHostnames"]), default: isDefault,
                                                                 defaultNote: isDefault ? "default VPCs have DNS hostnames enabled"
                                                                    : defaultNote(tf ? "enable_dns_hostnames" : "EnableDnsHostnames", "false")),
                                      isDefaultVPC: isDefault))
            case "aws_subnet", "AWS::EC2::Subnet":
                infra.subnets.append(Subnet(resource: raw, vpc: nil, cidr: r.string(p(["cidr_block"], ["CidrBlock"]))))
            case "aws_security_group", "AWS::EC2::SecurityGroup":
                infra.securityGroups.append(SecurityGroup(resource: raw, vpc: nil, rules: inlineRules(raw), rulesIncomplete: false))
            case "aws_vpc_endpoint", "AWS::EC2::VPCEndpoint":
                let policy = r.raw(p(["policy"], ["PolicyDocument"]))
                infra.endpoints.append(VPCEndpoint(
                    resource: raw, serviceName: r.string(p(["service_name"], ["ServiceName"])),
                    endpointType: defaulted(r.string(p(["vpc_endpoint_type"], ["VpcEndpointType"])), "Gateway", defaultNote(tf ? "vpc_endpoint_type" : "VpcEndpointType", "Gateway")),
                    privateDnsEnabled: r.bool(p(["private_dns_enabled"], ["PrivateDnsEnabled"]), default: false,
                                              defaultNote: defaultNote(tf ? "private_dns_enabled" : "PrivateDnsEnabled", "false")),
                    vpc: nil, securityGroups: [], unresolvedSecurityGroups: false, policy: parsedPolicy(policy)))
            case "aws_ram_resource_share", "AWS::RAM::ResourceShare":
                infra.resourceShares.append(ResourceShare(
                    resource: raw, name: r.string(p(["name"], ["Name"])),
                    allowExternalPrincipals: r.bool(p(["allow_external_principals"], ["AllowExternalPrincipals"]), default: !tf,
                                                    defaultNote: defaultNote(tf ? "allow_external_principals" : "AllowExternalPrincipals", tf ? "false" : "true")),
                    principals: r.strings(["Principals"]).value ?? [], sharedSubnetIndexes: [],
                    sharedResourceARNs: tf ? [] : (r.strings(["ResourceArns"]).value ?? []).filter { $0.hasPrefix("arn:") },
                    hasUnknownPrincipals: !tf && r.strings(["Principals"]).state == .unknown))
            case "aws_eks_cluster", "AWS::EKS::Cluster":
                infra.clusters.append(EKSCluster(
                    resource: raw, name: r.string(p(["name"], ["Name"])), version: r.string(p(["version"], ["Version"])),
                    subnets: [], vpc: nil, outpostConfig: presentBlock(r, p(["outpost_config"], ["OutpostConfig"])),
                    autoMode: r.bool(p(["compute_config", 0, "enabled"], ["ComputeConfig", "Enabled"])),
                    remoteNetworkConfig: presentBlock(r, p(["remote_network_config"], ["RemoteNetworkConfig"])),
                    tags: tags(r, tf: tf), region: raw.region,
                    literalSubnetIds: (r.strings(p(["vpc_config", 0, "subnet_ids"], ["ResourcesVpcConfig", "SubnetIds"])).value ?? [])
                        .filter { $0.hasPrefix("subnet-") }))
            case "aws_eks_node_group", "AWS::EKS::Nodegroup":
                infra.nodeGroups.append(NodeGroup(
                    resource: raw, cluster: nil, amiType: r.string(p(["ami_type"], ["AmiType"])),
                    instanceTypes: r.strings(p(["instance_types"], ["InstanceTypes"])),
                    desiredSize: r.int(p(["scaling_config", 0, "desired_size"], ["ScalingConfig", "DesiredSize"])),
                    maxSize: r.int(p(["scaling_config", 0, "max_size"], ["ScalingConfig", "MaxSize"])),
                    minSize: r.int(p(["scaling_config", 0, "min_size"], ["ScalingConfig", "MinSize"])),
                    releaseVersion: r.string(p(["release_version"], ["ReleaseVersion"])),
                    launchTemplate: presentBlock(r, p(["launch_template"], ["LaunchTemplate"]))))
                pendingClusterRefs.append((.nodeGroup, infra.nodeGroups.count - 1, raw, p(["cluster_name"], ["ClusterName"])))
            case "aws_eks_fargate_profile", "AWS::EKS::FargateProfile":
                let selectors = r.node(p(["selector"], ["Selectors"]))?.node.items ?? []
                infra.fargateProfiles.append(FargateProfile(resource: raw, cluster: nil,
                                                            namespaces: selectors.compactMap { ($0["namespace"] ?? $0["Namespace"])?.scalarText }))
                pendingClusterRefs.append((.fargate, infra.fargateProfiles.count - 1, raw, p(["cluster_name"], ["ClusterName"])))
            case "aws_eks_addon", "AWS::EKS::Addon":
                var resolve = r.string(p(["resolve_conflicts_on_update"], ["ResolveConflicts"]))
                if tf, resolve.state == .absent { let legacy = r.string(["resolve_conflicts"]); if legacy.state != .absent { resolve = legacy } }
                infra.addons.append(EKSAddon(resource: raw, cluster: nil, addonName: r.string(p(["addon_name"], ["AddonName"])),
                                             addonVersion: r.string(p(["addon_version"], ["AddonVersion"])),
                                             configurationValues: configurationValues(r, tf: tf),
                                             resolveConflicts: resolve,
                                             resolveConflictsOnCreate: tf ? r.string(["resolve_conflicts_on_create"]) : resolve))
                pendingClusterRefs.append((.addon, infra.addons.count - 1, raw, p(["cluster_name"], ["ClusterName"])))
            case "aws_organizations_policy", "AWS::Organizations::Policy":
                let content = r.raw(p(["content"], ["Content"]))
                infra.organizationPolicies.append(OrganizationPolicy(resource: raw, document: parsedPolicy(content).value))
            default:
                break
            }
        }
        link(&infra, pendingClusterRefs)
        return infra
    }

    enum ClusterChild { case nodeGroup, fargate, addon }

    // MARK: Links

    /// Entity indexes by scope and link key.
    struct LinkIndex {
        var vpcs: [String: [Int]] = [:]
        var subnets: [String: [Int]] = [:]
        var securityGroups: [String: [Int]] = [:]
        var clusters: [String: [Int]] = [:]
        static func key(_ scope: String, _ linkKey: String) -> String { scope + "\u{0}" + linkKey }
    }

    static func link(_ infra: inout Infrastructure, _ pending: [(kind: ClusterChild, index: Int, resource: RawResource, path: [PathComponent])]) {
        var index = LinkIndex()
        for (i, v) in infra.vpcs.enumerated() { index.vpcs[LinkIndex.key(v.resource.scope, v.resource.linkKey), default: []].append(i) }
        for (i, s) in infra.subnets.enumerated() { index.subnets[LinkIndex.key(s.resource.scope, s.resource.linkKey), default: []].append(i) }
        for (i, g) in infra.securityGroups.enumerated() { index.securityGroups[LinkIndex.key(g.resource.scope, g.resource.linkKey), default: []].append(i) }
        for (i, c) in infra.clusters.enumerated() { index.clusters[LinkIndex.key(c.resource.scope, c.resource.linkKey), default: []].append(i) }
        var clustersByName: [String: [Int]] = [:]
        for (i, c) in infra.clusters.enumerated() { if let n = c.name.value { clustersByName[n, default: []].append(i) } }

        func targets(_ raw: RawResource, _ path: [PathComponent], _ table: [String: [Int]]) -> [Int] {
            var out: [Int] = []
            for ref in raw.references(at: path) { out += table[LinkIndex.key(raw.scope, ref.target)] ?? [] }
            return out
        }
        let tfOr = { (raw: RawResource, tf: [PathComponent], cfn: [PathComponent]) in raw.format.isTerraform ? tf : cfn }

        for i in infra.subnets.indices {
            let raw = infra.subnets[i].resource
            infra.subnets[i].vpc = targets(raw, tfOr(raw, ["vpc_id"], ["VpcId"]), index.vpcs).first
            if let v = infra.subnets[i].vpc { infra.vpcs[v].subnetIndexes.append(i) }
        }
        for i in infra.securityGroups.indices {
            let raw = infra.securityGroups[i].resource
            infra.securityGroups[i].vpc = targets(raw, tfOr(raw, ["vpc_id"], ["VpcId"]), index.vpcs).first
        }
        // Separate rule resources attach to their group.
        for raw in infra.resources {
            let isRule = ["aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "AWS::EC2::SecurityGroupIngress"].contains(raw.type)
            guard isRule else { continue }
            let groups = targets(raw, tfOr(raw, ["security_group_id"], ["GroupId"]), index.securityGroups)
            for g in groups { infra.securityGroups[g].rules += standaloneRule(raw) }
        }
        for i in infra.endpoints.indices {
            let raw = infra.endpoints[i].resource
            infra.endpoints[i].vpc = targets(raw, tfOr(raw, ["vpc_id"], ["VpcId"]), index.vpcs).first
            let sgPath = tfOr(raw, ["security_group_ids"], ["SecurityGroupIds"])
            let groups = targets(raw, sgPath, index.securityGroups)
            infra.endpoints[i].securityGroups = groups
            let written = AttributeReader(raw).raw(sgPath)
            let writtenCount = written.value?.items?.count ?? (written.state == .unknown ? 1 : 0)
            infra.endpoints[i].unresolvedSecurityGroups = groups.count < max(writtenCount, raw.references(at: sgPath).count)
            if let v = infra.endpoints[i].vpc { infra.vpcs[v].endpointIndexes.append(i) }
        }
        for i in infra.clusters.indices {
            let raw = infra.clusters[i].resource
            let subnetPath = tfOr(raw, ["vpc_config"], ["ResourcesVpcConfig", "SubnetIds"])
            let subnets = targets(raw, subnetPath, index.subnets)
            infra.clusters[i].subnets = subnets
            infra.clusters[i].vpc = subnets.compactMap { infra.subnets[$0].vpc }.first
                ?? targets(raw, tfOr(raw, ["vpc_config"], ["ResourcesVpcConfig"]), index.vpcs).first
        }
        linkResourceShares(&infra, index: index, targets: targets)
        // A cluster whose subnets are written as literal ids (`subnet-0abc`, typical when the VPC belongs to another
        // configuration or account) links to subnets of other inputs whose id is known (existing resources in a plan).
        var subnetsById: [String: [Int]] = [:]
        for (i, s) in infra.subnets.enumerated() { if let id = s.resource.attributes["id"]?.string { subnetsById[id, default: []].append(i) } }
        if !subnetsById.isEmpty {
            for i in infra.clusters.indices where infra.clusters[i].subnets.isEmpty {
                let found = infra.clusters[i].literalSubnetIds.flatMap { subnetsById[$0] ?? [] }
                guard !found.isEmpty else { continue }
                infra.clusters[i].subnets = found
                if infra.clusters[i].vpc == nil { infra.clusters[i].vpc = found.compactMap { infra.subnets[$0].vpc }.first }
            }
        }
        for item in pending {
            var clusters = targets(item.resource, item.path, index.clusters)
            if clusters.isEmpty, let literal = AttributeReader(item.resource).string(item.path).value {
                let all = clustersByName[literal] ?? []
                clusters = all.filter { infra.clusters[$0].resource.scope == item.resource.scope }
                if clusters.isEmpty { clusters = all }
            }
            guard let c = clusters.first else { continue }
            switch item.kind {
            case .nodeGroup: infra.nodeGroups[item.index].cluster = c; infra.clusters[c].nodeGroups.append(item.index)
            case .fargate: infra.fargateProfiles[item.index].cluster = c; infra.clusters[c].fargateProfiles.append(item.index)
            case .addon: infra.addons[item.index].cluster = c; infra.clusters[c].addons.append(item.index)
            }
        }
    }

    /// RAM: `aws_ram_resource_association` (resource_arn) and `aws_ram_principal_association` (principal) attach to their
    /// share through `resource_share_arn`; CloudFormation shares list `ResourceArns` and `Principals` themselves.
    static func linkResourceShares(_ infra: inout Infrastructure, index: LinkIndex,
                                   targets: (RawResource, [PathComponent], [String: [Int]]) -> [Int]) {
        guard !infra.resourceShares.isEmpty else { return }
        var shares: [String: [Int]] = [:]
        var sharesByARN: [String: [Int]] = [:]
        for (i, s) in infra.resourceShares.enumerated() {
            shares[LinkIndex.key(s.resource.scope, s.resource.linkKey), default: []].append(i)
            if let arn = s.resource.attributes["arn"]?.string { sharesByARN[arn, default: []].append(i) }
        }
        for i in infra.resourceShares.indices where !infra.resourceShares[i].resource.format.isTerraform {
            let raw = infra.resourceShares[i].resource
            infra.resourceShares[i].sharedSubnetIndexes = targets(raw, ["ResourceArns"], index.subnets)
        }
        for raw in infra.resources where raw.type == "aws_ram_resource_association" || raw.type == "aws_ram_principal_association" {
            var owners = targets(raw, ["resource_share_arn"], shares)
            if owners.isEmpty, let arn = raw.attributes["resource_share_arn"]?.string { owners = sharesByARN[arn] ?? [] }
            let reader = AttributeReader(raw)
            for s in owners {
                infra.resourceShares[s].associationAddresses.append(raw.address)
                if raw.type == "aws_ram_resource_association" {
                    let subnets = targets(raw, ["resource_arn"], index.subnets)
                    infra.resourceShares[s].sharedSubnetIndexes += subnets
                    let arn = reader.string(["resource_arn"])
                    if let value = arn.value { infra.resourceShares[s].sharedResourceARNs.append(value) }
                    else if subnets.isEmpty { infra.resourceShares[s].hasUnknownPrincipals = true }
                } else {
                    let principal = reader.string(["principal"])
                    if let value = principal.value { infra.resourceShares[s].principals.append(value) }
                    else { infra.resourceShares[s].hasUnknownPrincipals = true }
                }
            }
        }
    }

    // MARK: Attribute helpers

    static func defaulted(_ a: Attribute<String>, _ value: String, _ note: String) -> Attribute<String> {
        guard a.state == .absent else { return a }
        return Attribute(state: .defaulted, value: value, name: a.name, location: nil, note: note)
    }

    /// A block that is present (known, even if empty list means absent).
    static func presentBlock(_ r: AttributeReader, _ path: [PathComponent]) -> Attribute<Node> {
        let a = r.raw(path)
        if let v = a.value, let items = v.items, items.isEmpty { return .absent(a.name) }
        if let v = a.value, let entries = v.entries, entries.isEmpty { return .absent(a.name) }
        return a
    }

    static func tags(_ r: AttributeReader, tf: Bool) -> [String: Attribute<String>] {
        var out: [String: Attribute<String>] = [:]
        if tf {
            for e in r.node(["tags"])?.node.entries ?? [] {
                out[e.key] = e.value.scalarText.map { Attribute(state: .known, value: $0, name: "tags.\(e.key)", location: e.keyLocation) }
                    ?? Attribute(state: .unknown, value: nil, name: "tags.\(e.key)", location: e.keyLocation)
            }
        } else {
            let node = r.node(["Tags"])?.node
            if let items = node?.items {
                for item in items {
                    guard let k = item["Key"]?.scalarText else { continue }
                    out[k] = item["Value"]?.scalarText.map { Attribute(state: .known, value: $0, name: "Tags.\(k)", location: item.location) }
                        ?? Attribute(state: .unknown, value: nil, name: "Tags.\(k)", location: item.location)
                }
            } else if let entries = node?.entries { // EKS Cluster accepts a map in some templates
                for e in entries { out[e.key] = Attribute(state: .known, value: e.value.scalarText, name: "Tags.\(e.key)", location: e.keyLocation) }
            }
        }
        return out
    }

    /// `configuration_values` is a JSON string in Terraform; CloudFormation's `ConfigurationValues` too.
    static func configurationValues(_ r: AttributeReader, tf: Bool) -> Attribute<String> {
        let a = r.raw(tf ? ["configuration_values"] : ["ConfigurationValues"])
        guard let v = a.value else { return Attribute(state: a.state, value: nil, name: a.name, location: a.location, note: a.note) }
        if let s = v.string { return Attribute(state: .known, value: s, name: a.name, location: a.location) }
        return Attribute(state: .known, value: JSONWriter.compact(v), name: a.name, location: a.location)
    }

    /// Policies are JSON strings in Terraform (`jsonencode` output) and objects in CloudFormation.
    static func parsedPolicy(_ a: Attribute<Node>) -> Attribute<Node> {
        guard let v = a.value, let s = v.string else { return a }
        guard let parsed = try? JSONReader.parse(Array(s.utf8), file: v.location.file) else {
            return Attribute(state: .unknown, value: nil, name: a.name, location: a.location, note: "\(a.name) is not valid JSON")
        }
        // Positions inside an embedded JSON string are relative to the string; point at the attribute instead.
        return Attribute(state: .known, value: relocated(parsed, to: v.location), name: a.name, location: a.location)
    }

    static func relocated(_ node: Node, to location: Location) -> Node {
        var n = node
        n.location = location
        switch node.value {
        case .mapping(let entries):
            n.value = .mapping(entries.map { Node.Entry(key: $0.key, keyLocation: location, value: relocated($0.value, to: location)) })
        case .sequence(let items):
            n.value = .sequence(items.map { relocated($0, to: location) })
        default: break
        }
        return n
    }

    static func inlineRules(_ raw: RawResource) -> [SecurityGroupRule] {
        var out: [SecurityGroupRule] = []
        let tf = raw.format.isTerraform
        for (key, direction) in tf ? [("ingress", "ingress"), ("egress", "egress")] : [("SecurityGroupIngress", "ingress"), ("SecurityGroupEgress", "egress")] {
            for (i, item) in (raw.attributes[key]?.items ?? []).enumerated() {
                var r = rule(item, direction: direction, tf: tf, unknown: false)
                r.sourceReferences = raw.references.filter { $0.path.starts(with: [.key(key), .index(i)]) }
                out.append(r)
            }
            if raw.unknownPaths.contains(where: { $0.hasPrefix(key) }) {
                out.append(SecurityGroupRule(location: raw.location, direction: direction, fromPort: nil, toPort: nil, proto: nil, cidrs: [], hasNonCIDRSource: false, hasUnknown: true))
            }
        }
        return out
    }

    static func standaloneRule(_ raw: RawResource) -> [SecurityGroupRule] {
        let tf = raw.format.isTerraform
        var direction = "ingress"
        if raw.type == "aws_security_group_rule" { direction = raw.attributes["type"]?.string ?? "ingress" }
        var r = rule(raw.attributes, direction: direction, tf: tf, unknown: !raw.unknownPaths.isEmpty)
        r.location = raw.location
        r.sourceReferences = raw.references.filter { ref in
            guard case .key(let k)? = ref.path.first else { return false }
            return !["security_group_id", "GroupId"].contains(k)
        }
        return [r]
    }

    static func rule(_ n: Node, direction: String, tf: Bool, unknown: Bool) -> SecurityGroupRule {
        func int(_ keys: String...) -> Int? {
            for k in keys { if let v = n[k], let i = v.int ?? v.string.flatMap({ Int($0) }) { return i } }
            return nil
        }
        var cidrs: [String] = []
        for k in ["cidr_blocks", "ipv6_cidr_blocks"] { cidrs += n[k]?.items?.compactMap(\.string) ?? [] }
        for k in ["cidr_ipv4", "cidr_ipv6", "CidrIp", "CidrIpv6"] { if let s = n[k]?.string { cidrs.append(s) } }
        let nonCIDR = ["security_groups", "source_security_group_id", "referenced_security_group_id", "prefix_list_ids", "prefix_list_id",
                       "SourceSecurityGroupId", "SourcePrefixListId", "self"].contains { key in
            guard let v = n[key] else { return false }
            if let items = v.items { return !items.isEmpty }
            if let b = v.bool { return b }
            return !v.isNull
        }
        return SecurityGroupRule(location: n.location, direction: direction,
                                 fromPort: int("from_port", "FromPort"), toPort: int("to_port", "ToPort"),
                                 proto: (n["protocol"] ?? n["ip_protocol"] ?? n["IpProtocol"])?.scalarText,
                                 cidrs: cidrs, hasNonCIDRSource: nonCIDR, hasUnknown: unknown)
    }
}
