import GuardpostDocuments

/// The operators and the few pure Terraform functions guardpost folds on known values. Anything
/// else (and any unknown argument) gives nil: unknown.
enum TerraformFunctions {
    static func call(_ name: String, _ args: [Node?], expands: Bool, at location: Location) -> Node? {
        guard !expands else { return nil }
        let known = args.compactMap { $0 }
        guard known.count == args.count else { return nil }
        switch (name, known.count) {
        case ("tostring", 1), ("tonumber", 1), ("tobool", 1), ("tolist", 1), ("toset", 1), ("tomap", 1),
             ("sensitive", 1), ("nonsensitive", 1):
            return known[0]
        case ("lower", 1): return known[0].string.map { Node(.string($0.lowercased()), location: location) }
        case ("upper", 1): return known[0].string.map { Node(.string($0.uppercased()), location: location) }
        case ("length", 1):
            let n = known[0].items?.count ?? known[0].entries?.count ?? known[0].string?.count
            return n.map { Node(.number(String($0)), location: location) }
        case ("concat", _):
            var out: [Node] = []
            for a in known { guard let items = a.items else { return nil }; out += items }
            return Node(.sequence(out), location: location)
        case ("merge", _):
            var out: [Node.Entry] = []
            for a in known {
                if a.isNull { continue }
                guard let entries = a.entries else { return nil }
                for e in entries {
                    if let i = out.firstIndex(where: { $0.key == e.key }) { out[i] = e } else { out.append(e) }
                }
            }
            return Node(.mapping(out), location: location)
        case ("join", 2):
            guard let sep = known[0].string, let items = known[1].items else { return nil }
            let parts = items.compactMap(\.scalarText)
            return parts.count == items.count ? Node(.string(parts.joined(separator: sep)), location: location) : nil
        case ("jsonencode", 1):
            return Node(.string(JSONWriter.compact(known[0])), location: location)
        case ("coalesce", _):
            return known.first { !$0.isNull && $0.string != "" }
        case ("lookup", 2), ("lookup", 3):
            guard known[0].entries != nil, let key = known[1].scalarText else { return nil }
            return known[0][key] ?? (known.count == 3 ? known[2] : nil)
        case ("element", 2):
            guard let items = known[0].items, !items.isEmpty, let i = known[1].int, i >= 0 else { return nil }
            return items[i % items.count]
        default:
            return nil
        }
    }

    static func unary(_ op: HCLUnaryOperator, _ x: Node, at location: Location) -> Node? {
        switch op {
        case .not:
            return x.bool.map { Node(.bool(!$0), location: location) }
        case .negate:
            if let i = x.int, case .number(let text) = x.value, !text.contains(".") && !text.lowercased().contains("e") {
                return Node(.number(String(-i)), location: location)
            }
            return x.number.flatMap { number(-$0, at: location) }
        }
    }

    static func binary(_ op: HCLBinaryOperator, _ a: Node, _ b: Node, at location: Location) -> Node? {
        switch op {
        case .and, .or:
            guard let x = a.bool, let y = b.bool else { return nil }
            return Node(.bool(op == .and ? x && y : x || y), location: location)
        case .equal, .notEqual:
            guard a.isScalar || a.isNull, b.isScalar || b.isNull else { return nil }
            let same: Bool
            if let x = a.number, let y = b.number, case .number = a.value, case .number = b.value { same = x == y }
            else { same = a.kindName == b.kindName && a.scalarText == b.scalarText }
            return Node(.bool(op == .equal ? same : !same), location: location)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let x = numeric(a), let y = numeric(b) else { return nil }
            let r: Bool
            switch op {
            case .less: r = x < y
            case .lessOrEqual: r = x <= y
            case .greater: r = x > y
            default: r = x >= y
            }
            return Node(.bool(r), location: location)
        case .add, .subtract, .multiply, .divide, .modulo:
            if let x = integer(a), let y = integer(b), op != .divide {
                switch op {
                case .add: let (v, o) = x.addingReportingOverflow(y); return o ? nil : Node(.number(String(v)), location: location)
                case .subtract: let (v, o) = x.subtractingReportingOverflow(y); return o ? nil : Node(.number(String(v)), location: location)
                case .multiply: let (v, o) = x.multipliedReportingOverflow(by: y); return o ? nil : Node(.number(String(v)), location: location)
                default: return y == 0 ? nil : Node(.number(String(x % y)), location: location)
                }
            }
            guard let x = numeric(a), let y = numeric(b) else { return nil }
            switch op {
            case .add: return number(x + y, at: location)
            case .subtract: return number(x - y, at: location)
            case .multiply: return number(x * y, at: location)
            case .divide: return y == 0 ? nil : number(x / y, at: location)
            default: return y == 0 ? nil : number(x.truncatingRemainder(dividingBy: y), at: location)
            }
        }
    }

    /// Numbers, and strings that are numbers (Terraform converts them).
    static func numeric(_ n: Node) -> Double? {
        if case .number = n.value { return n.number }
        if let s = n.string { return Double(s) }
        return nil
    }

    static func integer(_ n: Node) -> Int? {
        let text: String
        switch n.value {
        case .number(let t): text = t
        case .string(let s): text = s
        default: return nil
        }
        return Int(text)
    }

    static func number(_ d: Double, at location: Location) -> Node? {
        guard d.isFinite else { return nil }
        if d == d.rounded(), abs(d) < 1e15 { return Node(.number(String(Int(d))), location: location) }
        return Node(.number(String(d)), location: location)
    }
}
