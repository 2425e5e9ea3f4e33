import GuardpostDocuments
import GuardpostModel

/// The linked model as JSON: what was found, where, and how it links. For architects to see what
/// guardpost understood.
public struct InventoryReport: Sendable {
    public init() {}

    public func render(_ infra: Infrastructure) -> String { value(infra).render() }

    func attr<T>(_ a: Attribute<T>, _ f: (T) -> JSONValue) -> JSONValue {
        var fields: [(String, JSONValue)] = [("state", .string(a.state.rawValue))]
        if let v = a.value { fields.append(("value", f(v))) }
        if let l = a.location { fields.append(("at", .string(l.description))) }
        if let n = a.note { fields.append(("note", .string(n))) }
        return .object(fields)
    }
    func str(_ a: Attribute<String>) -> JSONValue { attr(a) { .string($0) } }
    func bool(_ a: Attribute<Bool>) -> JSONValue { attr(a) { .bool($0) } }
    func int(_ a: Attribute<Int>) -> JSONValue { attr(a) { .int($0) } }

    func base(_ r: RawResource) -> [(String, JSONValue)] {
        var out: [(String, JSONValue)] = [("address", .string(r.address)), ("type", .string(r.type)),
                                          ("format", .string(r.format.rawValue)), ("at", .string(r.location.description))]
        if let region = r.region { out.append(("region", .string(region))) }
        if let a = r.action { out.append(("action", .string(a.rawValue))) }
        return out
    }

    public func value(_ infra: Infrastructure) -> JSONValue {
        func addr<T>(_ list: [T], _ i: Int?, _ get: (T) -> RawResource) -> JSONValue { i.map { .string(get(list[$0]).address) } ?? .null }
        return .object([
            ("files", .array(infra.files.map { .object([("path", .string($0.file.path)), ("format", .optional($0.format?.rawValue))]) })),
            ("guardDutyFeatures", .array(infra.features.map { f in
                .object(base(f.resource) + [("scope", .string(f.scope.rawValue)), ("name", str(f.name)), ("status", str(f.status)),
                        ("additionalConfiguration", .array(f.additional.map { .object([("name", str($0.name)), ("status", str($0.status))]) }))])
            })),
            ("vpcs", .array(infra.vpcs.map { v in
                .object(base(v.resource) + [("cidr", str(v.cidr)), ("enableDnsSupport", bool(v.enableDnsSupport)),
                        ("enableDnsHostnames", bool(v.enableDnsHostnames)),
                        ("subnets", .array(v.subnetIndexes.map { .string(infra.subnets[$0].resource.address) })),
                        ("endpoints", .array(v.endpointIndexes.map { .string(infra.endpoints[$0].resource.address) }))])
            })),
            ("subnets", .array(infra.subnets.map { s in .object(base(s.resource) + [("vpc", addr(infra.vpcs, s.vpc, \.resource))]) })),
            ("securityGroups", .array(infra.securityGroups.map { g in
                .object(base(g.resource) + [("vpc", addr(infra.vpcs, g.vpc, \.resource)),
                        ("rules", .array(g.rules.map { r in
                            .object([("direction", .string(r.direction)), ("fromPort", .optional(r.fromPort)), ("toPort", .optional(r.toPort)),
                                     ("protocol", .optional(r.proto)), ("cidrs", .array(r.cidrs.map { .string($0) })), ("at", .string(r.location.description))])
                        }))])
            })),
            ("vpcEndpoints", .array(infra.endpoints.map { e in
                .object(base(e.resource) + [("serviceName", str(e.serviceName)), ("type", str(e.endpointType)),
                        ("privateDnsEnabled", bool(e.privateDnsEnabled)), ("vpc", addr(infra.vpcs, e.vpc, \.resource)),
                        ("securityGroups", .array(e.securityGroups.map { .string(infra.securityGroups[$0].resource.address) }))])
            })),
            ("resourceShares", .array(infra.resourceShares.map { s in .object(base(s.resource) + [("name", str(s.name)), ("allowExternalPrincipals", bool(s.allowExternalPrincipals))]) })),
            ("clusters", .array(infra.clusters.map { c in
                .object(base(c.resource) + [("name", str(c.name)), ("version", str(c.version)),
                        ("vpc", addr(infra.vpcs, c.vpc, \.resource)),
                        ("subnets", .array(c.subnets.map { .string(infra.subnets[$0].resource.address) })),
                        ("outpost", .bool(c.outpostConfig.state == .known)), ("autoMode", bool(c.autoMode)),
                        ("hybridNodes", .bool(c.remoteNetworkConfig.state == .known)),
                        ("tags", .object(c.tags.sorted { $0.key < $1.key }.map { ($0.key, str($0.value)) })),
                        ("nodeGroups", .array(c.nodeGroups.map { .string(infra.nodeGroups[$0].resource.address) })),
                        ("fargateProfiles", .array(c.fargateProfiles.map { .string(infra.fargateProfiles[$0].resource.address) })),
                        ("addons", .array(c.addons.map { .string(infra.addons[$0].resource.address) }))])
            })),
            ("nodeGroups", .array(infra.nodeGroups.map { n in
                .object(base(n.resource) + [("cluster", addr(infra.clusters, n.cluster, \.resource)), ("amiType", str(n.amiType)),
                        ("instanceTypes", attr(n.instanceTypes) { .array($0.map { .string($0) }) }),
                        ("desiredSize", int(n.desiredSize)), ("maxSize", int(n.maxSize))])
            })),
            ("fargateProfiles", .array(infra.fargateProfiles.map { f in
                .object(base(f.resource) + [("cluster", addr(infra.clusters, f.cluster, \.resource)), ("namespaces", .array(f.namespaces.map { .string($0) }))])
            })),
            ("addons", .array(infra.addons.map { a in
                .object(base(a.resource) + [("cluster", addr(infra.clusters, a.cluster, \.resource)), ("addonName", str(a.addonName)),
                        ("addonVersion", str(a.addonVersion)), ("resolveConflicts", str(a.resolveConflicts))])
            })),
            ("organizationPolicies", .array(infra.organizationPolicies.map { .object(base($0.resource)) })),
            ("kubernetesObjects", .array(infra.kubernetesObjects.map { o in
                .object([("apiVersion", .string(o.apiVersion)), ("kind", .string(o.kind)), ("name", .string(o.name)),
                         ("namespace", .optional(o.namespace)), ("at", .string(o.location.description))])
            })),
            ("otherResources", .int(infra.resources.count)),
            ("diagnostics", .array(infra.diagnostics.map(ReportEncoding.diagnostic))),
        ])
    }
}
