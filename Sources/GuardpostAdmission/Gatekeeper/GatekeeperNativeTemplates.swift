import Foundation
import GuardpostDocuments

/// A gatekeeper-library ConstraintTemplate we evaluate natively, recognised by its Rego.
struct GatekeeperNativeTemplate {
    /// The library's Rego package (`k8sallowedrepos`).
    var package: String
    /// The library's kind (`K8sAllowedRepos`), for reports; a user may rename it.
    var libraryKind: String
    /// Fragments of the Rego (whitespace removed) that must all be present: the behaviour we reimplement.
    var fingerprint: [String]
    var evaluate: (GatekeeperReviewInput) -> [GatekeeperViolation]
}

enum GatekeeperNativeTemplates {
    static let all: [GatekeeperNativeTemplate] = [
        allowedRepos, allowedReposV2, disallowedRepos, disallowedTags, requiredLabels, requiredAnnotations,
        requiredResources, verifyDeprecatedAPI, privileged, hostNamespace, hostFilesystem, capabilities,
        allowedUsers, readOnlyRootFilesystem, allowPrivilegeEscalation, hostNetworkingPorts, volumeTypes,
    ]

    /// Removes comments and all whitespace, so formatting changes do not defeat recognition.
    static func normalize(_ rego: String) -> String {
        if let ascii = normalizeASCII(rego) { return ascii }
        var out = ""
        for line in rego.split(separator: "\n", omittingEmptySubsequences: false) {
            var inString = false
            var kept = ""
            for ch in line {
                if ch == "\"" { inString.toggle() }
                if ch == "#" && !inString { break }
                kept.append(ch)
            }
            out += kept.filter { !$0.isWhitespace }
        }
        return out
    }

    /// `normalize` for ASCII text (almost all Rego), over bytes: the same lines (split at a newline that
    /// does not follow a carriage return: CR LF is one Character), the same quote and comment rule, the
    /// same whitespace (ASCII: tab, LF, VT, FF, CR, space). nil when the text is not ASCII.
    static func normalizeASCII(_ rego: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(rego.utf8.count)
        var inString = false
        var inComment = false
        var previous: UInt8 = 0
        for c in rego.utf8 {
            if c >= 0x80 { return nil }
            if c == 0x0A && previous != 0x0D {
                // A new line: the quote and comment state start over.
                inString = false
                inComment = false
                previous = c
                continue
            }
            previous = c
            if inComment { continue }
            if c == 0x22 { inString.toggle() }
            if c == 0x23 && !inString { inComment = true; continue }
            if c == 0x20 || (c >= 0x09 && c <= 0x0D) { continue }
            out.append(c)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The library's fingerprints, normalized once.
    static let normalizedFingerprints: [String: [String]] = Dictionary(
        all.map { ($0.package, $0.fingerprint.map(normalize)) }, uniquingKeysWith: { a, _ in a })

    /// Whether `haystack` contains `needle`: bytewise when both are ASCII (where it is the same as
    /// Foundation's search), Foundation's `contains` otherwise.
    static func contains(_ haystack: String, _ needle: String, haystackIsASCII: Bool) -> Bool {
        guard haystackIsASCII, needle.utf8.allSatisfy({ $0 < 0x80 }) else { return haystack.contains(needle) }
        let h = Array(haystack.utf8), n = Array(needle.utf8)
        if n.isEmpty { return haystack.contains(needle) }
        if n.count > h.count { return false }
        let first = n[0]
        var i = 0
        let last = h.count - n.count
        while i <= last {
            if h[i] == first {
                var j = 1
                while j < n.count && h[i + j] == n[j] { j += 1 }
                if j == n.count { return true }
            }
            i += 1
        }
        return false
    }

    static func package(of rego: String) -> String? {
        for line in rego.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("package ") { return String(t.dropFirst("package ".count)).trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    /// The native template whose fingerprint the Rego carries; the package name is preferred, but a
    /// renamed package with the library's body is recognised too.
    static func recognize(rego: String) -> GatekeeperNativeTemplate? {
        let normalized = normalize(rego)
        let pkg = package(of: rego)
        let ascii = normalized.utf8.allSatisfy { $0 < 0x80 }
        func matches(_ t: GatekeeperNativeTemplate) -> Bool {
            (normalizedFingerprints[t.package] ?? t.fingerprint.map(normalize)).allSatisfy { contains(normalized, $0, haystackIsASCII: ascii) }
        }
        if let pkg, let t = all.first(where: { $0.package == pkg }), matches(t) { return t }
        if let pkg, all.contains(where: { $0.package == pkg }) { return nil }
        return all.first(where: matches)
    }

    // MARK: Helpers shared by several templates

    static let containerFields: [(field: String, label: String)] = [
        ("containers", "container"), ("initContainers", "initContainer"), ("ephemeralContainers", "ephemeralContainer"),
    ]

    static func regexMatch(_ pattern: String, _ value: String) -> Bool {
        guard let re = try? NSRegularExpression(pattern: pattern) else { return false }
        return re.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
    }

    static func compare(_ a: Node?, _ b: Node?) -> (Double, Double)? {
        guard let x = a?.number, let y = b?.number else { return nil }
        return (x, y)
    }

    // MARK: General

    static let allowedRepos = GatekeeperNativeTemplate(
        package: "k8sallowedrepos", libraryKind: "K8sAllowedRepos",
        fingerprint: ["not strings.any_prefix_match(container.image, input.parameters.repos)", "has an invalid image repo"]
    ) { input in
        guard let reposNode = input.param("repos") else { return [] }
        let repos = GatekeeperRego.strings(reposNode)
        var out: [GatekeeperViolation] = []
        for (field, label) in containerFields {
            for c in input.containers(field) {
                guard let image = c["image"]?.string, let name = c["name"] else { continue }
                if repos.contains(where: { image.hasPrefix($0) }) { continue }
                out.append(.init(msg: "\(label) <\(GatekeeperRego.format(name))> has an invalid image repo <\(image)>, allowed repos are \(GatekeeperRego.formatNested(reposNode))"))
            }
        }
        return out
    }

    static let allowedReposV2 = GatekeeperNativeTemplate(
        package: "k8sallowedreposv2", libraryKind: "K8sAllowedReposv2",
        fingerprint: ["not image_matches(container.image, input.parameters.allowedImages)", "prefix := trim_suffix(i_image, \"*\")"]
    ) { input in
        guard let allowedNode = input.param("allowedImages") else { return [] }
        let allowed = GatekeeperRego.strings(allowedNode)
        func matches(_ image: String) -> Bool {
            allowed.contains { $0.hasSuffix("*") ? image.hasPrefix(String($0.dropLast())) : $0 == image }
        }
        var out: [GatekeeperViolation] = []
        for (field, label) in containerFields {
            for c in input.containers(field) {
                guard let image = c["image"]?.string, let name = c["name"] else { continue }
                if matches(image) { continue }
                out.append(.init(msg: "\(label) <\(GatekeeperRego.format(name))> has an invalid image <\(image)>, allowed images are \(GatekeeperRego.formatNested(allowedNode))"))
            }
        }
        return out
    }

    static let disallowedRepos = GatekeeperNativeTemplate(
        package: "k8sdisallowedrepos", libraryKind: "K8sDisallowedRepos",
        fingerprint: ["startswith(image, input.parameters.repos[_])", "disallowed repos are"]
    ) { input in
        guard let reposNode = input.param("repos") else { return [] }
        let repos = GatekeeperRego.strings(reposNode)
        var out: [GatekeeperViolation] = []
        for (field, label) in containerFields {
            for c in input.containers(field) {
                guard let image = c["image"]?.string, let name = c["name"] else { continue }
                if !repos.contains(where: { image.hasPrefix($0) }) { continue }
                out.append(.init(msg: "\(label) <\(GatekeeperRego.format(name))> has an invalid image repo <\(image)>, disallowed repos are \(GatekeeperRego.formatNested(reposNode))"))
            }
        }
        return out
    }

    static let disallowedTags = GatekeeperNativeTemplate(
        package: "k8sdisallowedtags", libraryKind: "K8sDisallowedTags",
        fingerprint: ["strings.any_suffix_match(container.image, tags)", "didn't specify an image tag"]
    ) { input in
        var out: [GatekeeperViolation] = []
        let tagsNode = input.param("tags")
        let tags = GatekeeperRego.strings(tagsNode).map { ":" + $0 }
        for c in input.allContainers where !input.isExempt(c) {
            guard let image = c["image"]?.string, let name = c["name"] else { continue }
            if let tagsNode, tags.contains(where: { image.hasSuffix($0) }) {
                out.append(.init(msg: "container <\(GatekeeperRego.format(name))> uses a disallowed tag <\(image)>; disallowed tags are \(GatekeeperRego.formatNested(tagsNode))"))
            }
            let last = image.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            if !last.contains(":") {
                out.append(.init(msg: "container <\(GatekeeperRego.format(name))> didn't specify an image tag <\(image)>"))
            }
        }
        return out
    }

    static func requiredKeys(input: GatekeeperReviewInput, metadataField: String, paramField: String,
                             defaultMessage: (Set<String>) -> String, detailsKey: String,
                             regexMessage: (String, String, String) -> String, customMessage: Bool) -> [GatekeeperViolation] {
        var out: [GatekeeperViolation] = []
        let present = input.object.at(["metadata", .key(metadataField)])
        let provided = GatekeeperRego.truthyKeys(present)
        let expected = GatekeeperRego.elements(input.param(paramField))
        let required = Set(expected.compactMap { $0["key"]?.scalarText })
        let message = customMessage && GatekeeperRego.truthy(input.param("message")) ? input.param("message") : nil
        let missing = required.subtracting(provided)
        if !missing.isEmpty {
            let msg = message.map { GatekeeperRego.format($0) } ?? defaultMessage(missing)
            out.append(.init(msg: msg, details: "{\"\(detailsKey)\": \(GatekeeperRego.formatSet(missing))}"))
        }
        for entry in present?.entries ?? [] {
            let value = entry.value.scalarText ?? ""
            for e in expected where e["key"]?.scalarText == entry.key {
                guard let regex = e["allowedRegex"], !(regex.string == "") else { continue }
                let pattern = regex.scalarText ?? ""
                if regexMatch(pattern, value) { continue }
                let msg = message.map { GatekeeperRego.format($0) } ?? regexMessage(entry.key, value, pattern)
                out.append(.init(msg: msg))
            }
        }
        return out
    }

    static let requiredLabels = GatekeeperNativeTemplate(
        package: "k8srequiredlabels", libraryKind: "K8sRequiredLabels",
        fingerprint: ["required := {label | label := input.parameters.labels[_].key}", "not regex.match(expected.allowedRegex, value)"]
    ) { input in
        requiredKeys(input: input, metadataField: "labels", paramField: "labels",
                     defaultMessage: { "you must provide labels: \(GatekeeperRego.formatSet($0))" }, detailsKey: "missing_labels",
                     regexMessage: { "Label <\($0): \($1)> does not satisfy allowed regex: \($2)" }, customMessage: true)
    }

    static let requiredAnnotations = GatekeeperNativeTemplate(
        package: "k8srequiredannotations", libraryKind: "K8sRequiredAnnotations",
        fingerprint: ["required := {annotation | annotation := input.parameters.annotations[_].key}", "not regex.match(expected.allowedRegex, value)"]
    ) { input in
        requiredKeys(input: input, metadataField: "annotations", paramField: "annotations",
                     defaultMessage: { "you must provide annotation(s): \(GatekeeperRego.formatSet($0))" }, detailsKey: "missing_annotations",
                     regexMessage: { "Annotation <\($0): \($1)> does not satisfy allowed regex: \($2)" }, customMessage: false)
    }

    static let requiredResources = GatekeeperNativeTemplate(
        package: "k8srequiredresources", libraryKind: "K8sRequiredResources",
        fingerprint: ["provided := {resource_type | container.resources.limits[resource_type]}", "requests defined"]
    ) { input in
        var out: [GatekeeperViolation] = []
        for field in ["containers", "initContainers"] {
            for c in input.containers(field) where !input.isExempt(c) {
                guard let name = c["name"] else { continue }
                for kind in ["limits", "requests"] {
                    let provided = GatekeeperRego.truthyKeys(c.at(["resources", .key(kind)]))
                    let required = Set(GatekeeperRego.strings(input.param(kind)))
                    let missing = required.subtracting(provided)
                    if !missing.isEmpty {
                        out.append(.init(msg: "container <\(GatekeeperRego.format(name))> does not have <\(GatekeeperRego.formatSet(missing))> \(kind) defined"))
                    }
                }
            }
        }
        return out
    }

    static let verifyDeprecatedAPI = GatekeeperNativeTemplate(
        package: "verifydeprecatedapi", libraryKind: "VerifyDeprecatedAPI",
        fingerprint: ["kvs.deprecatedAPI == input.review.object.apiVersion", "please see Kubernetes API deprecation guide"]
    ) { input in
        var out: [GatekeeperViolation] = []
        guard let apiVersion = input.object["apiVersion"], let kind = input.object["kind"],
              let version = input.param("k8sVersion") else { return [] }
        for kvs in GatekeeperRego.elements(input.param("kvs")) {
            guard GatekeeperRego.equal(kvs["deprecatedAPI"], apiVersion) else { continue }
            guard GatekeeperRego.elements(kvs["kinds"]).contains(where: { GatekeeperRego.equal($0, kind) }) else { continue }
            guard let target = kvs["targetAPI"] else { continue }
            let k = GatekeeperRego.format(kind), a = GatekeeperRego.format(apiVersion), v = GatekeeperRego.format(version)
            if target.string == "None" {
                out.append(.init(msg: "API \(k) for \(a) is deprecated in Kubernetes version \(v), please see Kubernetes API deprecation guide"))
            } else {
                out.append(.init(msg: "API \(k) for \(a) is deprecated in Kubernetes version \(v), please use \(GatekeeperRego.format(target)) instead"))
            }
        }
        return out
    }

    // MARK: Pod security policy

    static let privileged = GatekeeperNativeTemplate(
        package: "k8spspprivileged", libraryKind: "K8sPSPPrivilegedContainer",
        fingerprint: ["c.securityContext.privileged", "Privileged container is not allowed"]
    ) { input in
        if input.isUpdate { return [] }
        return input.allContainers.compactMap { c in
            guard !input.isExempt(c), GatekeeperRego.truthy(c.at(["securityContext", "privileged"])), let name = c["name"] else { return nil }
            return .init(msg: "Privileged container is not allowed: \(GatekeeperRego.format(name)), securityContext: \(GatekeeperRego.format(c["securityContext"]))", details: "{}")
        }
    }

    static let hostNamespace = GatekeeperNativeTemplate(
        package: "k8spsphostnamespace", libraryKind: "K8sPSPHostNamespace",
        fingerprint: ["o.spec.hostPID", "o.spec.hostIPC", "Sharing the host namespace is not allowed"]
    ) { input in
        if input.isUpdate { return [] }
        guard GatekeeperRego.truthy(input.spec?["hostPID"]) || GatekeeperRego.truthy(input.spec?["hostIPC"]), let name = input.name else { return [] }
        return [.init(msg: "Sharing the host namespace is not allowed: \(GatekeeperRego.format(name))", details: "{}")]
    }

    static func pathArray(_ p: String) -> [String] {
        if p == "/" { return [] }
        let trimmed = p.drop(while: { $0 == "/" }).reversed().drop(while: { $0 == "/" }).reversed()
        return String(trimmed).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }

    static let hostFilesystem = GatekeeperNativeTemplate(
        package: "k8spsphostfilesystem", libraryKind: "K8sPSPHostFilesystem",
        fingerprint: ["input_hostpath_violation(allowedPaths, volume)", "not writeable_input_volume_mounts(volume.name)"]
    ) { input in
        if input.isUpdate { return [] }
        let allowedNode = input.param("allowedHostPaths")
        let allowed = GatekeeperRego.elements(allowedNode)
        let allowedText = allowedNode.map(GatekeeperRego.formatNested) ?? "[]"
        func writable(_ volumeName: Node?) -> Bool {
            input.allContainers.contains { c in
                GatekeeperRego.elements(c["volumeMounts"]).contains { m in
                    GatekeeperRego.equal(m["name"], volumeName) && !GatekeeperRego.truthy(m["readOnly"])
                }
            }
        }
        func pathMatches(_ prefix: Node?, _ path: Node?) -> Bool {
            guard let a = prefix?.string, let b = path?.string else { return false }
            let x = pathArray(a), y = pathArray(b)
            return x.count <= y.count && zip(x, y).allSatisfy { $0 == $1 }
        }
        var out: [GatekeeperViolation] = []
        for v in GatekeeperRego.elements(input.spec?["volumes"]) where GatekeeperRego.truthy(v["hostPath"]) {
            guard let name = input.name else { continue }
            let isAllowed = allowed.contains { ap in
                guard pathMatches(ap["pathPrefix"], v.at(["hostPath", "path"])) else { return false }
                if !GatekeeperRego.isTrue(ap["readOnly"]) { return true }
                guard v["name"] != nil else { return false }
                return !writable(v["name"])
            }
            let empty = allowedNode == nil || (allowedNode?.items?.isEmpty ?? false)
            if empty || !isAllowed {
                out.append(.init(msg: "HostPath volume \(GatekeeperRego.format(v)) is not allowed, pod: \(GatekeeperRego.format(name)). Allowed path: \(allowedText)", details: "{}"))
            }
        }
        return out
    }

    static let capabilities = GatekeeperNativeTemplate(
        package: "capabilities", libraryKind: "K8sPSPCapabilities",
        fingerprint: ["has_disallowed_capabilities(container)", "missing_drop_capabilities(container)", "count(all - dropped) > 0"]
    ) { input in
        if input.isUpdate { return [] }
        let allowed = Set(GatekeeperRego.strings(input.param("allowedCapabilities")).map { $0.lowercased() })
        let mustDrop = Set(GatekeeperRego.strings(input.param("requiredDropCapabilities")).map { $0.lowercased() })
        let allowedText = input.parameters["allowedCapabilities"].map(GatekeeperRego.format) ?? "NONE"
        var out: [GatekeeperViolation] = []
        for (field, label) in [("containers", "container"), ("initContainers", "init container"), ("ephemeralContainers", "ephemeral container")] {
            for c in input.containers(field) where !input.isExempt(c) {
                guard let name = c["name"] else { continue }
                let added = Set(GatekeeperRego.strings(c.at(["securityContext", "capabilities", "add"])).map { $0.lowercased() })
                if !allowed.contains("*"), !added.subtracting(allowed).isEmpty {
                    out.append(.init(msg: "\(label) <\(GatekeeperRego.format(name))> has a disallowed capability. Allowed capabilities are \(allowedText)"))
                }
                let dropped = Set(GatekeeperRego.strings(c.at(["securityContext", "capabilities", "drop"])).map { $0.lowercased() })
                if !mustDrop.subtracting(dropped).isEmpty, !dropped.contains("all"), let req = input.param("requiredDropCapabilities") {
                    out.append(.init(msg: "\(label) <\(GatekeeperRego.format(name))> is not dropping all required capabilities. Container must drop all of \(GatekeeperRego.format(req)) or \"ALL\""))
                }
            }
        }
        return out
    }

    static let allowedUsers = GatekeeperNativeTemplate(
        package: "k8spspallowedusers", libraryKind: "K8sPSPAllowedUsers",
        fingerprint: ["fields := [\"runAsUser\", \"runAsGroup\", \"supplementalGroups\", \"fsGroup\"]", "get_user_violation(params, container)", "is_in_range(val, ranges)"]
    ) { input in
        if input.isUpdate { return [] }
        func fieldValue(_ field: String, _ c: Node) -> Node? {
            if let v = c.at(["securityContext", .key(field)]) { return v }
            if input.kind == "Pod" { return input.spec?.at(["securityContext", .key(field)]) }
            return nil
        }
        func inRange(_ v: Node, _ ranges: Node?) -> Bool? {
            guard let ranges else { return nil }
            guard let x = v.number else { return false }
            return GatekeeperRego.elements(ranges).contains { r in
                guard let lo = r["min"]?.number, let hi = r["max"]?.number else { return false }
                return x >= lo && x <= hi
            }
        }
        var out: [GatekeeperViolation] = []
        for c in input.allContainers where !input.isExempt(c) {
            guard let nameNode = c["name"] else { continue }
            let name = GatekeeperRego.format(nameNode)
            for field in ["runAsUser", "runAsGroup", "supplementalGroups", "fsGroup"] {
                guard let params = input.parameters[field] else { continue }
                let p = GatekeeperRego.format(params)
                let rule = params["rule"]?.string
                let value = fieldValue(field, c)
                if field == "runAsUser" {
                    if let value, params["rule"] != nil {
                        let accepted: Bool?
                        switch rule {
                        case "RunAsAny": accepted = true
                        case "MustRunAsNonRoot": accepted = !(value.number == 0)
                        case "MustRunAs": accepted = inRange(value, input.parameters.at(["runAsUser", "ranges"]))
                        default: accepted = nil
                        }
                        if accepted != true {
                            out.append(.init(msg: "Container \(name) is attempting to run as disallowed user \(GatekeeperRego.format(value)). Allowed runAsUser: \(p)"))
                        }
                    }
                    if !GatekeeperRego.truthy(value), rule == "MustRunAs" {
                        out.append(.init(msg: "Container \(name) is attempting to run without a required securityContext/runAsUser"))
                    }
                    if rule == "MustRunAsNonRoot", !GatekeeperRego.truthy(value), !GatekeeperRego.truthy(fieldValue("runAsNonRoot", c)) {
                        out.append(.init(msg: "Container \(name) is attempting to run without a required securityContext/runAsNonRoot or securityContext/runAsUser != 0"))
                    }
                } else {
                    func accept(_ v: Node) -> Bool {
                        // OPA evaluates an undefined argument of a negated call before the negation: the
                        // rule body is then undefined (no violation). gator's suite pins this; rego-cpp differs.
                        guard let ruleNode = params["rule"], params["ranges"] != nil else { return true }
                        switch ruleNode.string {
                        case "RunAsAny": return true
                        case "MayRunAs", "MustRunAs": return inRange(v, params["ranges"]) ?? false
                        default: return false
                        }
                    }
                    if let value, params["rule"] != nil {
                        if let items = value.items {
                            if items.contains(where: { !accept($0) }) {
                                out.append(.init(msg: "Container \(name) is attempting to run with disallowed supplementalGroups \(GatekeeperRego.format(value)). Allowed \(field): \(p)"))
                            }
                        } else if !accept(value) {
                            out.append(.init(msg: "Container \(name) is attempting to run as disallowed group \(GatekeeperRego.format(value)). Allowed \(field): \(p)"))
                        }
                    }
                    if !GatekeeperRego.truthy(value), rule == "MustRunAs" {
                        out.append(.init(msg: "Container \(name) is attempting to run without a required securityContext/\(field). Allowed \(field): \(p)"))
                    }
                }
            }
        }
        return out
    }

    static let readOnlyRootFilesystem = GatekeeperNativeTemplate(
        package: "k8spspreadonlyrootfilesystem", libraryKind: "K8sPSPReadOnlyRootFilesystem",
        fingerprint: ["not c.securityContext.readOnlyRootFilesystem == true", "only read-only root filesystem container is allowed"]
    ) { input in
        if input.isUpdate { return [] }
        return input.allContainers.compactMap { c in
            guard !input.isExempt(c), let name = c["name"] else { return nil }
            let ok = GatekeeperRego.truthy(c["securityContext"]) && GatekeeperRego.isTrue(c.at(["securityContext", "readOnlyRootFilesystem"]))
            return ok ? nil : .init(msg: "only read-only root filesystem container is allowed: \(GatekeeperRego.format(name))", details: "{}")
        }
    }

    static let allowPrivilegeEscalation = GatekeeperNativeTemplate(
        package: "k8spspallowprivilegeescalationcontainer", libraryKind: "K8sPSPAllowPrivilegeEscalationContainer",
        fingerprint: ["not c.securityContext.allowPrivilegeEscalation == false", "Privilege escalation container is not allowed"]
    ) { input in
        if input.isUpdate { return [] }
        return input.allContainers.compactMap { c in
            guard !input.isExempt(c), let name = c["name"] else { return nil }
            let ok = GatekeeperRego.truthy(c["securityContext"]) && GatekeeperRego.isFalse(c.at(["securityContext", "allowPrivilegeEscalation"]))
            return ok ? nil : .init(msg: "Privilege escalation container is not allowed: \(GatekeeperRego.format(name))", details: "{}")
        }
    }

    static let hostNetworkingPorts = GatekeeperNativeTemplate(
        package: "k8spsphostnetworkingports", libraryKind: "K8sPSPHostNetworkingPorts",
        fingerprint: ["not input.parameters.hostNetwork", "hostPort < input.parameters.min", "hostPort > input.parameters.max"]
    ) { input in
        if input.isUpdate { return [] }
        var shares = !GatekeeperRego.truthy(input.param("hostNetwork")) && GatekeeperRego.truthy(input.spec?["hostNetwork"])
        for c in input.allContainers where !input.isExempt(c) {
            for port in GatekeeperRego.elements(c["ports"]) {
                guard let hp = port["hostPort"]?.number else { continue }
                if let lo = input.param("min")?.number, hp < lo { shares = true }
                if let hi = input.param("max")?.number, hp > hi { shares = true }
            }
        }
        guard shares, let name = input.name else { return [] }
        return [.init(msg: "The specified hostNetwork and hostPort are not allowed, pod: \(GatekeeperRego.format(name)). Allowed values: \(GatekeeperRego.format(input.parameters))", details: "{}")]
    }

    static let volumeTypes = GatekeeperNativeTemplate(
        package: "k8spspvolumetypes", libraryKind: "K8sPSPVolumeTypes",
        fingerprint: ["volume_fields := {x | input.review.object.spec.volumes[_][x]; x != \"name\"}", "The volume type %v is not allowed"]
    ) { input in
        if input.isUpdate { return [] }
        guard let allowedNode = input.param("volumes"), let name = input.name else { return [] }
        let allowed = GatekeeperRego.strings(allowedNode)
        if allowed.contains("*") { return [] }
        var fields = Set<String>()
        for v in GatekeeperRego.elements(input.spec?["volumes"]) {
            fields.formUnion(GatekeeperRego.truthyKeys(v).subtracting(["name"]))
        }
        return fields.sorted().filter { !allowed.contains($0) }.map {
            .init(msg: "The volume type \($0) is not allowed, pod: \(GatekeeperRego.format(name)). Allowed volume types: \(GatekeeperRego.formatNested(allowedNode))", details: "{}")
        }
    }
}
