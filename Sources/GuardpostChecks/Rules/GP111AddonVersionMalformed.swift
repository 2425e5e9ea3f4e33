import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// `addon_version` must be a `v`-prefixed semantic version (`v1.16.0-eksbuild.2`).
public struct AddonVersionMalformedRule: Rule {
    public init() {}

    public let metadata = RuleMetadata(
        id: "GP111", name: "addon-version-malformed",
        title: "The aws-guardduty-agent add-on's version is not a valid add-on version (vMAJOR.MINOR.PATCH-eksbuild.N)",
        severity: .error, issueType: nil,
        rationale: "EKS add-on versions are written vMAJOR.MINOR.PATCH-eksbuild.N (v1.16.0-eksbuild.2). The Terraform provider validates aws_eks_addon.addon_version against a semantic-version pattern with a leading v and fails the plan otherwise; EKS rejects a version string it does not publish. Either way the GuardDuty add-on is not installed and the cluster is not covered. Spellings from the documentation's ECR pages (1.11.0.eks.build.2, 1.8.1-eks-build.1) are not add-on versions.",
        remediation: [
            .terraformPlan: "Write the version as EKS publishes it, e.g. addon_version = \"v1.16.0-eksbuild.2\" (aws eks describe-addon-versions --addon-name aws-guardduty-agent), or leave it unset.",
            .terraformJSON: "Write \"addon_version\": \"v1.16.0-eksbuild.2\" (leading v, -eksbuild.N), or leave it unset.",
            .cloudFormation: "Write AddonVersion: v1.16.0-eksbuild.2 (leading v, -eksbuild.N), or leave it unset.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/eksrunmon-deploy-security-agent.html",
        examples: AddonVersionMalformedExamples.all)

    public func check(_ context: CheckContext) -> [Finding] {
        var out: [Finding] = []
        let knowledge = context.knowledge
        for addon in context.infrastructure.addons where addon.addonName.value == knowledge.addonName {
            let a = addon.addonVersion
            guard a.state == .known, let text = a.value, !AgentVersion.isValidAddonVersion(text) else { continue }
            var hint = ""
            if let v = AgentVersion(text) {
                let written = v.build == nil ? "v\(v.major).\(v.minor).\(v.patch)-eksbuild.N" : v.description
                hint = "; did you mean \(written)?"
            }
            let message = "add-on \(addon.resource.address): \(a.name) \"\(text)\" is not a valid add-on version (expected vMAJOR.MINOR.PATCH-eksbuild.N)\(hint)"
            if let c = addon.cluster {
                out.append(finding(message, at: a.location ?? addon.resource.location, resource: addon.resource, attribute: a.name,
                                   clusterIndex: c, in: context))
            } else {
                out.append(finding(message, at: a.location ?? addon.resource.location, resource: addon.resource, attribute: a.name))
            }
        }
        return out
    }
}

enum AddonVersionMalformedExamples {
    typealias F = ClusterFixture
    static var all: [RuleExample] {
        var out: [RuleExample] = []
        var noV = ClusterFixture()
        noV.addon = .some("1.16.0-eksbuild.2")
        out += noV.examples("version without the leading v") { f in
            [.init(F.addon(f), attribute: F.attribute("addon_version", "AddonVersion", f))]
        }
        var docSpelling = ClusterFixture()
        docSpelling.addon = .some("1.11.0.eks.build.2")
        out += docSpelling.examples("ECR page spelling 1.11.0.eks.build.2", formats: [.terraformJSON]) { f in
            [.init(F.addon(f), attribute: "addon_version")]
        }
        var valid = ClusterFixture()
        valid.addon = .some("v1.16.0-eksbuild.2")
        out += valid.examples("v1.16.0-eksbuild.2") { _ in [] }
        var unset = ClusterFixture()
        unset.addon = .some(nil)
        out += unset.examples("version not set") { _ in [] }
        return out
    }
}
