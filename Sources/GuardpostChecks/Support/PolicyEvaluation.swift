import GuardpostDocuments

/// Three-valued logic for policy evaluation: what the scan tells, or that it cannot tell.
enum Tri: Equatable {
    case yes, no, unknown

    static func && (a: Tri, b: Tri) -> Tri {
        if a == .no || b == .no { return .no }
        if a == .unknown || b == .unknown { return .unknown }
        return .yes
    }

    var negated: Tri {
        switch self {
        case .yes: return .no
        case .no: return .yes
        case .unknown: return .unknown
        }
    }
}

extension Tri: Comparable {
    /// no < unknown < yes: the best verdict among several rules wins.
    static func < (a: Tri, b: Tri) -> Bool {
        func rank(_ t: Tri) -> Int { t == .no ? 0 : t == .unknown ? 1 : 2 }
        return rank(a) < rank(b)
    }
}

/// One request to judge against an IAM-style policy (an SCP or a VPC endpoint policy).
struct PolicyRequest {
    /// `guardduty:SendSecurityTelemetry`.
    var action: String
    /// Condition keys (lowercased) whose values the request is known to carry.
    var known: [String: [String]] = [:]
    /// Condition keys (lowercased) the request is known not to carry.
    var absent: Set<String> = []
    /// The calling principal's account, when known (for `Principal` elements).
    var principalAccount: String?

    init(action: String, known: [String: [String]] = [:], absent: Set<String> = [], principalAccount: String? = nil) {
        self.action = action
        self.known = Dictionary(known.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.absent = Set(absent.map { $0.lowercased() })
        self.principalAccount = principalAccount
    }
}

/// A statement of a policy document, with where it is written.
struct PolicyStatement {
    var node: Node
    var index: Int
    var sid: String?
    var effect: String
    var location: Location

    /// `statement 'DenyTelemetry'` or `statement #2`.
    var label: String { sid.map { "statement '\($0)'" } ?? "statement #\(index + 1)" }
}

/// Evaluates IAM policy documents the way AWS does for the parts a scan can decide (actions with wildcards,
/// NotAction, `*` resources and principals, string/ARN/Bool/Null conditions with IfExists and ForAnyValue/
/// ForAllValues), and says "unknown" for the rest.
enum PolicyEvaluation {
    static func statements(_ document: Node) -> [PolicyStatement] {
        guard let s = document["Statement"] else { return [] }
        let nodes = s.items ?? [s]
        return nodes.enumerated().compactMap { i, n in
            guard n.entries != nil else { return nil }
            return PolicyStatement(node: n, index: i, sid: n["Sid"]?.scalarText, effect: n["Effect"]?.scalarText ?? "", location: n.location)
        }
    }

    static func values(_ node: Node?) -> [String] {
        guard let node else { return [] }
        if let items = node.items { return items.compactMap(\.scalarText) }
        return node.scalarText.map { [$0] } ?? []
    }

    /// `*` and `?` wildcards.
    static func wildcard(_ pattern: String, matches text: String, caseInsensitive: Bool) -> Bool {
        let p = Array((caseInsensitive ? pattern.lowercased() : pattern).unicodeScalars)
        let t = Array((caseInsensitive ? text.lowercased() : text).unicodeScalars)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] { pi += 1; ti += 1 }
            else if pi < p.count, p[pi] == "*" { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// Whether the statement's Action/NotAction covers the action (Resource and conditions aside).
    static func coversAction(_ s: PolicyStatement, _ action: String) -> Bool {
        if let a = s.node["Action"] { return values(a).contains { wildcard($0, matches: action, caseInsensitive: true) } }
        if let na = s.node["NotAction"] { return !values(na).contains { wildcard($0, matches: action, caseInsensitive: true) } }
        return false
    }

    /// Whether the statement applies to the request, with the reason when it cannot be decided.
    static func applies(_ s: PolicyStatement, to r: PolicyRequest, checkPrincipal: Bool) -> (Tri, String?) {
        guard coversAction(s, r.action) else { return (.no, nil) }
        var result = Tri.yes
        var why: String?
        if let res = s.node["Resource"] {
            if !values(res).contains("*") { result = result && .unknown; why = why ?? "it names specific resources" }
        } else if s.node["NotResource"] != nil {
            result = result && .unknown; why = why ?? "it uses NotResource"
        }
        if checkPrincipal {
            let (p, pWhy) = principal(s, r)
            result = result && p
            if p == .unknown { why = why ?? pWhy }
        }
        if let cond = s.node["Condition"] {
            let (c, cWhy) = condition(cond, r)
            result = result && c
            if c == .unknown { why = why ?? cWhy }
        }
        return (result, result == .unknown ? why : nil)
    }

    static func principal(_ s: PolicyStatement, _ r: PolicyRequest) -> (Tri, String?) {
        if s.node["NotPrincipal"] != nil { return (.unknown, "it uses NotPrincipal") }
        guard let p = s.node["Principal"] else { return (.yes, nil) }
        if p.scalarText == "*" { return (.yes, nil) }
        let aws = values(p["AWS"])
        if aws.contains("*") { return (.yes, nil) }
        if aws.isEmpty { return (.no, nil) } // service or federated principals only: not the agent's role
        guard let account = r.principalAccount else { return (.unknown, "it names principals \(aws.joined(separator: ", ")) and the cluster's account is not known") }
        if aws.contains(where: { AccountResolution.accountId(principal: $0) == account }) { return (.yes, nil) }
        if aws.contains(where: { AccountResolution.account(inARN: $0) == account }) { return (.unknown, "it names specific roles of account \(account)") }
        return (.no, nil)
    }

    /// All operators and keys of a Condition block must hold.
    static func condition(_ block: Node, _ r: PolicyRequest) -> (Tri, String?) {
        guard let ops = block.entries else { return (.unknown, "its Condition is not an object") }
        var result = Tri.yes
        var why: String?
        for op in ops {
            for keyEntry in op.value.entries ?? [] {
                let v = conditionKey(op: op.key, key: keyEntry.key, patterns: values(keyEntry.value), r)
                result = result && v
                if v == .unknown { why = why ?? "its condition \(op.key) on \(keyEntry.key) depends on values the scan does not know" }
            }
            if op.value.entries == nil { result = result && .unknown; why = why ?? "its condition \(op.key) is not an object" }
        }
        return (result, why)
    }

    static func conditionKey(op rawOp: String, key rawKey: String, patterns: [String], _ r: PolicyRequest) -> Tri {
        var op = rawOp
        var setOp: String?
        for prefix in ["ForAnyValue:", "ForAllValues:"] where op.hasPrefix(prefix) { setOp = String(prefix.dropLast()); op = String(op.dropFirst(prefix.count)) }
        var ifExists = false
        if op.hasSuffix("IfExists") { ifExists = true; op = String(op.dropLast("IfExists".count)) }
        let key = rawKey.lowercased()
        if patterns.contains(where: { $0.contains("${") }) { return .unknown } // policy variables
        if op == "Null" {
            guard let want = patterns.first?.lowercased() else { return .unknown }
            if r.absent.contains(key) { return want == "true" ? .yes : .no }
            if r.known[key] != nil { return want == "false" ? .yes : .no }
            return .unknown
        }
        let negated: Bool
        let match: (String, String) -> Bool
        switch op {
        case "StringEquals": negated = false; match = { $0 == $1 }
        case "StringNotEquals": negated = true; match = { $0 == $1 }
        case "StringEqualsIgnoreCase": negated = false; match = { $0.lowercased() == $1.lowercased() }
        case "StringNotEqualsIgnoreCase": negated = true; match = { $0.lowercased() == $1.lowercased() }
        case "StringLike", "ArnLike", "ArnEquals": negated = false; match = { wildcard($0, matches: $1, caseInsensitive: false) }
        case "StringNotLike", "ArnNotLike", "ArnNotEquals": negated = true; match = { wildcard($0, matches: $1, caseInsensitive: false) }
        case "Bool": negated = false; match = { $0.lowercased() == $1.lowercased() }
        default: return .unknown
        }
        if r.absent.contains(key) {
            if ifExists { return .yes }
            if setOp == "ForAllValues" { return .yes }
            if setOp == "ForAnyValue" { return .no }
            return negated ? .yes : .no
        }
        guard let values = r.known[key] else { return .unknown }
        func holds(_ v: String) -> Bool {
            let hit = patterns.contains { match($0, v) }
            return negated ? !hit : hit
        }
        switch setOp {
        case "ForAllValues": return values.allSatisfy(holds) ? .yes : .no
        default:
            if values.isEmpty { return negated ? .yes : .no }
            if negated && setOp == nil { return values.allSatisfy(holds) ? .yes : .no }
            return values.contains(where: holds) ? .yes : .no
        }
    }

    struct Decision {
        enum Outcome { case allowed, explicitDeny, implicitDeny, unknown }
        var outcome: Outcome
        /// The deciding statement (explicit deny, or the statement that could not be decided).
        var statement: PolicyStatement?
        var reason: String?
    }

    /// The policy's decision. `implicitDenyWithoutAllow`: a VPC endpoint policy denies what no statement allows;
    /// an SCP in the scan is one of several (FullAWSAccess usually grants), so only its explicit denies count.
    static func decide(_ document: Node, _ r: PolicyRequest, implicitDenyWithoutAllow: Bool, checkPrincipal: Bool) -> Decision {
        let evaluated = statements(document).map { ($0, applies($0, to: r, checkPrincipal: checkPrincipal)) }
        if let d = evaluated.first(where: { $0.0.effect == "Deny" && $0.1.0 == .yes }) { return Decision(outcome: .explicitDeny, statement: d.0) }
        if let d = evaluated.first(where: { $0.0.effect == "Deny" && $0.1.0 == .unknown }) {
            return Decision(outcome: .unknown, statement: d.0, reason: d.1.1)
        }
        guard implicitDenyWithoutAllow else { return Decision(outcome: .allowed) }
        if evaluated.contains(where: { $0.0.effect == "Allow" && $0.1.0 == .yes }) { return Decision(outcome: .allowed) }
        if let a = evaluated.first(where: { $0.0.effect == "Allow" && $0.1.0 == .unknown }) {
            return Decision(outcome: .unknown, statement: a.0, reason: a.1.1)
        }
        return Decision(outcome: .implicitDeny)
    }

    /// The most restrictive decision over several requests (one per node role, say): explicit deny, then implicit
    /// deny, then unknown, then allowed; with the request it concerns.
    static func decideWorst(_ document: Node, _ requests: [PolicyRequest], implicitDenyWithoutAllow: Bool,
                            checkPrincipal: Bool) -> (decision: Decision, request: PolicyRequest)? {
        func rank(_ o: Decision.Outcome) -> Int {
            switch o { case .explicitDeny: return 3; case .implicitDeny: return 2; case .unknown: return 1; case .allowed: return 0 }
        }
        var worst: (Decision, PolicyRequest)?
        for r in requests {
            let d = decide(document, r, implicitDenyWithoutAllow: implicitDenyWithoutAllow, checkPrincipal: checkPrincipal)
            if worst == nil || rank(d.outcome) > rank(worst!.0.outcome) { worst = (d, r) }
        }
        return worst.map { (decision: $0.0, request: $0.1) }
    }
}
