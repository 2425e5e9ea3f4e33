/// The positioned tree every input format is parsed into.
///
/// One shape for JSON and YAML: null, bool, number (keeping its source text), string, sequence and
/// mapping (keys in source order). Every node and every mapping key knows its file, line and column.

/// A file that was read. A reference type so that every node can point at it for the cost of a pointer.
public final class SourceFile: Sendable, Hashable, CustomStringConvertible {
    /// The path as the user gave it (relative paths stay relative; `-` is standard input).
    public let path: String

    public init(path: String) {
        self.path = path
        SourceFileRegistry.keepAlive(self)
    }

    public static func == (lhs: SourceFile, rhs: SourceFile) -> Bool { lhs === rhs || lhs.path == rhs.path }
    public func hash(into hasher: inout Hasher) { hasher.combine(path) }
    public var description: String { path }
}

/// A 1-based line and column (columns count Unicode scalars from the start of the line).
///
/// Stored in 32 bits each (inputs are limited to far fewer lines and columns), so that a `Location`
/// is 24 bytes and a `Node` 64 instead of 80: every node and key of every parsed file has one.
public struct Mark: Hashable, Comparable, Sendable {
    private var storedLine: Int32
    private var storedColumn: Int32
    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = Int32(clamping: newValue) }
    }
    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = Int32(clamping: newValue) }
    }
    public init(line: Int, column: Int) {
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
    }
    public static func < (a: Mark, b: Mark) -> Bool { (a.storedLine, a.storedColumn) < (b.storedLine, b.storedColumn) }
}

/// Where a node (or a key, or an error) is: a file and a start/end range.
public struct Location: Hashable, Sendable, CustomStringConvertible {
    /// Not reference counted: every `SourceFile` lives as long as the process (`SourceFileRegistry`),
    /// so copying a node or a location costs no atomic retain/release.
    public unowned(unsafe) var file: SourceFile
    public var start: Mark
    public var end: Mark

    public init(file: SourceFile, start: Mark, end: Mark? = nil) {
        self.file = file
        self.start = start
        self.end = end ?? start
    }

    public init(file: SourceFile, line: Int, column: Int) {
        self.init(file: file, start: Mark(line: line, column: column))
    }

    public var line: Int { start.line }
    public var column: Int { start.column }
    /// `path:line:column`, the way compilers print it.
    public var description: String { "\(file.path):\(start.line):\(start.column)" }
}

public struct Node: Sendable, CustomStringConvertible {
    public enum Value: Sendable {
        case null
        case bool(Bool)
        /// A number with its source text kept exactly (`1.30` stays `1.30`).
        case number(String)
        case string(String)
        case sequence([Node])
        case mapping([Entry])
    }

    /// One key/value pair of a mapping, with the key's own location.
    public struct Entry: Sendable {
        public var key: String
        public var keyLocation: Location
        public var value: Node
        public init(key: String, keyLocation: Location, value: Node) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    public var value: Value
    public var location: Location
    /// The YAML tag as written (`!Ref`, `!GetAtt`, `!!str`), nil for JSON and untagged YAML.
    public var tag: String?

    public init(_ value: Value, location: Location, tag: String? = nil) {
        self.value = value
        self.location = location
        self.tag = tag
    }

    // MARK: Access

    public subscript(key: String) -> Node? {
        guard case .mapping(let entries) = value else { return nil }
        for entry in entries where entry.key == key { return entry.value }
        return nil
    }

    public subscript(index: Int) -> Node? {
        guard case .sequence(let items) = value, index >= 0, index < items.count else { return nil }
        return items[index]
    }

    /// The entry for `key`, with the key's location.
    public func entry(_ key: String) -> Entry? {
        guard case .mapping(let entries) = value else { return nil }
        for entry in entries where entry.key == key { return entry }
        return nil
    }

    /// Follows a path of keys (strings) and indexes (ints).
    public func at(_ path: [PathComponent]) -> Node? {
        var current: Node? = self
        for component in path {
            switch component {
            case .key(let k): current = current?[k]
            case .index(let i): current = current?[i]
            }
        }
        return current
    }

    public var entries: [Entry]? {
        if case .mapping(let e) = value { return e }
        return nil
    }

    public var items: [Node]? {
        if case .sequence(let i) = value { return i }
        return nil
    }

    public var string: String? {
        if case .string(let s) = value { return s }
        return nil
    }

    /// A scalar's text: the string, the number's source text, `true`/`false`; nil for null and collections.
    public var scalarText: String? {
        switch value {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    public var bool: Bool? {
        if case .bool(let b) = value { return b }
        return nil
    }

    public var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// The number's value. Also understands the YAML core-schema spellings `0x1F`, `0o17`, `+1`, `.inf`, `.nan`.
    public var number: Double? {
        if case .number(let n) = value { return Double(n) ?? Node.yamlInt(n).map(Double.init) ?? Node.yamlSpecialFloat(n) }
        return nil
    }

    public var int: Int? {
        if case .number(let n) = value {
            return Int(n) ?? Node.yamlInt(n) ?? Double(n).flatMap { $0 == $0.rounded() ? Int(exactly: $0) : nil }
        }
        return nil
    }

    /// `0x1F`, `0o17` (YAML 1.2 core schema), `+12`.
    static func yamlInt(_ s: String) -> Int? {
        if s.hasPrefix("0x") { return Int(s.dropFirst(2), radix: 16) }
        if s.hasPrefix("0o") { return Int(s.dropFirst(2), radix: 8) }
        if s.hasPrefix("+") { return Int(s.dropFirst()) }
        return nil
    }

    static func yamlSpecialFloat(_ s: String) -> Double? {
        var t = Substring(s)
        var sign = 1.0
        if t.hasPrefix("-") { sign = -1; t = t.dropFirst() } else if t.hasPrefix("+") { t = t.dropFirst() }
        switch t {
        case ".inf", ".Inf", ".INF": return sign * .infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: return t.hasPrefix(".") || t.hasSuffix(".") ? Double("0" + t + "0").map { sign * $0 } : nil
        }
    }

    public var isScalar: Bool {
        switch value {
        case .sequence, .mapping: return false
        default: return true
        }
    }

    public var kindName: String {
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .sequence: return "sequence"
        case .mapping: return "mapping"
        }
    }

    public var description: String { JSONWriter.compact(self) }
}

public enum PathComponent: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case key(String)
    case index(Int)
    public init(stringLiteral value: String) { self = .key(value) }
    public init(integerLiteral value: Int) { self = .index(value) }
    public var description: String {
        switch self {
        case .key(let k): return k
        case .index(let i): return "[\(i)]"
        }
    }
}

extension Array where Element == PathComponent {
    /// `vpc_config[0].subnet_ids`
    public var dotted: String {
        var out = ""
        for c in self {
            switch c {
            case .key(let k): out += out.isEmpty ? k : ".\(k)"
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }
}
