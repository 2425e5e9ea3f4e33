/// Encoding detection and UTF-16 -> UTF-8 transcoding shared by the JSON and YAML readers.
///
/// Decisions:
/// - UTF-8, with or without a byte order mark (the BOM is skipped and does not count as a column).
/// - UTF-16LE / UTF-16BE with a BOM are transcoded to UTF-8 first; lines and columns (which count
///   Unicode scalars) are the same in both encodings, so positions stay correct.
/// - UTF-16 *without* a BOM (detected by the NUL pattern of the first bytes) is an error with a clear
///   message rather than a guess: such files are rare and a wrong guess would give garbage.
/// - UTF-32 (with or without BOM) is an error.
enum TextEncoding {
    enum Detected: Equatable {
        case utf8(bomLength: Int)
        case utf16(bigEndian: Bool)
        case utf16WithoutBOM(bigEndian: Bool)
        case utf32(bigEndian: Bool)
    }

    static func detect(_ b: UnsafeRawBufferPointer) -> Detected {
        let n = b.count
        if n >= 4 {
            if b[0] == 0x00, b[1] == 0x00, b[2] == 0xFE, b[3] == 0xFF { return .utf32(bigEndian: true) }
            if b[0] == 0xFF, b[1] == 0xFE, b[2] == 0x00, b[3] == 0x00 { return .utf32(bigEndian: false) }
        }
        if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return .utf8(bomLength: 3) }
        if n >= 2 {
            if b[0] == 0xFE, b[1] == 0xFF { return .utf16(bigEndian: true) }
            if b[0] == 0xFF, b[1] == 0xFE { return .utf16(bigEndian: false) }
        }
        if n >= 4 {
            if b[0] != 0, b[1] == 0, b[2] == 0, b[3] == 0 { return .utf32(bigEndian: false) }
            if b[0] == 0, b[1] == 0, b[2] == 0, b[3] != 0 { return .utf32(bigEndian: true) }
        }
        if n >= 4 {
            // Two leading characters from the BMP's low range with NUL high bytes.
            if b[0] != 0, b[1] == 0, b[2] != 0, b[3] == 0 { return .utf16WithoutBOM(bigEndian: false) }
            if b[0] == 0, b[1] != 0, b[2] == 0, b[3] != 0 { return .utf16WithoutBOM(bigEndian: true) }
        }
        return .utf8(bomLength: 0)
    }

    /// Calls `body` with the input as UTF-8 without a BOM. UTF-8 input is passed through without copying.
    static func withUTF8<T>(_ bytes: UnsafeRawBufferPointer, file: SourceFile,
                            _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        switch detect(bytes) {
        case .utf8(let bom):
            return try body(UnsafeRawBufferPointer(rebasing: bytes[bom...]))
        case .utf32(let be):
            throw ParseError(location: Location(file: file, line: 1, column: 1),
                             message: "UTF-32\(be ? "BE" : "LE") encoding is not supported; use UTF-8")
        case .utf16WithoutBOM(let be):
            throw ParseError(location: Location(file: file, line: 1, column: 1),
                             message: "file looks like UTF-16\(be ? "BE" : "LE") without a byte order mark; re-save it as UTF-8 or add a BOM")
        case .utf16(let be):
            let utf8 = try transcodeUTF16(UnsafeRawBufferPointer(rebasing: bytes[2...]), bigEndian: be, file: file)
            return try utf8.withUnsafeBytes { try body($0) }
        }
    }

    static func transcodeUTF16(_ b: UnsafeRawBufferPointer, bigEndian: Bool, file: SourceFile) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count / 2 + 16)
        let units = b.count / 2
        @inline(__always) func unit(_ i: Int) -> UInt32 {
            let x = UInt32(b[2 * i]), y = UInt32(b[2 * i + 1])
            return bigEndian ? (x << 8 | y) : (y << 8 | x)
        }
        func fail(_ message: String) -> ParseError {
            let mark = out.withUnsafeBytes { Positions.mark(in: $0, at: $0.count) }
            return ParseError(location: Location(file: file, start: mark), message: message)
        }
        var i = 0
        while i < units {
            var u = unit(i)
            i += 1
            if u < 0x80 {
                out.append(UInt8(u))
                continue
            }
            if u >= 0xD800 && u <= 0xDBFF {
                guard i < units else { throw fail("invalid UTF-16: lone surrogate U+\(hex4(u))") }
                let lo = unit(i)
                guard lo >= 0xDC00 && lo <= 0xDFFF else { throw fail("invalid UTF-16: lone surrogate U+\(hex4(u))") }
                i += 1
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
            } else if u >= 0xDC00 && u <= 0xDFFF {
                throw fail("invalid UTF-16: lone surrogate U+\(hex4(u))")
            }
            appendUTF8(u, to: &out)
        }
        if b.count % 2 == 1 { throw fail("invalid UTF-16: odd number of bytes") }
        return out
    }

    @inline(__always)
    static func appendUTF8(_ u: UInt32, to out: inout [UInt8]) {
        if u < 0x80 {
            out.append(UInt8(u))
        } else if u < 0x800 {
            out.append(UInt8(0xC0 | (u >> 6)))
            out.append(UInt8(0x80 | (u & 0x3F)))
        } else if u < 0x10000 {
            out.append(UInt8(0xE0 | (u >> 12)))
            out.append(UInt8(0x80 | ((u >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (u & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (u >> 18)))
            out.append(UInt8(0x80 | ((u >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((u >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (u & 0x3F)))
        }
    }

    static func hex4(_ u: UInt32) -> String {
        let h = String(u, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }

    static func hex2(_ u: UInt8) -> String {
        let h = String(u, radix: 16, uppercase: true)
        return h.count == 1 ? "0" + h : h
    }

    /// Length of the valid UTF-8 sequence starting at `p` (lead byte >= 0x80), or 0 if invalid.
    /// Strict (Unicode table 3-7): no overlongs, no surrogates, nothing above U+10FFFF.
    @inline(__always)
    static func validSequenceLength(_ b: UnsafeRawBufferPointer, _ p: Int) -> Int {
        let n = b.count
        let c0 = b[p]
        @inline(__always) func cont(_ i: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            i < n && b[i] >= lo && b[i] <= hi
        }
        switch c0 {
        case 0xC2...0xDF: return cont(p + 1) ? 2 : 0
        case 0xE0: return cont(p + 1, 0xA0, 0xBF) && cont(p + 2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(p + 1) && cont(p + 2) ? 3 : 0
        case 0xED: return cont(p + 1, 0x80, 0x9F) && cont(p + 2) ? 3 : 0
        case 0xF0: return cont(p + 1, 0x90, 0xBF) && cont(p + 2) && cont(p + 3) ? 4 : 0
        case 0xF1...0xF3: return cont(p + 1) && cont(p + 2) && cont(p + 3) ? 4 : 0
        case 0xF4: return cont(p + 1, 0x80, 0x8F) && cont(p + 2) && cont(p + 3) ? 4 : 0
        default: return 0
        }
    }
}

/// Byte offset -> line/column for error paths (linear; not used on the hot path).
enum Positions {
    /// Line breaks: LF, CR, CRLF. Columns count Unicode scalars (UTF-8 non-continuation bytes).
    static func mark(in b: UnsafeRawBufferPointer, at offset: Int) -> Mark {
        var line = 1, col = 1, i = 0
        let end = min(offset, b.count)
        while i < end {
            let c = b[i]
            if c == 0x0A {
                line += 1; col = 1
            } else if c == 0x0D {
                if i + 1 < b.count, b[i + 1] == 0x0A { i += 1; if i >= end { col += 1; break } }
                line += 1; col = 1
            } else if c & 0xC0 != 0x80 {
                col += 1
            }
            i += 1
        }
        return Mark(line: line, column: col)
    }
}
