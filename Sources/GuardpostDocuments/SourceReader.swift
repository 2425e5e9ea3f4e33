#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Reads input files safely: only regular files (directories, FIFOs, sockets and devices are refused
/// before opening), never more than `limits.maxFileSize + 1` bytes, with clear located errors
/// (line 1, column 1 of the file).
public enum SourceReader {
    public static func read(path: String, limits: ParseLimits) throws -> [UInt8] {
        let file = SourceFile(path: path)
        func fail(_ message: String) -> ParseError {
            ParseError(location: Location(file: file, line: 1, column: 1), message: message)
        }
        var st = stat()
        if stat(path, &st) != 0 {
            let e = errno
            var lst = stat()
            if e == ENOENT && lstat(path, &lst) == 0 { throw fail("broken symbolic link") }
            throw fail(errnoMessage(e, action: "cannot access file"))
        }
        if let kind = refusedKind(st.st_mode) { throw fail("not a regular file (\(kind)); refusing to read it") }
        if Int(st.st_size) > limits.maxFileSize {
            throw fail("file is \(st.st_size) bytes, larger than the limit of \(limits.maxFileSize) bytes")
        }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 { throw fail(errnoMessage(errno, action: "cannot open file")) }
        defer { close(fd) }
        // The file may have been swapped between stat and open: check what was actually opened.
        var fst = stat()
        if fstat(fd, &fst) != 0 { throw fail(errnoMessage(errno, action: "cannot stat file")) }
        if let kind = refusedKind(fst.st_mode) { throw fail("not a regular file (\(kind)); refusing to read it") }
        return try readAll(fd: fd, sizeHint: Int(fst.st_size), limits: limits, fail: fail)
    }

    /// Reads standard input to the end (the file is reported as `-`), at most `maxFileSize` bytes.
    public static func readStandardInput(limits: ParseLimits) throws -> [UInt8] {
        let file = SourceFile(path: "-")
        func fail(_ message: String) -> ParseError {
            ParseError(location: Location(file: file, line: 1, column: 1), message: message)
        }
        var st = stat()
        if fstat(0, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { throw fail("standard input is a directory") }
        return try readAll(fd: 0, sizeHint: 0, limits: limits, fail: fail)
    }

    static func readAll(fd: Int32, sizeHint: Int, limits: ParseLimits, fail: (String) -> ParseError) throws -> [UInt8] {
        let cap = limits.maxFileSize + 1
        // The size the file says it has (+1 to see the end): read straight into the array, no chunk copies.
        let first = min(max(sizeHint, 0), limits.maxFileSize) + 1
        var atEnd = false
        var out = try [UInt8](unsafeUninitializedCapacity: first) { buffer, initialized in
            initialized = 0
            while initialized < first {
                let got = try readSome(fd, buffer.baseAddress! + initialized, first - initialized, fail: fail)
                if got == 0 { atEnd = true; break }
                initialized += got
            }
        }
        // Longer than it said (growing file, standard input): the rest in chunks.
        if !atEnd {
            let chunk = 1 << 16
            var buffer = [UInt8](repeating: 0, count: chunk)
            while out.count < cap {
                let want = min(chunk, cap - out.count)
                let got = try buffer.withUnsafeMutableBytes { try readSome(fd, $0.baseAddress!, want, fail: fail) }
                if got == 0 { break }
                buffer.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<got])) }
            }
        }
        if out.count > limits.maxFileSize {
            throw fail("file is larger than the limit of \(limits.maxFileSize) bytes")
        }
        return out
    }

    /// One read(2): the number of bytes read, 0 at the end; retries on EINTR, waits on EAGAIN.
    static func readSome(_ fd: Int32, _ into: UnsafeMutableRawPointer, _ count: Int, fail: (String) -> ParseError) throws -> Int {
        while true {
            let got = systemRead(fd, into, count)
            if got >= 0 { return got }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK {
                // Only possible for non-regular input such as a non-blocking stdin: wait for data.
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&p, 1, -1)
                continue
            }
            throw fail(errnoMessage(e, action: "read error"))
        }
    }

    static func refusedKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "an unsupported file type"
        }
    }

    static func errnoMessage(_ e: Int32, action: String) -> String {
        switch e {
        case EACCES, EPERM: return "\(action): permission denied"
        case ENOENT: return "\(action): no such file or directory"
        case ENOTDIR: return "\(action): a component of the path is not a directory"
        case ELOOP: return "\(action): too many levels of symbolic links"
        case ENAMETOOLONG: return "\(action): path too long"
        case EISDIR: return "\(action): is a directory"
        default:
            let text = strerror(e).map { String(cString: $0) } ?? "errno \(e)"
            return "\(action): \(text)"
        }
    }
}
