import GuardpostDocuments

/// A small order-preserving JSON reader for the trusted `policies/` files. It turns text into a
/// `GuardpostDocuments.Node` (keys in file order, positions kept) so syntax errors name line and column,
/// and so the agent objects keep their key order when written back out.
struct PolicyJSONReader {
    struct Failure: Error { var line: Int; var column: Int; var message: String }

    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private var lineStart = 0
    private let file: SourceFile

    init(text: String, path: String) {
        bytes = Array(text.utf8)
        file = SourceFile(path: path)
    }

    static func parse(_ text: String, path: String) throws -> Node {
        var r = PolicyJSONReader(text: text, path: path)
        r.skipSpace()
        let node = try r.value(depth: 0)
        r.skipSpace()
        guard r.i == r.bytes.count else { throw r.fail("unexpected text after the JSON value") }
        return node
    }

    private func fail(_ message: String) -> Failure { Failure(line: line, column: i - lineStart + 1, message: message) }
    private var here: Location { Location(file: file, line: line, column: i - lineStart + 1) }

    private mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0D: i += 1
            case 0x0A: i += 1; line += 1; lineStart = i
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws -> Node {
        guard depth < 64 else { throw fail("nesting deeper than 64 levels") }
        guard i < bytes.count else { throw fail("unexpected end of file, expected a value") }
        let loc = here
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var entries: [Node.Entry] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return Node(.mapping(entries), location: loc) }
            while true {
                skipSpace()
                let keyLoc = here
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try string()
                if entries.contains(where: { $0.key == key }) { throw Failure(line: keyLoc.line, column: keyLoc.column, message: "duplicate key \"\(key)\"") }
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after key \"\(key)\"") }
                i += 1
                skipSpace()
                entries.append(Node.Entry(key: key, keyLocation: keyLoc, value: try value(depth: depth + 1)))
                skipSpace()
                guard i < bytes.count else { throw fail("unexpected end of file inside an object") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return Node(.mapping(entries), location: loc) }
                throw fail("expected ',' or '}' in an object")
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [Node] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return Node(.sequence(items), location: loc) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard i < bytes.count else { throw fail("unexpected end of file inside an array") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return Node(.sequence(items), location: loc) }
                throw fail("expected ',' or ']' in an array")
            }
        case UInt8(ascii: "\""):
            return Node(.string(try string()), location: loc)
        case UInt8(ascii: "t"): try literal("true"); return Node(.bool(true), location: loc)
        case UInt8(ascii: "f"): try literal("false"); return Node(.bool(false), location: loc)
        case UInt8(ascii: "n"): try literal("null"); return Node(.null, location: loc)
        default:
            let start = i
            while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
            guard i > start else { throw fail("unexpected character, expected a value") }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            guard Double(text) != nil, text.first != "+" else { i = start; throw fail("invalid number \(text)") }
            return Node(.number(text), location: loc)
        }
    }

    private mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw fail("unexpected word, expected \(word)") }
        i += w.count
    }

    private mutating func string() throws -> String {
        i += 1 // opening quote
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\""):
                i += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard i + 1 < bytes.count else { throw fail("unterminated escape") }
                let e = bytes[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("invalid surrogate pair") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: i -= 1; throw fail("invalid escape")
                }
            case 0x0A: throw fail("unterminated string")
            case 0x00..<0x20: throw fail("control character in a string")
            default:
                out.append(b); i += 1
            }
        }
        throw fail("unterminated string")
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16)
        else { throw fail("invalid \\u escape") }
        i += 4
        return v
    }
}
