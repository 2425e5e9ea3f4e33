/// Puts untrusted text into Markdown (GitHub/GitLab flavoured) so that it shows as written: no HTML, no
/// links, no @mentions, no table or list breakage, no control characters.
enum MarkdownText {
    /// Plain inline text: ASCII punctuation with a Markdown meaning is backslash-escaped, line breaks
    /// become spaces, other control characters a visible `\u{1b}`.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\n", "\r", "\t":
                out.append(" ")
            case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "~", "&", "!", "@", "{", "}", "(", ")", "$":
                out.append("\\")
                out.unicodeScalars.append(scalar)
            default:
                if isControl(scalar) { out += "\\\\u{\(String(scalar.value, radix: 16))}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// An inline code span that holds any text: the fence is longer than any run of backticks inside.
    /// Inside a table cell use `tableCode`.
    static func code(_ s: String) -> String {
        var body = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\n", "\r", "\t": body.append(" ")
            default:
                if isControl(scalar) { body += "\\u{\(String(scalar.value, radix: 16))}" } else { body.unicodeScalars.append(scalar) }
            }
        }
        let fence = String(repeating: "`", count: longestRun(of: "`", in: body) + 1)
        let pad = body.hasPrefix("`") || body.hasSuffix("`") || (body.hasPrefix(" ") && body.hasSuffix(" ") && !body.isEmpty)
        return pad ? "\(fence) \(body) \(fence)" : "\(fence)\(body)\(fence)"
    }

    /// A fenced code block (fence longer than any backtick run inside); keeps line breaks and tabs.
    static func codeBlock(_ s: String) -> String {
        var body = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\n", "\t": body.unicodeScalars.append(scalar)
            case "\r": break
            default:
                if isControl(scalar) { body += "\\u{\(String(scalar.value, radix: 16))}" } else { body.unicodeScalars.append(scalar) }
            }
        }
        let fence = String(repeating: "`", count: max(3, longestRun(of: "`", in: body) + 1))
        return "\(fence)\n\(body)\n\(fence)"
    }

    /// A code span for a GFM table cell: GFM splits cells on `|` before it reads code spans, so every
    /// pipe inside is written `\|` (the table parser turns it back into `|`). Escaped plain text
    /// (`escape`) needs nothing more: its pipes are already `\|`.
    static func tableCode(_ s: String) -> String {
        var out = ""
        for ch in code(s) {
            if ch == "|" { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    /// Text inside an HTML block (`<summary>`), where Markdown escapes are not read: HTML entities.
    static func html(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "@": out += "&#64;"
            case "\n", "\r", "\t": out += " "
            default:
                if isControl(scalar) { out += "\\u{\(String(scalar.value, radix: 16))}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Shortens to `limit` characters with an ellipsis.
    static func truncated(_ s: String, _ limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) || v == 0x2028 || v == 0x2029
            || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
    }

    static func longestRun(of c: Character, in s: String) -> Int {
        var best = 0, run = 0
        for ch in s {
            if ch == c { run += 1; best = max(best, run) } else { run = 0 }
        }
        return best
    }
}
