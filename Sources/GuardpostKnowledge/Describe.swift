extension Knowledge {
    /// The human text of `guardpost knowledge`: each table with its source and check date, assumptions flagged.
    /// Deterministic: same data, same text.
    public func describe() -> String {
        var o: [String] = []
        func origin(_ name: String) -> String { origins[name].map { "override \($0)" } ?? "embedded" }
        func flag(_ id: String?) -> String { id.map { "  [ASSUMPTION \($0)]" } ?? "" }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

        o.append("guardpost knowledge (data checked up to \(checkedDate))")
        o.append(origins.isEmpty ? "Data: embedded copy of policies/"
                                 : "Data: policies overridden by " + origins.keys.sorted().map { "\($0) (\(origins[$0]!))" }.joined(separator: ", "))
        o.append("")

        let av = agentVersionsFile
        o.append("Agent versions -> supported Kubernetes versions (agent-versions.json, \(origin("agent-versions.json")))")
        o.append("  source: \(av.source); checked \(av.checked)")
        o.append("  add-on name: \(addonName)")
        o.append("  newest agent: \(newestAgent) (checked \(av.newest.checked))")
        for row in av.versions {
            let latest = row.latestBuild.map { "latest \($0)" } ?? "latest build not listed"
            o.append("  \(pad(row.version, 9)) \(pad(latest, 29)) Kubernetes \(row.kubernetesMin) - \(row.kubernetesMax)")
        }
        o.append("")

        let ev = eksVersionsFile
        o.append("EKS Kubernetes version calendar (eks-versions.json, \(origin("eks-versions.json")))")
        o.append("  source: \(ev.source); checked \(ev.checked)")
        o.append("  lifecycle: \(ev.lifecycle.standardSupportMonths) months standard + \(ev.lifecycle.extendedSupportMonths) months extended support")
        o.append("  version  EKS release  end of standard  end of extended")
        for e in calendar {
            o.append("  \(pad(e.version.description, 8)) \(pad(e.eksRelease ?? "?", 12)) \(pad(e.endOfStandardSupport ?? "?", 16)) \(e.endOfExtendedSupport ?? "?")" + flag(e.assumptionId))
        }
        o.append("  default when a cluster sets no version: \(defaultEKSVersion)" + flag(ev.defaultVersion.assumptionId))
        o.append("")

        let rg = registriesFile
        o.append("Agent image registries (agent-registries.json, \(origin("agent-registries.json")))")
        o.append("  image: \(rg.repository.imageTemplate) with tag \(rg.repository.tagTemplate)" + flag(rg.repository.assumptionId))
        for s in rg.sets {
            var applies: [String] = []
            if let lo = s.agentMin, let hi = s.agentMax { applies.append("\(lo) - \(hi)") }
            else if let lo = s.agentMin { applies.append("\(lo) and newer") }
            else if let hi = s.agentMax { applies.append("\(hi) and older") }
            applies += s.builds
            o.append("  set \(s.id): agents \(applies.joined(separator: ", "))" + flag(s.assumptionId))
            o.append("    source: \(s.source); checked \(s.checked)")
            for r in s.regions.sorted(by: { $0.region < $1.region }) {
                o.append("    \(pad(r.region, 15)) \(r.registries.joined(separator: ", "))")
            }
        }
        o.append("")

        let rs = resourcesFile
        let r = agentResources
        o.append("Agent resources and configuration (agent-resources.json, \(origin("agent-resources.json")))")
        o.append("  defaults: requests cpu \(r.requestsCPU), memory \(r.requestsMemory); limits cpu \(r.limitsCPU), memory \(r.limitsMemory) (checked \(rs.defaults.checked))")
        o.append("  bounds: cpu \(r.minCPU) - \(r.maxCPU), memory \(r.minMemory) - \(r.maxMemory)" + flag(rs.bounds.assumptionId))
        o.append("  configurationValues from agent \(r.configurationValuesMinimumAgent): \(r.configurationValuesKeys.joined(separator: ", "))")
        o.append("  disableCpuLimits from agent \(r.disableCpuLimitsMinimumAgent)")
        o.append("  dnsPolicy: \(r.dnsPolicyValues.joined(separator: ", ")) (default \(r.dnsPolicyDefault))")
        o.append("  priorityClassName: \(r.priorityClassValues.joined(separator: ", ")) (default \(r.priorityClassDefault), preemptionPolicy \(r.defaultPreemptionPolicy))")
        o.append("  Amazon Linux 2023 needs agent \(r.al2023MinimumAgent); Bottlerocket needs Kubernetes \(r.bottlerocketMinimumKubernetes)")
        o.append("  not supported: \(r.unsupportedComputeTypes.joined(separator: ", ")); instance families \(r.unsupportedInstanceFamilies.joined(separator: ", ")); kernel needs \(r.kernelRequirement)")
        o.append("  source: \(rs.source); checked \(rs.checked)")
        o.append("")

        let ob = objectsFile
        o.append("Objects the add-on installs (agent-objects.json, \(origin("agent-objects.json")))")
        o.append("  requested by user \(agentRequestUser) (ClusterRoleBinding \(addonClusterRoleBinding) -> \(ob.request.clusterRole))")
        for t in objectTemplates {
            let kind = t["kind"]?.string ?? "?"
            let name = t["metadata"]?["name"]?.string ?? "?"
            let ns = t["metadata"]?["namespace"]?.string.map { "\($0)/" } ?? ""
            o.append("  \(kind)/\(ns)\(name)")
        }
        o.append("  source: \(ob.source); checked \(ob.checked)")
        o.append("")

        let it = instanceTypesFile
        o.append("Instance sizes (instance-types.json, \(origin("instance-types.json")))")
        o.append("  source: \(it.source); checked \(it.checked)")
        o.append("  allocatable: memory - (\(it.allocatable.memoryReservedMiBPerPod) x pods + \(it.allocatable.memoryReservedMiBBase) MiB) - \(it.allocatable.evictionHardMiB) MiB eviction; cpu reserved "
                 + it.allocatable.cpuReservedPercent.map { "\($0.cores == 0 ? "rest" : "\($0.cores)") x \($0.percent)%" }.joined(separator: ", ") + flag(it.allocatable.assumptionId))
        o.append("  system pods: " + systemPods.map { $0.replicas == 0 ? "\($0.name) (every node)" : "\($0.name) x\($0.replicas)" }.joined(separator: ", ") + flag(it.systemPods.assumptionId))
        for t in instanceTypes {
            let a = allocatable(t)
            o.append("  \(pad(t.name, 11)) \(t.vcpu) vCPU \(pad("\(t.memoryMiB) MiB", 9)) \(pad("\(t.maxPods) pods", 8)) allocatable \(Int(a.cpuMillicores))m, \(Int(a.memoryMiB)) MiB")
        }
        o.append("")

        let gi = integrationFile
        o.append("GuardDuty integration (guardduty-integration.json, \(origin("guardduty-integration.json")))")
        o.append("  agent calls \(gi.agentTelemetry.action) with \(gi.agentTelemetry.credentials)")
        o.append("  endpoint: \(gi.endpoint.service) (\(gi.endpoint.type), private DNS \(gi.endpoint.privateDns), port \(gi.endpoint.port)); FIPS \(gi.endpoint.fipsService)")
        o.append("  automated agent configuration: \(gi.automatedAgentConfiguration.serviceLinkedRole) calls \(gi.automatedAgentConfiguration.actions.joined(separator: ", ")) with tag \(gi.automatedAgentConfiguration.tagKey)" + flag(gi.automatedAgentConfiguration.assumptionId))
        o.append("  SCPs: service-linked roles exempt \(gi.organizations.serviceLinkedRolesExempt), management account exempt \(gi.organizations.managementAccountExempt)")
        o.append("  shared VPC owner needs: \(gi.sharedVPC.ownerNeeds.joined(separator: " + "))" + flag(gi.sharedVPC.assumptionId))
        o.append("  add-on configurationValues validated against the add-on's schema" + flag(gi.addonConfiguration.assumptionId))
        o.append("  source: \(gi.source); checked \(gi.checked)")
        o.append("")

        o.append("Assumptions (UNCONFIRMED facts; findings that rest on one cite its id)")
        for a in assumptions {
            o.append("  [\(a.id)] \(a.file) \(a.path)")
            o.append("    \(a.text)")
            o.append("    source: \(a.source); checked \(a.checked)")
        }
        return o.joined(separator: "\n") + "\n"
    }
}
