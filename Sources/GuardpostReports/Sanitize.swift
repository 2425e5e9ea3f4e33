/// Input text is untrusted: terminal output must not carry its control sequences (ANSI escapes,
/// carriage returns that overwrite a line, bells...).
public enum Sanitize {
    /// Replaces C0/C1 control characters (except tab) with a visible escape, so `\u{1B}[2J` cannot clear a screen.
    public static func terminal(_ s: String) -> String {
        // Fast path: printable ASCII and tabs need no change (almost every message and source line).
        if s.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }) { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v == 0x09 { out.unicodeScalars.append(scalar); continue }
            if v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) || v == 0x2028 || v == 0x2029 || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069) {
                out += "\\u{\(String(v, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// For multi-line text we write ourselves (remediation): keeps newlines, strips the rest.
    public static func terminalLines(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { terminal(String($0)) }.joined(separator: "\n")
    }
}
