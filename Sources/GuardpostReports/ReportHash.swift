/// FNV-1a (64 bit): stable, dependency-free hashes for ids that must not change between runs
/// (ListCoverage tokens, EventBridge event ids). Not for security.
enum ReportHash {
    static func fnv1a(_ text: String, seed: UInt64 = 0xcbf29ce484222325) -> UInt64 {
        var h = seed
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }

    /// 16 lower-case hex digits.
    static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
