/// The time the API-shaped outputs stamp (`UpdatedAt`, the event's `time` and `lastUpdatedAt`).
/// Never the wall clock: it comes from `--timestamp`, and defaults to the knowledge data's date at
/// 00:00:00 UTC, so the same input gives the same bytes.
public struct CoverageTimestamp: Sendable, Hashable, CustomStringConvertible {
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    /// Accepts `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` and `YYYY-MM-DDTHH:MM:SS+00:00` (UTC only).
    public init?(_ text: String) {
        let s = Array(text.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= s.count else { return nil }
            var v = 0
            for b in s[from..<(from + count)] {
                guard b >= 0x30 && b <= 0x39 else { return nil }
                v = v * 10 + Int(b - 0x30)
            }
            return v
        }
        guard s.count >= 10, let y = digits(0, 4), s[4] == 0x2D, let mo = digits(5, 2), s[7] == 0x2D, let d = digits(8, 2) else { return nil }
        var h = 0, mi = 0, se = 0
        if s.count > 10 {
            guard s[10] == 0x54 || s[10] == 0x74, let hh = digits(11, 2), s.count > 13, s[13] == 0x3A, let mm = digits(14, 2),
                  s.count > 16, s[16] == 0x3A, let ss = digits(17, 2) else { return nil }
            let zone = String(decoding: s[19...], as: UTF8.self)
            guard zone == "Z" || zone == "z" || zone == "+00:00" else { return nil }
            h = hh; mi = mm; se = ss
        }
        guard (1...12).contains(mo), (1...Self.days(y, mo)).contains(d), (0...23).contains(h), (0...59).contains(mi), (0...59).contains(se) else { return nil }
        year = y; month = mo; day = d; hour = h; minute = mi; second = se
    }

    /// The default: the knowledge data's `checked` date (`YYYY-MM-DD`) at midnight UTC.
    public static func start(ofDay date: String) -> CoverageTimestamp? { CoverageTimestamp(date) }

    static func days(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    private var base: String {
        let y = String(year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))"
    }

    /// EventBridge's form: `2026-11-28T00:00:00Z`.
    public var iso8601: String { base + "Z" }
    /// The AWS CLI's rendering of API timestamps (what `aws guardduty list-coverage` prints): `2026-11-28T00:00:00+00:00`.
    public var awsCLI: String { base + "+00:00" }
    public var description: String { iso8601 }
}
