import GuardpostDocuments

/// An attribute of a normalised entity: known (written or computed from the input), defaulted
/// (absent, the provider's documented default applies), unknown (only known after apply, or an
/// unresolvable reference), or absent with no default.
public enum AttributeState: String, Sendable, Codable { case known, defaulted, unknown, absent }

public struct Attribute<Value: Sendable>: Sendable {
    public typealias State = AttributeState

    public var state: State
    public var value: Value?
    /// The attribute's name in its source format (`enable_dns_hostnames`, `EnableDnsHostnames`).
    public var name: String
    /// Where it is written (the key), or nil when defaulted/absent.
    public var location: Location?
    /// Why it has this state, in words for a finding ("not set; Terraform's default is false").
    public var note: String?

    public init(state: State, value: Value?, name: String, location: Location?, note: String? = nil) {
        self.state = state
        self.value = value
        self.name = name
        self.location = location
        self.note = note
    }

    public static func absent(_ name: String) -> Attribute { Attribute(state: .absent, value: nil, name: name, location: nil) }

    /// The value when known or defaulted; rules fire on these.
    public var effective: Value? {
        switch state {
        case .known, .defaulted: return value
        case .unknown, .absent: return nil
        }
    }

    public var isKnown: Bool { state == .known }

    public func map<T>(_ f: (Value) -> T?) -> Attribute<T> {
        let mapped: T? = value.flatMap(f)
        var newState = state
        if mapped == nil && (state == .known || state == .defaulted) { newState = .unknown }
        return Attribute<T>(state: newState, value: mapped, name: name, location: location, note: note)
    }
}

/// Reads typed attributes out of a `RawResource`, applying documented defaults.
public struct AttributeReader {
    public let resource: RawResource

    public init(_ resource: RawResource) { self.resource = resource }

    /// The node at `path` with the location of its key.
    public func node(_ path: [PathComponent]) -> (node: Node, keyLocation: Location)? {
        var current = resource.attributes
        var keyLocation = resource.location
        for component in path {
            switch component {
            case .key(let k):
                guard let entry = current.entry(k) else { return nil }
                keyLocation = entry.keyLocation
                current = entry.value
            case .index(let i):
                guard let item = current[i] else { return nil }
                keyLocation = item.location
                current = item
            }
        }
        return (current, keyLocation)
    }

    private func state(forMissing path: [PathComponent]) -> AttributeState {
        let dotted = path.dotted
        if resource.unknownPaths.contains(dotted) || resource.configuredPaths.contains(dotted) { return .unknown }
        if !resource.references(at: path).isEmpty { return .unknown }
        return .absent
    }

    /// The raw node; absent/unknown states resolved from the configuration and references.
    public func raw(_ path: [PathComponent]) -> Attribute<Node> {
        let name = path.dotted
        if let (node, loc) = node(path), !node.isNull {
            return Attribute(state: .known, value: node, name: name, location: loc)
        }
        let st = state(forMissing: path)
        let note = st == .unknown ? "\(name) is only known after apply" : nil
        return Attribute(state: st, value: nil, name: name, location: nil, note: note)
    }

    public func string(_ path: [PathComponent]) -> Attribute<String> {
        let r = raw(path)
        guard let node = r.value else { return Attribute(state: r.state, value: nil, name: r.name, location: nil, note: r.note) }
        if let s = node.scalarText { return Attribute(state: .known, value: s, name: r.name, location: r.location) }
        return Attribute(state: .unknown, value: nil, name: r.name, location: r.location, note: "\(r.name) is not a single value")
    }

    /// A boolean; accepts `true`/`false` strings as Terraform and CloudFormation do.
    public func bool(_ path: [PathComponent], default defaultValue: Bool? = nil, defaultNote: String? = nil) -> Attribute<Bool> {
        let r = raw(path)
        if let node = r.value {
            switch node.value {
            case .bool(let b): return Attribute(state: .known, value: b, name: r.name, location: r.location)
            case .string(let s) where s.lowercased() == "true" || s.lowercased() == "false":
                return Attribute(state: .known, value: s.lowercased() == "true", name: r.name, location: r.location)
            default:
                return Attribute(state: .unknown, value: nil, name: r.name, location: r.location, note: "\(r.name) is not a boolean")
            }
        }
        if r.state == .absent, let defaultValue {
            return Attribute(state: .defaulted, value: defaultValue, name: r.name, location: nil, note: defaultNote)
        }
        return Attribute(state: r.state, value: nil, name: r.name, location: nil, note: r.note)
    }

    public func strings(_ path: [PathComponent]) -> Attribute<[String]> {
        let r = raw(path)
        guard let node = r.value else { return Attribute(state: r.state, value: nil, name: r.name, location: nil, note: r.note) }
        if let items = node.items { return Attribute(state: .known, value: items.compactMap(\.scalarText), name: r.name, location: r.location) }
        if let s = node.scalarText { return Attribute(state: .known, value: [s], name: r.name, location: r.location) }
        return Attribute(state: .unknown, value: nil, name: r.name, location: r.location)
    }

    public func int(_ path: [PathComponent]) -> Attribute<Int> {
        let r = raw(path)
        guard let node = r.value else { return Attribute(state: r.state, value: nil, name: r.name, location: nil, note: r.note) }
        if let i = node.int ?? node.string.flatMap({ Int($0) }) { return Attribute(state: .known, value: i, name: r.name, location: r.location) }
        return Attribute(state: .unknown, value: nil, name: r.name, location: r.location)
    }
}

extension Sequence where Element == Int {
    /// A sum that saturates at Int.max / Int.min instead of trapping: counts come from untrusted input.
    public func saturatingSum() -> Int {
        reduce(0) { acc, x in
            let (sum, overflow) = acc.addingReportingOverflow(x)
            return overflow ? (x > 0 ? Int.max : Int.min) : sum
        }
    }
}
