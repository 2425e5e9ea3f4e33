import GuardpostDocuments
import GuardpostModel
import GuardpostKnowledge
import GuardpostChecks
import GuardpostReports

/// Bytes to result: the one path every command that scans goes through.
public struct ScanPipeline {
    public var paths: [String]
    public var workers: Int
    public var policiesDirectory: String?
    public var configPath: String?
    public var noConfig: Bool

    public init(paths: [String], workers: Int = 0, policiesDirectory: String? = nil, configPath: String? = nil, noConfig: Bool = false) {
        self.paths = paths.isEmpty ? ["."] : paths
        self.workers = workers
        self.policiesDirectory = policiesDirectory
        self.configPath = configPath
        self.noConfig = noConfig
    }

    public enum Failure: Error, CustomStringConvertible {
        case configuration(String)
        case policies(String)
        public var description: String {
            switch self {
            case .configuration(let s): return "configuration error: \(s)"
            case .policies(let s): return "policies error: \(s)"
            }
        }
    }

    public func knowledge() throws -> Knowledge {
        guard let dir = policiesDirectory else { return .embedded }
        do { return try Knowledge.load(directory: dir) } catch { throw Failure.policies("\(error)") }
    }

    public func accounts() throws -> AccountContext {
        if noConfig { return AccountContext() }
        let path = configPath ?? paths.first.flatMap { $0 == "-" ? nil : AccountContextLoader.find(from: $0) }
        guard let path else { return AccountContext() }
        do { return try AccountContextLoader.load(path: path) } catch { throw Failure.configuration("\(error)") }
    }

    public func run() throws -> ScanResult {
        let knowledge = try knowledge()
        let accounts = try accounts()
        let load = InputLoader.load(paths: paths, options: .init(workers: workers, region: accounts.defaultRegion))
        let infra = InfrastructureBuilder.build(load)
        var scanner = Scanner(knowledge: knowledge, accounts: accounts)
        scanner.workers = workers
        var result = scanner.scan(infra)
        result.snippets = SnippetCollector.collect(for: result)
        return result
    }
}

/// Re-reads the lines findings point at, for the text report (bounded: only those lines, only
/// regular files under the size limit).
enum SnippetCollector {
    static func collect(for result: ScanResult) -> [String: String] {
        var wanted: [String: Set<Int>] = [:]
        for f in result.findings where f.location.file.path != "-" { wanted[f.location.file.path, default: []].insert(f.location.line) }
        var out: [String: String] = [:]
        for (path, lines) in wanted {
            guard let bytes = try? SourceReader.read(path: path, limits: .default) else { continue }
            var line = 1
            var start = 0
            var i = 0
            let n = bytes.count
            let maxLine = lines.max() ?? 0
            while i <= n && line <= maxLine {
                if i == n || bytes[i] == 0x0A {
                    if lines.contains(line) {
                        var end = i
                        if end > start && bytes[end - 1] == 0x0D { end -= 1 }
                        let text = String(decoding: bytes[start..<end], as: UTF8.self)
                        out["\(path):\(line)"] = text.count > 400 ? String(text.prefix(400)) + "…" : text
                    }
                    line += 1
                    start = i + 1
                }
                i += 1
            }
        }
        return out
    }
}
