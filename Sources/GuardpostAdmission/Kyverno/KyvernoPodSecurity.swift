import Foundation

/// `validate.podSecurity`: the Pod Security Standards (baseline, restricted) with Kyverno's `exclude`.
enum KyvernoPodSecurity {
    struct Violation { var control: String; var image: String?; var field: String; var value: String? }

    static let baselineCapabilities: Set<String> = ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
                                                    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]
    static let safeSysctls: Set<String> = ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
                                           "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
                                           "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
                                           "net.ipv4.tcp_keepalive_probes"]
    static let restrictedVolumes: Set<String> = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]

    /// The pod spec and metadata of a Pod or pod controller.
    static func podParts(_ r: KValue) -> (meta: KValue, spec: KValue)? {
        switch r["kind"]?.string ?? "" {
        case "Pod": return (r["metadata"] ?? .null, r["spec"] ?? .null)
        case "CronJob":
            guard let t = r["spec"]?["jobTemplate"]?["spec"]?["template"] else { return nil }
            return (t["metadata"] ?? .null, t["spec"] ?? .null)
        default:
            guard let t = r["spec"]?["template"] else { return nil }
            return (t["metadata"] ?? .null, t["spec"] ?? .null)
        }
    }

    static func check(_ resource: KValue, _ ps: KValue) throws -> [String] {
        let level = (ps["level"]?.string ?? "baseline").lowercased()
        if level == "privileged" { return [] }
        guard let (meta, spec) = podParts(resource) else { return [] }
        var v: [Violation] = []
        let containers = ["containers", "initContainers", "ephemeralContainers"].flatMap { spec[$0]?.array ?? [] }
        let podSC = spec["securityContext"] ?? .null
        func flag(_ x: KValue?) -> Bool { if case .bool(true)? = x { return true }; return false }

        // Baseline.
        if flag(podSC["windowsOptions"]?["hostProcess"]) { v.append(.init(control: "HostProcess", image: nil, field: "spec.securityContext.windowsOptions.hostProcess")) }
        for n in ["hostNetwork", "hostPID", "hostIPC"] where flag(spec[n]) { v.append(.init(control: "Host Namespaces", image: nil, field: "spec.\(n)", value: "true")) }
        for vol in spec["volumes"]?.array ?? [] where vol["hostPath"] != nil {
            v.append(.init(control: "HostPath Volumes", image: nil, field: "spec.volumes[*].hostPath"))
        }
        if let seType = podSC["seLinuxOptions"] { seLinux(seType, nil, &v) }
        if let t = podSC["seccompProfile"]?["type"]?.string, t == "Unconfined" { v.append(.init(control: "Seccomp", image: nil, field: "spec.securityContext.seccompProfile.type", value: t)) }
        for s in podSC["sysctls"]?.array ?? [] {
            let name = s["name"]?.string ?? ""
            if !safeSysctls.contains(name) { v.append(.init(control: "Sysctls", image: nil, field: "spec.securityContext.sysctls[*].name", value: name)) }
        }
        if let t = podSC["appArmorProfile"]?["type"]?.string, t != "RuntimeDefault", t != "Localhost" {
            v.append(.init(control: "AppArmor", image: nil, field: "spec.securityContext.appArmorProfile.type", value: t))
        }
        for (k, val) in meta["annotations"]?.object ?? [:] where k.hasPrefix("container.apparmor.security.beta.kubernetes.io/") {
            let s = val.text
            if s != "runtime/default" && !s.hasPrefix("localhost/") { v.append(.init(control: "AppArmor", image: nil, field: "metadata.annotations[\(k)]", value: s)) }
        }
        for c in containers {
            let image = c["image"]?.string ?? ""
            let sc = c["securityContext"] ?? .null
            if flag(sc["windowsOptions"]?["hostProcess"]) { v.append(.init(control: "HostProcess", image: image, field: "spec.containers[*].securityContext.windowsOptions.hostProcess")) }
            if flag(sc["privileged"]) { v.append(.init(control: "Privileged Containers", image: image, field: "spec.containers[*].securityContext.privileged", value: "true")) }
            for cap in sc["capabilities"]?["add"]?.array ?? [] where !baselineCapabilities.contains(cap.text) {
                v.append(.init(control: "Capabilities", image: image, field: "spec.containers[*].securityContext.capabilities.add", value: cap.text))
            }
            for p in c["ports"]?.array ?? [] {
                if case .number(let hp)? = p["hostPort"], hp != 0 { v.append(.init(control: "Host Ports", image: image, field: "spec.containers[*].ports[*].hostPort", value: KValue.formatNumber(hp))) }
            }
            if let se = sc["seLinuxOptions"] { seLinux(se, image, &v) }
            if let pm = sc["procMount"]?.string, pm != "Default" { v.append(.init(control: "/proc Mount Type", image: image, field: "spec.containers[*].securityContext.procMount", value: pm)) }
            if let t = sc["seccompProfile"]?["type"]?.string, t == "Unconfined" { v.append(.init(control: "Seccomp", image: image, field: "spec.containers[*].securityContext.seccompProfile.type", value: t)) }
            if let t = sc["appArmorProfile"]?["type"]?.string, t != "RuntimeDefault", t != "Localhost" {
                v.append(.init(control: "AppArmor", image: image, field: "spec.containers[*].securityContext.appArmorProfile.type", value: t))
            }
        }

        if level == "restricted" {
            for vol in spec["volumes"]?.array ?? [] {
                let types = (vol.object ?? [:]).keys.filter { $0 != "name" }
                for t in types where !restrictedVolumes.contains(t) && t != "hostPath" {
                    v.append(.init(control: "Volume Types", image: nil, field: "spec.volumes[*].\(t)"))
                }
            }
            let podNonRoot = flag(podSC["runAsNonRoot"])
            if case .number(0)? = podSC["runAsUser"] { v.append(.init(control: "Running as Non-root user", image: nil, field: "spec.securityContext.runAsUser", value: "0")) }
            let podSeccomp = podSC["seccompProfile"]?["type"]?.string
            if let t = podSeccomp, t != "RuntimeDefault", t != "Localhost", t != "Unconfined" {
                v.append(.init(control: "Seccomp", image: nil, field: "spec.securityContext.seccompProfile.type", value: t))
            }
            for c in containers {
                let image = c["image"]?.string ?? ""
                let sc = c["securityContext"] ?? .null
                if sc["allowPrivilegeEscalation"] != .bool(false) {
                    v.append(.init(control: "Privilege Escalation", image: image, field: "spec.containers[*].securityContext.allowPrivilegeEscalation"))
                }
                if case .bool(false)? = sc["runAsNonRoot"] {
                    v.append(.init(control: "Running as Non-root", image: image, field: "spec.containers[*].securityContext.runAsNonRoot", value: "false"))
                } else if !podNonRoot && !flag(sc["runAsNonRoot"]) {
                    v.append(.init(control: "Running as Non-root", image: image, field: "spec.containers[*].securityContext.runAsNonRoot"))
                }
                if case .number(0)? = sc["runAsUser"] { v.append(.init(control: "Running as Non-root user", image: image, field: "spec.containers[*].securityContext.runAsUser", value: "0")) }
                let t = sc["seccompProfile"]?["type"]?.string ?? podSeccomp
                if t == nil || (t != "RuntimeDefault" && t != "Localhost" && t != "Unconfined") {
                    v.append(.init(control: "Seccomp", image: image, field: "spec.containers[*].securityContext.seccompProfile.type", value: t))
                }
                let drops = (sc["capabilities"]?["drop"]?.array ?? []).map { $0.text }
                if !drops.contains("ALL") { v.append(.init(control: "Capabilities", image: image, field: "spec.containers[*].securityContext.capabilities.drop")) }
                for cap in sc["capabilities"]?["add"]?.array ?? [] where cap.text != "NET_BIND_SERVICE" && baselineCapabilities.contains(cap.text) {
                    v.append(.init(control: "Capabilities", image: image, field: "spec.containers[*].securityContext.capabilities.add", value: cap.text))
                }
            }
        }

        // Kyverno's exclusions: a control (optionally for some images, fields and values) is exempted.
        let excludes = ps["exclude"]?.array ?? []
        let remaining = v.filter { viol in
            !excludes.contains { ex in
                guard ex["controlName"]?.string == viol.control else { return false }
                if let images = ex["images"]?.array {
                    guard let img = viol.image, images.contains(where: { Wildcard.match($0.text, img) }) else { return false }
                } else if viol.image != nil && ex["restrictedField"] == nil {
                    return false
                }
                if let field = ex["restrictedField"]?.string {
                    guard field == viol.field else { return false }
                    if let values = ex["values"]?.array {
                        guard let value = viol.value, values.contains(where: { Wildcard.match($0.text, value) }) else { return false }
                    }
                }
                return true
            }
        }
        return remaining.map { "\($0.control) (\($0.field)\($0.value.map { "=" + $0 } ?? ""))" }
    }

    private static func seLinux(_ se: KValue, _ image: String?, _ v: inout [Violation]) {
        if let t = se["type"]?.string, !["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"].contains(t) {
            v.append(.init(control: "SELinux", image: image, field: "seLinuxOptions.type", value: t))
        }
        if let u = se["user"]?.string, !u.isEmpty { v.append(.init(control: "SELinux", image: image, field: "seLinuxOptions.user", value: u)) }
        if let r = se["role"]?.string, !r.isEmpty { v.append(.init(control: "SELinux", image: image, field: "seLinuxOptions.role", value: r)) }
    }
}
