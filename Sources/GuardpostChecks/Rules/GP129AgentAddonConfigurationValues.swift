import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge

/// `configurationValues` the add-on rejects (or that make its pods unschedulable): invalid JSON, unknown keys or
/// dnsPolicy values, `disableCpuLimits` on agents that do not know it, resources outside the documented range,
/// PriorityClasses that do not exist.
public struct AgentAddonConfigurationValuesRule: Rule {
    public init() {}
    static let schemaAssumption = "addon-configuration-schema"
    static let boundsAssumption = "agent-resource-bounds"

    public let metadata = RuleMetadata(
        id: "GP129", name: "agent-addon-configuration-values",
        title: "The aws-guardduty-agent add-on's configuration values are invalid or outside what the agent accepts",
        severity: .error, issueType: "Addon Creation Failed",
        rationale: "CreateAddon and UpdateAddon validate configurationValues against the add-on's schema: the value must be a JSON (or YAML) object; the GuardDuty agent accepts resources (requests/limits of cpu and memory), priorityClassName and dnsPolicy (ClusterFirst, ClusterFirstWithHostNet or Default) from agent v1.5.0; {\"resources\":{\"disableCpuLimits\":true}} only from v1.12.1-eksbuild.3 — older agents return a validation error. A rejected value fails the apply, so the add-on is not created (or not updated). Resources outside the documented CPU (200m-1000m) and memory (256Mi-1024Mi) range, requests above limits, and a priorityClassName that exists nowhere are warnings: they rest on assumptions about the schema, or make the agent's pods unschedulable.",
        remediation: [
            .terraformPlan: "Write configuration_values with jsonencode so it is valid JSON, and only with keys the agent accepts:\n  configuration_values = jsonencode({\n    priorityClassName = \"aws-guardduty-agent.priorityclass-high\"\n    dnsPolicy         = \"ClusterFirst\"\n    resources = { requests = { cpu = \"200m\", memory = \"256Mi\" }, limits = { cpu = \"1000m\", memory = \"1024Mi\" } }\n  })\nUse disableCpuLimits only with addon_version v1.12.1-eksbuild.3 or later.",
            .terraformJSON: "Make \"configuration_values\" a JSON object string with only resources, priorityClassName and dnsPolicy (ClusterFirst, ClusterFirstWithHostNet, Default); use disableCpuLimits only with addon_version v1.12.1-eksbuild.3 or later.",
            .cloudFormation: "Make ConfigurationValues a JSON object string with only resources, priorityClassName and dnsPolicy (ClusterFirst, ClusterFirstWithHostNet, Default); use disableCpuLimits only with AddonVersion v1.12.1-eksbuild.3 or later.",
        ],
        documentation: "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-configure-security-agent-eks-addon.html",
        examples: AgentAddonConfigurationValuesExamples.all)

    struct Problem {
        var message: String
        var severity: Severity
        var assumptions: [String]
        /// Whether the API rejects it (the apply fails) rather than a risk.
        var rejected: Bool
    }

    public func check(_ context: CheckContext) -> [Finding] {
        let infra = context.infrastructure
        var out: [Finding] = []
        for a in AgentAddon.all(context) {
            let addon = infra.addons[a]
            if let c = addon.cluster, context.clusterContexts[c].runtimeMonitoring.toggle == .disabled { continue }
            let values = addon.configurationValues
            guard values.value != nil, let parsed = AgentAddon.configuration(addon) else { continue }
            var problems: [Problem] = []
            switch parsed {
            case .invalid(let why):
                problems.append(Problem(message: "\(values.name) is rejected: \(why)", severity: .error, assumptions: [], rejected: true))
            case .object(let node, _):
                problems += self.problems(node, addon: addon, context: context)
            }
            let clusterText = addon.cluster.map { " of \(GuardDutyEndpoints.clusterLabel($0, infra))" } ?? ""
            for p in problems {
                let message = "\(addon.resource.address)\(clusterText): \(p.message)"
                var f = finding(message, at: values.location ?? addon.resource.location, resource: addon.resource, attribute: values.name,
                                effect: p.rejected ? .unhealthy(GuardDutyIssues.addonChangeFailed(addon)) : .none, severity: p.severity,
                                assumptions: p.rejected && !p.assumptions.contains(Self.schemaAssumption) ? p.assumptions + [Self.schemaAssumption] : p.assumptions)
                if let c = addon.cluster {
                    f.cluster = infra.clusters[c].resource.address
                    f.clusterIndex = c
                }
                out.append(f)
            }
        }
        return out
    }

    func problems(_ node: Node, addon: EKSAddon, context: CheckContext) -> [Problem] {
        let r = context.knowledge.agentResources
        var out: [Problem] = []
        let version = addon.addonVersion.value.flatMap(AgentVersion.init)
        if let version, version < r.configurationValuesMinimumAgent {
            out.append(Problem(message: "configuration values need agent \(r.configurationValuesMinimumAgent) or later; \(addon.addonVersion.name) is \(version): the API rejects them",
                               severity: .error, assumptions: [], rejected: true))
        }
        for e in node.entries ?? [] where !r.configurationValuesKeys.contains(e.key) {
            out.append(Problem(message: "key '\(e.key)' is not one the agent accepts (\(r.configurationValuesKeys.joined(separator: ", "))): the schema validation is expected to reject it",
                               severity: .error, assumptions: [Self.schemaAssumption], rejected: true))
        }
        if let dns = node["dnsPolicy"] {
            if let s = dns.scalarText, !r.dnsPolicyValues.contains(s) {
                out.append(Problem(message: "dnsPolicy '\(s)' is not one of \(r.dnsPolicyValues.joined(separator: ", ")): it is expected to be rejected",
                                   severity: .error, assumptions: [Self.schemaAssumption], rejected: true))
            }
        }
        if let pc = node["priorityClassName"]?.scalarText, !r.priorityClassValues.contains(pc) {
            let defined = context.infrastructure.kubernetesObjects.contains { $0.kind == "PriorityClass" && $0.name == pc }
            if !defined {
                out.append(Problem(message: "priorityClassName '\(pc)' is neither one the add-on offers (\(r.priorityClassValues.joined(separator: ", "))) nor a PriorityClass in the scanned manifests: pods naming a missing PriorityClass are rejected, and the DaemonSet gets no replicas",
                                   severity: .warning, assumptions: [Self.schemaAssumption], rejected: false))
            }
        }
        if let resources = node["resources"] {
            if resources["disableCpuLimits"]?.bool == true || resources["disableCpuLimits"]?.string == "true" {
                if let version, version < r.disableCpuLimitsMinimumAgent {
                    out.append(Problem(message: "disableCpuLimits needs agent \(r.disableCpuLimitsMinimumAgent) or later; \(addon.addonVersion.name) is \(version): CreateAddon/UpdateAddon return a validation error",
                                       severity: .error, assumptions: [], rejected: true))
                }
            }
            out += bounds(resources, r)
        }
        return out
    }

    /// Requests and limits against the documented range and each other.
    func bounds(_ resources: Node, _ r: AgentResources) -> [Problem] {
        var out: [Problem] = []
        let cpuRange = (ResourceQuantity.cpuMillicores(r.minCPU) ?? 200, ResourceQuantity.cpuMillicores(r.maxCPU) ?? 1000)
        let memRange = (ResourceQuantity.memoryMiB(r.minMemory) ?? 256, ResourceQuantity.memoryMiB(r.maxMemory) ?? 1024)
        var effective: [String: [String: Double]] = [
            "requests": ["cpu": ResourceQuantity.cpuMillicores(r.requestsCPU) ?? 200, "memory": ResourceQuantity.memoryMiB(r.requestsMemory) ?? 256],
            "limits": ["cpu": ResourceQuantity.cpuMillicores(r.limitsCPU) ?? 1000, "memory": ResourceQuantity.memoryMiB(r.limitsMemory) ?? 1024],
        ]
        for kind in ["requests", "limits"] {
            for (key, range, unit, minText, maxText) in [("cpu", cpuRange, "m", r.minCPU, r.maxCPU), ("memory", memRange, "Mi", r.minMemory, r.maxMemory)] {
                guard let text = resources[kind]?[key]?.scalarText else { continue }
                let parse: (String) -> Double? = key == "cpu" ? ResourceQuantity.cpuMillicores : ResourceQuantity.memoryMiB
                guard let v = parse(text) else {
                    out.append(Problem(message: "resources.\(kind).\(key) '\(text)' is not a Kubernetes quantity: it is expected to be rejected",
                                       severity: .error, assumptions: [Self.schemaAssumption], rejected: true))
                    continue
                }
                effective[kind]?[key] = v
                if v < range.0 {
                    let below = kind == "requests" && r.requestsNotBelowDefaults ? " (requests cannot go below the defaults)" : ""
                    out.append(Problem(message: "resources.\(kind).\(key) \(text) is below the documented minimum \(minText)\(below)",
                                       severity: .warning, assumptions: [Self.boundsAssumption], rejected: false))
                } else if v > range.1 {
                    out.append(Problem(message: "resources.\(kind).\(key) \(text) is above the documented maximum \(maxText) (\(Int(v))\(unit))",
                                       severity: .warning, assumptions: [Self.boundsAssumption], rejected: false))
                }
            }
        }
        for key in ["cpu", "memory"] {
            if key == "cpu", resources["disableCpuLimits"]?.bool == true { continue }
            if let req = effective["requests"]?[key], let lim = effective["limits"]?[key], req > lim {
                out.append(Problem(message: "resources.requests.\(key) is above resources.limits.\(key) (counting the defaults for what is not set): Kubernetes rejects such pods, so the DaemonSet gets no replicas",
                                   severity: .warning, assumptions: [Self.schemaAssumption], rejected: false))
            }
        }
        return out
    }
}

enum AgentAddonConfigurationValuesExamples {
    typealias F = AgentAddonFixture
    static let valid = #"{"priorityClassName":"aws-guardduty-agent.priorityclass-high","dnsPolicy":"Default","resources":{"requests":{"cpu":"250m","memory":"512Mi"},"limits":{"cpu":"1000m","memory":"1024Mi"}}}"#
    static let noCPULimits = #"{"resources":{"disableCpuLimits":true}}"#
    static let priorityClass = (name: "priorityclass.yaml", content: """
    apiVersion: scheduling.k8s.io/v1
    kind: PriorityClass
    metadata:
      name: security-agents
    value: 1000000
    preemptionPolicy: PreemptLowerPriority
    """ + "\n")

    static let all: [RuleExample] = [
        RuleExample("plan: configuration_values is not valid JSON", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.configurationValues = #"{"dnsPolicy": "Default","#  }),
                    expect: [.init("aws_eks_addon.guardduty", attribute: "configuration_values")]),
        RuleExample("plan: disableCpuLimits on v1.12.1-eksbuild.2", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.configurationValues = noCPULimits; $0.version = "v1.12.1-eksbuild.2" }),
                    expect: [.init("aws_eks_addon.guardduty", attribute: "configuration_values")]),
        RuleExample("plan: disableCpuLimits on v1.12.1-eksbuild.3", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.configurationValues = noCPULimits; $0.version = "v1.12.1-eksbuild.3" }), expect: []),
        RuleExample("plan: documented example values", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.configurationValues = valid }), expect: []),
        RuleExample("plan: memory request below the documented minimum", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.configurationValues = #"{"resources":{"requests":{"memory":"128Mi"}}}"# }),
                    expect: [.init("aws_eks_addon.guardduty", attribute: "configuration_values")]),
        RuleExample("plan: configuration values on agent v1.4.1", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.configurationValues = #"{"dnsPolicy":"Default"}"#; $0.version = "v1.4.1-eksbuild.1" }),
                    expect: [.init("aws_eks_addon.guardduty", attribute: "configuration_values")]),
        RuleExample("tf.json: dnsPolicy None", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.configurationValues = #"{"dnsPolicy":"None"}"# }),
                    expect: [.init("aws_eks_addon.guardduty", attribute: "configuration_values")]),
        RuleExample("tf.json: dnsPolicy ClusterFirstWithHostNet", format: .terraformJSON, file: "main.tf.json",
                    content: F.tfJSON(F.options { $0.configurationValues = #"{"dnsPolicy":"ClusterFirstWithHostNet"}"# }), expect: []),
        RuleExample("cfn: unknown key and a CPU limit above the range", format: .cloudFormation, file: "eks.yaml",
                    content: F.cloudFormation(F.options { $0.configurationValues = #"{"tolerations":[],"resources":{"limits":{"cpu":"4"}}}"# }),
                    expect: [.init("GuardDutyAgent", attribute: "ConfigurationValues")]),
        RuleExample("cfn: documented example values", format: .cloudFormation, file: "eks.yaml",
                    content: F.cloudFormation(F.options { $0.configurationValues = valid }), expect: []),
        RuleExample("plan: priorityClassName of a PriorityClass that is not defined", format: .terraformPlan, file: "plan.json",
                    content: F.plan(F.options { $0.configurationValues = #"{"priorityClassName":"security-agents"}"# }),
                    expect: [.init("aws_eks_addon.guardduty", attribute: "configuration_values")]),
        RuleExample("plan + manifest: priorityClassName of a PriorityClass in the manifests", format: .terraformPlan, files: [
            ("plan.json", F.plan(F.options { $0.configurationValues = #"{"priorityClassName":"security-agents"}"# })), priorityClass,
        ], expect: []),
    ]
}
