/// Triage for a coverage issue GuardDuty already reports: recognises each issue type and EKS add-on
/// issue code of the troubleshooting table on GuardDuty's "Runtime coverage and troubleshooting for
/// Amazon EKS clusters" page (`shared/reference/000_39744cd5a2aff4dd.txt`, facts §7) and gives its
/// recommended steps, offline. An issue it does not recognise is reported as such, never guessed.
///
/// The steps are written in our own words from that page; each entry names the page section it comes from.
public enum IssueTriage {
    public static let coveragePage = "https://docs.aws.amazon.com/guardduty/latest/ug/eks-runtime-monitoring-coverage.html"
    static let troubleshootingAnchor = coveragePage + "#eks-runtime-monitoring-coverage-issues-troubleshoot"

    /// Issue types (the part before `:`), as GuardDuty prints them.
    public static let issueTypes = [
        "Addon Creation Failed",
        "Addon Update Failed",
        "Addon Status Unhealthy",
        "VPC Endpoint Creation Failed",
        "Shared VPC Endpoint Deletion Failed",
        "Local EKS clusters",
        "EKS Runtime Monitoring enablement permission not granted",
        "EKS Runtime Monitoring enablement resource provisioning in progress",
        "Others",
    ]

    /// Every `AddonIssueCode` of the EKS API (botocore `eks/2017-11-01`).
    public static let addonIssueCodes = [
        "AccessDenied", "InternalFailure", "ClusterUnreachable", "InsufficientNumberOfReplicas", "ConfigurationConflict",
        "AdmissionRequestDenied", "UnsupportedAddonModification", "K8sResourceNotFound", "AddonSubscriptionNeeded",
        "AddonPermissionFailure",
    ]

    /// One row of the troubleshooting table.
    public struct Entry: Sendable {
        /// Stable id (`addon-incompatible-version`), for scripts and tests.
        public var id: String
        /// A short name of the problem.
        public var title: String
        /// The issue types it applies to (nil: any of the add-on types).
        public var issueTypes: [String]
        /// The add-on issue code it applies to, for `EKS Addon issue - Code: message` issues.
        public var addonIssueCode: String?
        /// Lower-cased fragments of the extra information that must all appear (empty: the code alone).
        public var fragments: [String]
        /// Whether the issue type alone identifies the row, whatever its extra information says
        /// (the fragments then only serve to recognise the extra information without its type).
        public var anyExtra: Bool = false
        public var actionable: Bool
        public var steps: [String]
        public var documentation: String
    }

    static let addonTypes = ["Addon Creation Failed", "Addon Update Failed", "Addon Status Unhealthy"]

    /// The table, most specific entries first (the first match wins).
    public static let entries: [Entry] = [
        Entry(id: "addon-incompatible-version", title: "The add-on does not support the cluster's Kubernetes version",
              issueTypes: ["Addon Creation Failed"], addonIssueCode: nil, fragments: ["not compatible with current cluster version"],
              actionable: true,
              steps: [
                "Run the cluster on a Kubernetes version that the aws-guardduty-agent add-on supports (`guardpost knowledge` prints the agent version / Kubernetes version table in use).",
                "If the cluster version is too old or too new for the agent, update the cluster's Kubernetes version (Amazon EKS: \"Update existing cluster to new Kubernetes version\"), or pin an agent version that supports it when you manage the agent yourself.",
              ],
              documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-eks-support.html#gdu-agent-supported-k8-version"),
        Entry(id: "addon-insufficient-replicas-resources", title: "Agent pods cannot be scheduled (CPU, memory or pod count) and may not preempt",
              issueTypes: addonTypes, addonIssueCode: "InsufficientNumberOfReplicas", fragments: ["preemption"],
              actionable: true,
              steps: [
                "The nodes lack room for the agent pod (Insufficient cpu / Insufficient memory / Too many pods), and the agent's default PriorityClass does not preempt other pods (preemptionPolicy: Never). GuardDuty reports only the first error it finds, hence 0/x.",
                "Either give the agent a PriorityClass whose preemptionPolicy is PreemptLowerPriority (add-on configuration `priorityClassName`), or scale the nodes up (larger instance types or more nodes) so each node can run one agent pod.",
                "Then retry the add-on creation or update.",
              ],
              documentation: troubleshootingAnchor),
        Entry(id: "addon-insufficient-replicas-crashloop-completed", title: "Agent pods exit (CrashLoopBackOff: Completed)",
              issueTypes: addonTypes, addonIssueCode: "InsufficientNumberOfReplicas", fragments: ["crashloopbackoff: completed"],
              actionable: true,
              steps: [
                "Check that Runtime Monitoring (or EKS Runtime Monitoring) is enabled for the account and Region.",
                "Check the prerequisites: a supported operating system and Kubernetes version for the agent.",
                "Check that a com.amazonaws.<region>.guardduty-data VPC endpoint exists for every VPC the cluster's nodes use (with automated agent configuration in a shared VPC, the owner account must enable it too).",
                "Check that the nodes resolve the endpoint's private DNS name (e.g. `nslookup guardduty-data.<region>.amazonaws.com` from a node).",
                "Check that neither the endpoint policy nor an SCP denies guardduty:SendSecurityTelemetry.",
              ],
              documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/validate-vpc-endpoint-config-runtime-monitoring.html"),
        Entry(id: "addon-insufficient-replicas-crashloop-error", title: "Agent pods fail (CrashLoopBackOff: Error)",
              issueTypes: addonTypes, addonIssueCode: "InsufficientNumberOfReplicas", fragments: ["crashloopbackoff: error"],
              actionable: true,
              steps: [
                "Check that Runtime Monitoring (or EKS Runtime Monitoring) is enabled for the account and Region.",
                "Check the prerequisites: a supported operating system, kernel (CONFIG_DEBUG_INFO_BTF=y) and Kubernetes version.",
                "Check that the nodes resolve the guardduty-data VPC endpoint's private DNS name.",
              ],
              documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-eks-support.html"),
        Entry(id: "addon-insufficient-replicas", title: "The add-on does not have the desired number of replicas",
              issueTypes: addonTypes, addonIssueCode: "InsufficientNumberOfReplicas", fragments: [],
              actionable: true,
              steps: [
                "Use the issue message to find the root cause; start from the cluster, e.g. `kubectl describe pods -n amazon-guardduty` to see why the agent pods fail.",
                "Fix the root cause, then retry the add-on creation or update.",
                "If the issue stays, validate the cluster's VPC endpoint configuration (guardduty-data endpoint, private DNS, security group allowing 443 from the VPC CIDR).",
              ],
              documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/validate-vpc-endpoint-config-runtime-monitoring.html"),
        Entry(id: "addon-admission-denied", title: "An admission webhook (e.g. Kyverno) denies the agent's objects",
              issueTypes: addonTypes, addonIssueCode: "AdmissionRequestDenied", fragments: [],
              actionable: true,
              steps: [
                "The cluster or security administrator reviews the policy that blocks the add-on (the message names it, e.g. restrict-image-registries for DaemonSet/amazon-guardduty/aws-guardduty-agent).",
                "Disable that webhook controller, or make it accept the requests Amazon EKS makes for the add-on (exempt namespace amazon-guardduty, allow the GuardDuty agent registry of the Region).",
              ],
              documentation: troubleshootingAnchor),
        Entry(id: "addon-configuration-conflict", title: "The agent's objects were changed outside the add-on (conflict)",
              issueTypes: addonTypes, addonIssueCode: "ConfigurationConflict", fragments: [],
              actionable: true,
              steps: [
                "Create or update the add-on with the OVERWRITE conflict-resolution option (resolve_conflicts_on_update = \"OVERWRITE\" in Terraform, ResolveConflicts: OVERWRITE in CloudFormation). This can overwrite changes made directly with the Kubernetes API to the add-on's objects.",
                "Or delete the add-on first, then install it again.",
              ],
              documentation: troubleshootingAnchor),
        Entry(id: "addon-access-denied-addon-manager", title: "eks:addon-manager lacks permissions (eks:addon-cluster-admin binding changed)",
              issueTypes: addonTypes, addonIssueCode: "AccessDenied", fragments: ["eks:addon-manager"],
              actionable: true,
              steps: [
                "Give back the missing permissions through the eks:addon-cluster-admin ClusterRoleBinding: subject User eks:addon-manager (apiGroup rbac.authorization.k8s.io), roleRef ClusterRole cluster-admin.",
                "Write that ClusterRoleBinding to a file (e.g. eks-addon-cluster-admin.yaml) and apply it: `kubectl apply -f eks-addon-cluster-admin.yaml`.",
              ],
              documentation: troubleshootingAnchor),
        Entry(id: "addon-access-denied-namespace-label", title: "Gatekeeper requires a label on every namespace",
              issueTypes: addonTypes, addonIssueCode: "AccessDenied", fragments: ["gatekeeper", "label"],
              actionable: true,
              steps: [
                "Disable the controller, or make it accept the requests from the Amazon EKS cluster for the add-on.",
                "Or create the GuardDuty namespace (amazon-guardduty) yourself with the required label (e.g. owner) before creating or updating the add-on.",
              ],
              documentation: troubleshootingAnchor),
        Entry(id: "addon-access-denied-registry", title: "Gatekeeper allows only some image registries",
              issueTypes: addonTypes, addonIssueCode: "AccessDenied", fragments: ["invalid image registry"],
              actionable: true,
              steps: [
                "Allow the admission controller's webhook to pull from the GuardDuty agent's ECR registry of the Region (\"Repository for EKS agent version 1.6.0 and above\"); `guardpost explain --region <region>` lists them.",
              ],
              documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring-ecr-repository-gdu-agent.html"),
        Entry(id: "addon-access-denied", title: "Access denied to the add-on's requests",
              issueTypes: addonTypes, addonIssueCode: "AccessDenied", fragments: [],
              actionable: true,
              steps: [
                "Find from the message which object and which controller refused the request (an admission webhook, or RBAC for eks:addon-manager).",
                "For RBAC, restore the eks:addon-cluster-admin ClusterRoleBinding (User eks:addon-manager -> ClusterRole cluster-admin); for a webhook, let it accept the add-on's requests.",
              ],
              documentation: troubleshootingAnchor),
        Entry(id: "addon-issue-code", title: "EKS add-on issue",
              issueTypes: addonTypes, addonIssueCode: "*", fragments: [],
              actionable: true,
              steps: [
                "The GuardDuty troubleshooting table has no steps for this add-on issue code. Use the message to find the root cause (`aws eks describe-addon --cluster-name <cluster> --addon-name aws-guardduty-agent` shows the add-on's health issues), fix it, then retry the add-on creation or update.",
              ],
              documentation: "https://docs.aws.amazon.com/eks/latest/APIReference/API_AddonIssue.html"),
        Entry(id: "vpc-endpoint-shared-vpc-owner", title: "The shared VPC's owner account has not enabled Runtime Monitoring / automated agent configuration",
              issueTypes: ["VPC Endpoint Creation Failed"], addonIssueCode: nil, fragments: ["owner account", "shared vpc", "enabled"],
              actionable: true,
              steps: [
                "In the shared VPC's owner account, enable Runtime Monitoring and automated agent configuration for at least one resource type (Amazon EKS or Amazon ECS (AWS Fargate)).",
                "The participant accounts need automated agent configuration too, and all must be in the same AWS Organizations organization.",
              ],
              documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring-shared-vpc.html"),
        Entry(id: "vpc-endpoint-shared-vpc", title: "VPC endpoint creation in a shared VPC",
              issueTypes: ["VPC Endpoint Creation Failed"], addonIssueCode: nil, fragments: ["endpoint creation not supported for shared vpc"],
              actionable: true,
              steps: [
                "Runtime Monitoring now supports shared VPCs within an organization: check that the accounts meet every prerequisite for using a shared VPC (same organization; Runtime Monitoring and automated agent configuration in the owner and participant accounts).",
              ],
              documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring-shared-vpc.html"),
        Entry(id: "vpc-endpoint-private-dns", title: "The VPC's DNS attributes do not allow private DNS",
              issueTypes: ["VPC Endpoint Creation Failed"], addonIssueCode: nil, fragments: ["enablednssupport", "enablednshostnames"],
              actionable: true,
              steps: [
                "Set both VPC attributes to true: enableDnsSupport and enableDnsHostnames (Terraform aws_vpc: enable_dns_support = true, enable_dns_hostnames = true; CloudFormation AWS::EC2::VPC: EnableDnsSupport: true, EnableDnsHostnames: true).",
                "When creating the VPC in the Amazon VPC console, select both \"Enable DNS hostnames\" and \"Enable DNS resolution\".",
              ],
              documentation: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html#vpc-dns-updating"),
        Entry(id: "shared-vpc-endpoint-deletion", title: "A participant account cannot delete the shared VPC endpoint",
              issueTypes: ["Shared VPC Endpoint Deletion Failed"], addonIssueCode: nil, fragments: ["shared vpc endpoint deletion not allowed"], anyExtra: true,
              actionable: true,
              steps: [
                "Turning off Runtime Monitoring in a participant account does not change the shared VPC endpoint policy or the security group in the owner account.",
                "To delete the shared VPC endpoint and its security group, turn off Runtime Monitoring or automated agent configuration in the shared VPC's owner account; participants cannot delete them.",
              ],
              documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring-shared-vpc.html"),
        Entry(id: "local-eks-cluster", title: "EKS local cluster on AWS Outposts",
              issueTypes: ["Local EKS clusters"], addonIssueCode: nil, fragments: ["not supported on local outpost"], anyExtra: true,
              actionable: false,
              steps: [
                "Not actionable: EKS add-ons are not supported on local clusters on Outposts, so GuardDuty cannot deploy its agent there (see \"Amazon EKS on AWS Outposts\").",
              ],
              documentation: "https://docs.aws.amazon.com/eks/latest/userguide/eks-outposts.html"),
        Entry(id: "enablement-permission", title: "Permission to enable EKS Runtime Monitoring was not granted",
              issueTypes: ["EKS Runtime Monitoring enablement permission not granted"], addonIssueCode: nil, fragments: [], anyExtra: true,
              actionable: true,
              steps: [
                "If the issue has extra information, fix its root cause first.",
                "Turn EKS Runtime Monitoring off and on again, and make sure the GuardDuty agent is deployed, either automatically by GuardDuty or manually.",
              ],
              documentation: troubleshootingAnchor),
        Entry(id: "enablement-provisioning", title: "Resources for EKS Runtime Monitoring are still being provisioned",
              issueTypes: ["EKS Runtime Monitoring enablement resource provisioning in progress"], addonIssueCode: nil, fragments: [], anyExtra: true,
              actionable: false,
              steps: [
                "Not actionable: after enabling EKS Runtime Monitoring the status can stay Unhealthy until the provisioning step completes. GuardDuty monitors and updates the status periodically; check again later.",
              ],
              documentation: troubleshootingAnchor),
        Entry(id: "others-authorization", title: "Authorization failure",
              issueTypes: ["Others"], addonIssueCode: nil, fragments: ["authorization"],
              actionable: true,
              steps: [
                "Turn EKS Runtime Monitoring off and on again, and make sure the GuardDuty agent is deployed, either automatically by GuardDuty or manually.",
              ],
              documentation: troubleshootingAnchor),
    ]

    /// What triage found for one issue string.
    public struct Result: Sendable {
        /// The issue type recognised at the start of the string (nil: none).
        public var issueType: String?
        /// The extra information after the type.
        public var extra: String
        /// `AddonIssueCode` and message of an `EKS Addon issue - Code: message` extra.
        public var addonIssueCode: String?
        public var addonIssueMessage: String?
        /// Whether the add-on issue code is one of the EKS API's codes.
        public var addonIssueCodeKnown: Bool
        /// The matching table entry; nil when not recognised.
        public var entry: Entry?

        public var recognised: Bool { entry != nil }
    }

    /// Recognises an issue string (`Issue type: Extra information`).
    public static func triage(_ issue: String) -> Result {
        let text = issue.triageTrimmed()
        var type: String?
        var extra = text
        for t in issueTypes.sorted(by: { $0.count > $1.count }) where text.lowercased().hasPrefix(t.lowercased()) {
            let rest = text.dropFirst(t.count)
            // The type must end there: followed by nothing, `:` or whitespace.
            guard rest.isEmpty || rest.first == ":" || rest.first == " " else { continue }
            type = t
            var r = Substring(rest)
            if r.first == ":" { r = r.dropFirst() }
            extra = String(r).triageTrimmed()
            break
        }
        var code: String?
        var message: String?
        let marker = "eks addon issue"
        if let start = find(marker, in: extra) {
            var rest = extra[start...].dropFirst(marker.count).drop { $0 == " " }
            if rest.first == "-" { rest = rest.dropFirst().drop { $0 == " " } }
            if let colon = rest.firstIndex(of: ":") {
                code = String(rest[..<colon]).triageTrimmed()
                message = String(rest[rest.index(after: colon)...]).triageTrimmed()
            } else {
                code = String(rest).triageTrimmed()
                message = ""
            }
        }
        let known = code.map { c in addonIssueCodes.contains(c) } ?? false
        let lowerExtra = extra.lowercased()
        var entry: Entry?
        for e in entries {
            if let t = type, !e.issueTypes.contains(t) { continue }
            if let wanted = e.addonIssueCode {
                guard let code, known, wanted == "*" || wanted == code else { continue }
                if e.fragments.allSatisfy({ lowerExtra.contains($0) }) { entry = e; break }
                continue
            }
            if type != nil && e.anyExtra { entry = e; break }
            if !e.fragments.isEmpty && e.fragments.allSatisfy({ lowerExtra.contains($0) }) { entry = e; break }
        }
        return Result(issueType: type, extra: extra, addonIssueCode: code, addonIssueMessage: message,
                      addonIssueCodeKnown: known, entry: entry)
    }

    /// Where `needle` (lower case ASCII) starts in `text`, ignoring case.
    static func find(_ needle: String, in text: String) -> String.Index? {
        var i = text.startIndex
        while i < text.endIndex {
            if text[i...].prefix(needle.count).lowercased() == needle { return i }
            i = text.index(after: i)
        }
        return nil
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    func triageTrimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
