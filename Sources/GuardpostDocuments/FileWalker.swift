#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the files to scan under the paths a user gives.
///
/// Folders are walked recursively in sorted order (the output never depends on the order the file
/// system lists entries in); `.git`, `.terraform` and `node_modules` are skipped; symbolic links to
/// folders are followed once (a loop is reported, not followed); dangling links and special files
/// (FIFOs, sockets, devices) are reported, never opened. A symbolic link that leads outside the folder
/// being scanned is reported and not followed: `ln -s / root` in a repository must not make the scan
/// walk (and echo lines of) the whole machine.
public enum FileWalker {
    public static let skippedDirectories: Set<String> = [".git", ".terraform", "node_modules", ".build", ".hg", ".svn"]
    /// Extensions read when walking a folder. Files named explicitly are read whatever their name.
    public static let scannedExtensions: [String] = [".json", ".yaml", ".yml", ".template", ".tfplan.json"]
    /// HCL files: `.tf` is read as Terraform native syntax (`HCLReader`); other `.hcl` files are counted, not read.
    public static let hclExtensions: [String] = [".tf", ".hcl"]

    public struct Entry: Sendable, Hashable {
        public enum Kind: Sendable, Hashable { case file, standardInput, hcl }
        public var path: String
        public var kind: Kind
    }

    public struct Problem: Sendable {
        public var path: String
        public var message: String
    }

    public static func collect(_ paths: [String], maxFiles: Int = 1_000_000) -> (entries: [Entry], problems: [Problem]) {
        var entries: [Entry] = []
        var problems: [Problem] = []
        var visitedDirs = Set<String>()
        for path in paths {
            if path == "-" { entries.append(Entry(path: "-", kind: .standardInput)); continue }
            var st = stat()
            guard stat(path, &st) == 0 else {
                let e = errno
                var lst = stat()
                if lstat(path, &lst) == 0 && (lst.st_mode & S_IFMT) == S_IFLNK {
                    problems.append(Problem(path: path, message: e == ELOOP ? "symbolic link loop" : "dangling symbolic link"))
                } else {
                    problems.append(Problem(path: path, message: "no such file or folder"))
                }
                continue
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                let root = realPath(path) ?? path
                walk(path, st: st, root: root, entries: &entries, problems: &problems, visited: &visitedDirs, depth: 0, maxFiles: maxFiles)
            } else {
                entries.append(Entry(path: path, kind: isHCL(path) ? .hcl : .file))
            }
        }
        return (entries, problems)
    }

    static func isHCL(_ name: String) -> Bool { hclExtensions.contains { name.hasSuffix($0) } }
    static func isScanned(_ name: String) -> Bool { scannedExtensions.contains { name.hasSuffix($0) } }

    /// The canonical absolute path (links resolved), or nil.
    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// Whether `path` (canonical) is `root` or inside it.
    static func isInside(_ path: String, root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    private static func walk(_ dir: String, st: stat, root: String, entries: inout [Entry], problems: inout [Problem],
                             visited: inout Set<String>, depth: Int, maxFiles: Int) {
        let identity = "\(st.st_dev):\(st.st_ino)"
        guard visited.insert(identity).inserted else {
            problems.append(Problem(path: dir, message: "symbolic link loop: folder already scanned"))
            return
        }
        guard depth < 128 else { problems.append(Problem(path: dir, message: "folder nesting deeper than 128")); return }
        guard let handle = opendir(dir) else {
            problems.append(Problem(path: dir, message: "cannot open folder (permission denied?)"))
            return
        }
        var names: [String] = []
        while let ent = readdir(handle) {
            let name = withUnsafePointer(to: ent.pointee.d_name) { ptr in
                ptr.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        closedir(handle)
        names.sort()
        for name in names {
            if entries.count >= maxFiles {
                problems.append(Problem(path: dir, message: "more than \(maxFiles) files; the rest is not scanned"))
                return
            }
            let path = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            var lst = stat()
            guard lstat(path, &lst) == 0 else { continue }
            var mode = lst.st_mode & S_IFMT
            var target = lst
            if mode == S_IFLNK {
                guard stat(path, &target) == 0 else {
                    let message = errno == ELOOP ? "symbolic link loop" : "dangling symbolic link"
                    if isScanned(name) || isHCL(name) { problems.append(Problem(path: path, message: message)) }
                    continue
                }
                mode = target.st_mode & S_IFMT
                if mode == S_IFDIR || isScanned(name) || isHCL(name), !(realPath(path).map { isInside($0, root: root) } ?? false) {
                    problems.append(Problem(path: path, message: "symbolic link leads outside the scanned folder; not followed"))
                    continue
                }
            }
            if mode == S_IFDIR {
                if skippedDirectories.contains(name) { continue }
                walk(path, st: target, root: root, entries: &entries, problems: &problems, visited: &visited, depth: depth + 1, maxFiles: maxFiles)
            } else if name == ".guardpost.yml" {
                continue // the configuration file, read by the CLI, is not an input
            } else if isScanned(name) {
                if mode == S_IFREG { entries.append(Entry(path: path, kind: .file)) }
                else { problems.append(Problem(path: path, message: "not a regular file (FIFO, socket or device); not read")) }
            } else if isHCL(name), mode == S_IFREG {
                entries.append(Entry(path: path, kind: .hcl))
            }
        }
    }
}
