/// A located reason why a file could not be read or parsed.
public struct ParseError: Error, Sendable, CustomStringConvertible {
    public var location: Location
    public var message: String

    public init(location: Location, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}

/// Limits that keep bad input from exhausting time or memory. Each has a clear error when exceeded.
public struct ParseLimits: Sendable {
    /// Largest file read, in bytes (documented in README: 64 MiB).
    public var maxFileSize: Int
    /// Deepest nesting of sequences and mappings.
    public var maxDepth: Int
    /// Total nodes that alias expansion may copy, per file (the "billion laughs" budget).
    public var maxAliasExpansion: Int

    public init(maxFileSize: Int = 64 << 20, maxDepth: Int = 512, maxAliasExpansion: Int = 1_000_000) {
        self.maxFileSize = maxFileSize
        self.maxDepth = maxDepth
        self.maxAliasExpansion = maxAliasExpansion
    }

    public static let `default` = ParseLimits()
}
