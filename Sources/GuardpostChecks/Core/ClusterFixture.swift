import GuardpostDocuments
import GuardpostModel

/// A small EKS setup — GuardDuty detector features, a cluster, node groups, Fargate profiles and the agent
/// add-on — written in each format the loaders read (Terraform plan JSON, `.tf.json`, CloudFormation YAML),
/// so a rule's examples state one situation once and run it through every loader.
struct ClusterFixture {
    struct Feature {
        var name: String
        var status: String
        /// `EKS_ADDON_MANAGEMENT` status; nil: not written.
        var addonManagement: String?
        init(_ name: String, _ status: String, addonManagement: String? = nil) {
            self.name = name
            self.status = status
            self.addonManagement = addonManagement
        }
    }
    /// `aws_guardduty_organization_configuration_feature` (Terraform only: CloudFormation has no such resource).
    struct OrganizationFeature {
        var name: String
        var autoEnable: String
        var addonManagement: String?
    }
    struct NodeGroup {
        var name: String
        var amiType: String?
        var instanceTypes: [String]
        init(_ name: String, amiType: String? = "AL2023_x86_64_STANDARD", instanceTypes: [String] = ["m6i.large"]) {
            self.name = name
            self.amiType = amiType
            self.instanceTypes = instanceTypes
        }
    }

    /// Whether a detector resource is written (features hang off it).
    var detector = true
    /// The detector's `enable`; nil: not written (CloudFormation requires it: written as true).
    var detectorEnable: Bool?
    var features: [Feature] = [Feature("RUNTIME_MONITORING", "ENABLED", addonManagement: "ENABLED")]
    var organizationFeatures: [OrganizationFeature] = []
    var clusterName = "prod"
    /// nil: not written (EKS picks its default).
    var version: String? = "1.33"
    var tags: [(key: String, value: String)] = []
    var outposts = false
    var hybridNodes = false
    var autoMode = false
    var nodeGroups: [NodeGroup] = [NodeGroup("default")]
    /// Fargate profile name -> selected namespace.
    var fargateProfiles: [(name: String, namespace: String)] = []
    /// The `aws-guardduty-agent` add-on: nil = none; `.some(nil)` = declared without a version.
    var addon: String?? = nil

    // MARK: Addresses per format

    static func cluster(_ f: InputFormat) -> String { f.isTerraform ? "aws_eks_cluster.main" : "Cluster" }
    static func detector(_ f: InputFormat) -> String { f.isTerraform ? "aws_guardduty_detector.main" : "Detector" }
    static func feature(_ name: String, _ f: InputFormat) -> String {
        f.isTerraform ? "aws_guardduty_detector_feature.\(name.lowercased())" : "Detector"
    }
    static func organizationFeature(_ name: String) -> String { "aws_guardduty_organization_configuration_feature.\(name.lowercased())" }
    static func nodeGroup(_ name: String, _ f: InputFormat) -> String {
        f.isTerraform ? "aws_eks_node_group.\(name)" : "NodeGroup\(camel(name))"
    }
    static func fargateProfile(_ name: String, _ f: InputFormat) -> String {
        f.isTerraform ? "aws_eks_fargate_profile.\(name)" : "Fargate\(camel(name))"
    }
    static func addon(_ f: InputFormat) -> String { f.isTerraform ? "aws_eks_addon.guardduty" : "GuardDutyAddon" }

    /// Attribute names as the model spells them in each format.
    static func attribute(_ tf: String, _ cfn: String, _ f: InputFormat) -> String { f.isTerraform ? tf : cfn }

    static func camel(_ s: String) -> String {
        s.split(whereSeparator: { $0 == "_" || $0 == "-" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    // MARK: Examples

    /// One example per format (plan JSON, `.tf.json`, CloudFormation YAML; `formats` narrows), each with the
    /// optional `.guardpost.yml`; `expect` gives the findings for a format.
    func examples(_ name: String, formats: [InputFormat] = [.terraformPlan, .terraformJSON, .cloudFormation],
                  config: String? = nil, expect: (InputFormat) -> [RuleExample.Expected]) -> [RuleExample] {
        formats.map { f in
            let (label, file, content): (String, String, String)
            switch f {
            case .terraformPlan: (label, file, content) = ("plan", "plan.json", plan())
            case .terraformJSON: (label, file, content) = ("tf.json", "main.tf.json", tfJSON())
            default: (label, file, content) = ("cfn", "template.yaml", cloudFormation())
            }
            var files: [(name: String, content: String)] = [(file, content)]
            if let config { files.insert((".guardpost.yml", config), at: 0) }
            return RuleExample("\(label): \(name)", format: f, files: files, expect: expect(f))
        }
    }

    // MARK: Terraform plan JSON

    func plan() -> String {
        var resources: [ExamplePlan.Resource] = []
        let detectorRef = ["detector_id": ["aws_guardduty_detector.main.id", "aws_guardduty_detector.main"]]
        let clusterRef = ["cluster_name": ["aws_eks_cluster.main.name", "aws_eks_cluster.main"]]
        if detector {
            resources.append(.init("aws_guardduty_detector.main", "aws_guardduty_detector",
                                   values: J.object(detectorEnable.map { [("enable", .bool($0))] } ?? []).text))
        }
        for f in features {
            resources.append(.init(Self.feature(f.name, .terraformPlan), "aws_guardduty_detector_feature",
                                   values: terraformFeature(f, statusKey: "status", detectorId: "abc123").text,
                                   references: detector ? detectorRef : [:]))
        }
        for f in organizationFeatures {
            resources.append(.init(Self.organizationFeature(f.name), "aws_guardduty_organization_configuration_feature",
                                   values: terraformOrganizationFeature(f).text, references: detector ? detectorRef : [:]))
        }
        resources.append(.init(Self.cluster(.terraformPlan), "aws_eks_cluster", values: terraformCluster(blocksAsLists: true).text))
        for g in nodeGroups {
            resources.append(.init(Self.nodeGroup(g.name, .terraformPlan), "aws_eks_node_group",
                                   values: terraformNodeGroup(g, blocksAsLists: true).text, references: clusterRef))
        }
        for p in fargateProfiles {
            resources.append(.init(Self.fargateProfile(p.name, .terraformPlan), "aws_eks_fargate_profile",
                                   values: terraformFargate(p, blocksAsLists: true).text, references: clusterRef))
        }
        if let addon {
            resources.append(.init(Self.addon(.terraformPlan), "aws_eks_addon", values: terraformAddon(addon).text, references: clusterRef))
        }
        // As in a real plan, Optional+Computed attributes the configuration leaves unset are unknown until apply.
        var unknown: [String: [String]] = [Self.cluster(.terraformPlan): ["arn", "id"] + (version == nil ? ["version"] : [])]
        if let addon, addon == nil { unknown[Self.addon(.terraformPlan)] = ["addon_version"] }
        for g in nodeGroups where g.amiType == nil { unknown[Self.nodeGroup(g.name, .terraformPlan), default: []].append("ami_type") }
        return Self.markUnknown(ExamplePlan.json(resources), unknown)
    }

    /// Sets `after_unknown` of the named resources' changes (ExamplePlan writes `{}`).
    static func markUnknown(_ plan: String, _ unknown: [String: [String]]) -> String {
        plan.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            for (address, keys) in unknown where line.hasPrefix("{\"address\":\(JSONWriter.quoted(address)),") && line.contains("\"change\":") {
                let marks = keys.map { "\(JSONWriter.quoted($0)):true" }.joined(separator: ",")
                guard let r = line.firstRange(of: "\"after_unknown\":{}") else { return String(line) }
                return line[..<r.lowerBound] + "\"after_unknown\":{\(marks)}" + line[r.upperBound...]
            }
            return String(line)
        }.joined(separator: "\n")
    }

    // MARK: Terraform .tf.json

    func tfJSON() -> String {
        var types: [(String, J)] = []
        func add(_ type: String, _ name: String, _ body: J) {
            if let i = types.firstIndex(where: { $0.0 == type }), case .object(var entries) = types[i].1 {
                entries.append((name, body))
                types[i].1 = .object(entries)
            } else {
                types.append((type, .object([(name, body)])))
            }
        }
        let detectorId = "${aws_guardduty_detector.main.id}"
        let clusterName = "${aws_eks_cluster.main.name}"
        if detector {
            add("aws_guardduty_detector", "main", .object(detectorEnable.map { [("enable", .bool($0))] } ?? []))
        }
        for f in features {
            add("aws_guardduty_detector_feature", f.name.lowercased(), terraformFeature(f, statusKey: "status", detectorId: detector ? detectorId : "abc123"))
        }
        for f in organizationFeatures {
            var body = terraformOrganizationFeature(f)
            if detector, case .object(var e) = body { e.insert(("detector_id", .string(detectorId)), at: 0); body = .object(e) }
            add("aws_guardduty_organization_configuration_feature", f.name.lowercased(), body)
        }
        add("aws_eks_cluster", "main", terraformCluster(blocksAsLists: false))
        for g in nodeGroups { add("aws_eks_node_group", g.name, terraformNodeGroup(g, blocksAsLists: false, clusterName: clusterName)) }
        for p in fargateProfiles { add("aws_eks_fargate_profile", p.name, terraformFargate(p, blocksAsLists: false, clusterName: clusterName)) }
        if let addon { add("aws_eks_addon", "guardduty", terraformAddon(addon, clusterName: clusterName)) }
        return J.object([("provider", .object([("aws", .object([("region", .string("us-east-1"))]))])),
                         ("resource", .object(types))]).pretty
    }

    // MARK: Terraform bodies (shared by plan values and .tf.json)

    func terraformFeature(_ f: Feature, statusKey: String, detectorId: String) -> J {
        var e: [(String, J)] = [("detector_id", .string(detectorId)), ("name", .string(f.name)), (statusKey, .string(f.status))]
        if let m = f.addonManagement {
            e.append(("additional_configuration", .array([.object([("name", .string("EKS_ADDON_MANAGEMENT")), (statusKey, .string(m))])])))
        }
        return .object(e)
    }

    func terraformOrganizationFeature(_ f: OrganizationFeature) -> J {
        var e: [(String, J)] = [("name", .string(f.name)), ("auto_enable", .string(f.autoEnable))]
        if let m = f.addonManagement {
            e.append(("additional_configuration", .array([.object([("name", .string("EKS_ADDON_MANAGEMENT")), ("auto_enable", .string(m))])])))
        }
        return .object(e)
    }

    func terraformCluster(blocksAsLists: Bool) -> J {
        func block(_ b: J) -> J { blocksAsLists ? .array([b]) : b }
        var e: [(String, J)] = [("name", .string(clusterName))]
        if let version { e.append(("version", .string(version))) }
        e.append(("role_arn", .string("arn:aws:iam::111122223333:role/eks-cluster")))
        e.append(("vpc_config", block(.object([("subnet_ids", .array([.string("subnet-0a1"), .string("subnet-0b2")]))]))))
        if outposts {
            e.append(("outpost_config", block(.object([
                ("control_plane_instance_type", .string("m5.large")),
                ("outpost_arns", .array([.string("arn:aws:outposts:us-east-1:111122223333:outpost/op-0123456789abcdef0")])),
            ]))))
        }
        if hybridNodes {
            e.append(("remote_network_config", block(.object([
                ("remote_node_networks", block(.object([("cidrs", .array([.string("172.16.0.0/18")]))]))),
            ]))))
        }
        if autoMode {
            e.append(("compute_config", block(.object([
                ("enabled", .bool(true)), ("node_pools", .array([.string("general-purpose")])),
                ("node_role_arn", .string("arn:aws:iam::111122223333:role/eks-auto-node")),
            ]))))
        }
        if !tags.isEmpty { e.append(("tags", .object(tags.map { ($0.key, .string($0.value)) }))) }
        return .object(e)
    }

    func terraformNodeGroup(_ g: NodeGroup, blocksAsLists: Bool, clusterName: String? = nil) -> J {
        var e: [(String, J)] = [("cluster_name", .string(clusterName ?? self.clusterName)), ("node_group_name", .string(g.name)),
                                ("node_role_arn", .string("arn:aws:iam::111122223333:role/eks-node"))]
        if let ami = g.amiType { e.append(("ami_type", .string(ami))) }
        e.append(("instance_types", .array(g.instanceTypes.map { .string($0) })))
        e.append(("subnet_ids", .array([.string("subnet-0a1"), .string("subnet-0b2")])))
        let scaling = J.object([("desired_size", .int(2)), ("max_size", .int(3)), ("min_size", .int(1))])
        e.append(("scaling_config", blocksAsLists ? .array([scaling]) : scaling))
        return .object(e)
    }

    func terraformFargate(_ p: (name: String, namespace: String), blocksAsLists: Bool, clusterName: String? = nil) -> J {
        let selector = J.object([("namespace", .string(p.namespace))])
        return .object([("cluster_name", .string(clusterName ?? self.clusterName)), ("fargate_profile_name", .string(p.name)),
                        ("pod_execution_role_arn", .string("arn:aws:iam::111122223333:role/eks-fargate")),
                        ("subnet_ids", .array([.string("subnet-0a1")])),
                        ("selector", blocksAsLists ? .array([selector]) : selector)])
    }

    func terraformAddon(_ version: String?, clusterName: String? = nil) -> J {
        var e: [(String, J)] = [("cluster_name", .string(clusterName ?? self.clusterName)), ("addon_name", .string("aws-guardduty-agent"))]
        if let version { e.append(("addon_version", .string(version))) }
        return .object(e)
    }

    // MARK: CloudFormation YAML

    func cloudFormation() -> String {
        var y = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n"
        if detector {
            y += "  Detector:\n    Type: AWS::GuardDuty::Detector\n    Properties:\n      Enable: \(detectorEnable ?? true)\n"
            if !features.isEmpty {
                y += "      Features:\n"
                for f in features {
                    y += "        - Name: \(q(f.name))\n          Status: \(q(f.status))\n"
                    if let m = f.addonManagement {
                        y += "          AdditionalConfiguration:\n            - Name: EKS_ADDON_MANAGEMENT\n              Status: \(q(m))\n"
                    }
                }
            }
        }
        y += "  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Name: \(q(clusterName))\n"
        if let version { y += "      Version: \(q(version))\n" }
        y += "      RoleArn: arn:aws:iam::111122223333:role/eks-cluster\n"
        y += "      ResourcesVpcConfig:\n        SubnetIds: [subnet-0a1, subnet-0b2]\n"
        if outposts {
            y += "      OutpostConfig:\n        ControlPlaneInstanceType: m5.large\n"
            y += "        OutpostArns:\n          - arn:aws:outposts:us-east-1:111122223333:outpost/op-0123456789abcdef0\n"
        }
        if hybridNodes {
            y += "      RemoteNetworkConfig:\n        RemoteNodeNetworks:\n          - Cidrs: [172.16.0.0/18]\n"
        }
        if autoMode {
            y += "      ComputeConfig:\n        Enabled: true\n        NodePools: [general-purpose]\n"
            y += "        NodeRoleArn: arn:aws:iam::111122223333:role/eks-auto-node\n"
        }
        if !tags.isEmpty {
            y += "      Tags:\n"
            for t in tags { y += "        - Key: \(q(t.key))\n          Value: \(q(t.value))\n" }
        }
        for g in nodeGroups {
            y += "  \(Self.nodeGroup(g.name, .cloudFormation)):\n    Type: AWS::EKS::Nodegroup\n    Properties:\n"
            y += "      ClusterName: !Ref Cluster\n      NodegroupName: \(q(g.name))\n      NodeRole: arn:aws:iam::111122223333:role/eks-node\n"
            y += "      Subnets: [subnet-0a1, subnet-0b2]\n"
            if let ami = g.amiType { y += "      AmiType: \(q(ami))\n" }
            y += "      InstanceTypes: [\(g.instanceTypes.map(q).joined(separator: ", "))]\n"
            y += "      ScalingConfig:\n        DesiredSize: 2\n        MinSize: 1\n        MaxSize: 3\n"
        }
        for p in fargateProfiles {
            y += "  \(Self.fargateProfile(p.name, .cloudFormation)):\n    Type: AWS::EKS::FargateProfile\n    Properties:\n"
            y += "      ClusterName: !Ref Cluster\n      FargateProfileName: \(q(p.name))\n"
            y += "      PodExecutionRoleArn: arn:aws:iam::111122223333:role/eks-fargate\n"
            y += "      Selectors:\n        - Namespace: \(q(p.namespace))\n"
        }
        if let addon {
            y += "  GuardDutyAddon:\n    Type: AWS::EKS::Addon\n    Properties:\n      ClusterName: !Ref Cluster\n      AddonName: aws-guardduty-agent\n"
            if let v = addon { y += "      AddonVersion: \(q(v))\n" }
        }
        return y
    }

    /// A double-quoted YAML scalar (keeps `"false"` and `"1.30"` strings).
    func q(_ s: String) -> String { JSONWriter.quoted(s) }
}

/// A tiny JSON value for writing example files (keys in the order given).
indirect enum J {
    case string(String), bool(Bool), int(Int), array([J]), object([(String, J)])

    var text: String {
        switch self {
        case .string(let s): return JSONWriter.quoted(s)
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let e): return "{" + e.map { "\(JSONWriter.quoted($0.0)):\($0.1.text)" }.joined(separator: ",") + "}"
        }
    }

    /// Indented, one key per line (what a person writes in a `.tf.json`).
    var pretty: String { render(indent: "") + "\n" }

    private func render(indent: String) -> String {
        let inner = indent + "  "
        switch self {
        case .array(let items) where !items.isEmpty && items.contains(where: { if case .object = $0 { return true }; return false }):
            return "[\n" + items.map { inner + $0.render(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let e) where !e.isEmpty:
            return "{\n" + e.map { "\(inner)\(JSONWriter.quoted($0.0)): \($0.1.render(indent: inner))" }.joined(separator: ",\n") + "\n\(indent)}"
        default:
            return text
        }
    }
}
