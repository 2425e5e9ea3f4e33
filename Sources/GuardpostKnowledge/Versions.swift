/// A GuardDuty agent (EKS add-on) version: `v1.16.0-eksbuild.2`, `v1.16.0`, `1.16.0`.
/// The doc spellings `1.11.0.eks.build.2` and `1.8.1-eks-build.1` are read too.
/// Ordering compares MAJOR.MINOR.PATCH, then the eksbuild number; a version without a build sorts
/// before every build of the same release (`v1.12.1` < `v1.12.1-eksbuild.1`).
public struct AgentVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    /// The `eksbuild.N` number, nil when the version names a release only.
    public var build: Int?

    public init(major: Int, minor: Int, patch: Int, build: Int? = nil) {
        self.major = major; self.minor = minor; self.patch = patch; self.build = build
    }

    public init?(_ text: String) {
        var s = Substring(text.trimmingWhitespace())
        if s.hasPrefix("v") || s.hasPrefix("V") { s = s.dropFirst() }
        var build: Int? = nil
        for marker in ["-eksbuild.", ".eks.build.", "-eks-build.", "-eks.build."] {
            if let r = s.range(of: marker) {
                guard let n = Self.number(s[r.upperBound...]) else { return nil }
                build = n
                s = s[..<r.lowerBound]
                break
            }
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let a = Self.number(parts[0]), let b = Self.number(parts[1]), let c = Self.number(parts[2])
        else { return nil }
        self.init(major: a, minor: b, patch: c, build: build)
    }

    private static func number(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.count <= 9, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(s)
    }

    /// The release without its build: `v1.16.0`.
    public var release: AgentVersion { AgentVersion(major: major, minor: minor, patch: patch) }

    /// `v1.16.0-eksbuild.2` or `v1.16.0`.
    public var description: String {
        "v\(major).\(minor).\(patch)" + (build.map { "-eksbuild.\($0)" } ?? "")
    }

    /// The image tag assumed for this version (`v1.16.0`; assumption `agent-repository-path`).
    public var imageTag: String { "v\(major).\(minor).\(patch)" }

    public static func < (a: AgentVersion, b: AgentVersion) -> Bool {
        if (a.major, a.minor, a.patch) != (b.major, b.minor, b.patch) {
            return (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
        }
        return (a.build ?? -1) < (b.build ?? -1)
    }

    /// Whether `text` passes Terraform's `aws_eks_addon.addon_version` validation: semantic version with a leading `v`,
    /// `^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-(PRERELEASE))?(?:\+(BUILD))?$` where PRERELEASE is dot-separated
    /// identifiers (numeric without leading zero, or alphanumeric with at least one letter or `-`) and BUILD is
    /// dot-separated `[0-9a-zA-Z-]+`. (hashicorp/terraform-provider-aws internal/service/eks/addon.go)
    public static func isValidAddonVersion(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard scalars.first == "v" else { return false }
        var rest = Array(scalars.dropFirst())
        // Split off +build, then -prerelease (the first '-' after the core).
        var buildPart: [Unicode.Scalar]? = nil
        if let plus = rest.firstIndex(of: "+") {
            buildPart = Array(rest[(plus + 1)...])
            rest = Array(rest[..<plus])
        }
        var prePart: [Unicode.Scalar]? = nil
        if let dash = rest.firstIndex(of: "-") {
            prePart = Array(rest[(dash + 1)...])
            rest = Array(rest[..<dash])
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3, core.allSatisfy({ isNumericIdentifier(Array($0)) }) else { return false }
        if let pre = prePart {
            let ids = pre.split(separator: ".", omittingEmptySubsequences: false)
            for id in ids {
                let id = Array(id)
                guard !id.isEmpty, id.allSatisfy(isIdentifierScalar) else { return false }
                if id.allSatisfy(isDigit) { guard isNumericIdentifier(id) else { return false } }
            }
        }
        if let build = buildPart {
            let ids = build.split(separator: ".", omittingEmptySubsequences: false)
            for id in ids { guard !id.isEmpty, id.allSatisfy(isIdentifierScalar) else { return false } }
        }
        return true
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    private static func isIdentifierScalar(_ c: Unicode.Scalar) -> Bool {
        isDigit(c) || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "-"
    }
    /// `0|[1-9]\d*`
    private static func isNumericIdentifier(_ s: [Unicode.Scalar]) -> Bool {
        guard !s.isEmpty, s.allSatisfy(isDigit) else { return false }
        return s.count == 1 || s[0] != "0"
    }
}

/// A Kubernetes minor version as EKS uses it: `1.30` (also read: `v1.30`, `1.30.4` — the patch is dropped).
public struct KubernetesVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) { self.major = major; self.minor = minor }

    public init?(_ text: String) {
        var s = Substring(text.trimmingWhitespace())
        if s.hasPrefix("v") || s.hasPrefix("V") { s = s.dropFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 6 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let a = Int(parts[0]), let b = Int(parts[1])
        else { return nil }
        self.init(major: a, minor: b)
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (a: KubernetesVersion, b: KubernetesVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
