import ArgumentParser
import GuardpostDocuments
import GuardpostChecks
import GuardpostReports

/// `guardpost diff BASE HEAD`: the clusters whose predicted coverage status a change moves, as the
/// EventBridge events GuardDuty would publish, and a Markdown summary for the pull request.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two versions and print the GuardDuty coverage events (EventBridge schema) the change would cause.",
        discussion: """
        BASE and HEAD are each a folder or file to scan, or a JSON result of `guardpost scan --format json`.
        Formats: events (default; a JSON array of EventBridge events: "GuardDuty Runtime Protection Unhealthy" / "Healthy"),
        markdown (a pull-request summary: which cluster becomes Unhealthy, because of which file:line, and the fix).
        Exit codes: 0 no cluster becomes Unhealthy, 1 a change makes a cluster Unhealthy, 2 usage or input errors.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case events, markdown
    }

    @Argument(help: "The version before the change (folder, file, or scan JSON).")
    var base: String

    @Argument(help: "The version after the change (folder, file, or scan JSON).")
    var head: String

    @Option(name: .shortAndLong, help: "Output format: events, markdown. Repeat with --output for both in one run.")
    var format: [Format] = []

    @Option(name: .shortAndLong, help: "Write to this file (paired with --format in order). Default: standard output.")
    var output: [String] = []

    @Option(name: .long, help: "The time to stamp (time, lastUpdatedAt): YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC. Default: HEAD's knowledge data date at 00:00:00Z.")
    var timestamp: String?

    @Option(name: .long, help: "Read the knowledge data from this folder instead of the embedded copy (both sides).")
    var policies: String?

    @Option(name: .long, help: "Configuration file for both sides (default: each side's .guardpost.yml, found upward from it).")
    var config: String?

    @Flag(name: .long, help: "Ignore any .guardpost.yml.")
    var noConfig = false

    func validate() throws {
        if output.count > max(format.count, 1) { throw ValidationError("more --output than --format") }
        if format.count > 1 && output.count < format.count - 1 { throw ValidationError("with several --format, give an --output for each (one may go to standard output)") }
    }

    func run() throws {
        let before = try side(base)
        let after = try side(head)
        let changes = CoverageDiff.changes(base: before.clusters, head: after.clusters)
        let stamp = try parseTimestamp(timestamp, default: after.knowledgeDate)
        let formats = format.isEmpty ? [.events] : format
        for (i, f) in formats.enumerated() {
            let text: String
            switch f {
            case .events: text = CoverageEventsReport(timestamp: stamp).render(changes)
            case .markdown: text = CoverageDiffMarkdown().render(changes, baseLabel: base, headLabel: head)
            }
            try emit(text, to: i < output.count ? output[i] : nil)
        }
        if CoverageDiff.makesUnhealthy(changes) { throw ExitCodes.findings }
    }

    /// One side: a saved scan result, or a scan of the path.
    func side(_ path: String) throws -> (clusters: [ClusterCoverage], knowledgeDate: String) {
        if let bytes = savedResult(path) {
            do {
                let parsed = try ScanResultJSON.parse(bytes, path: path)
                let date = try parsed.knowledgeDate ?? ScanPipeline(paths: [], policiesDirectory: policies).knowledgeOrExit().checkedDate
                return (parsed.clusters, date)
            } catch let e as ReportInputError {
                throw reportsUsageError("\(e)")
            }
        }
        guard diffPathExists(path) else { throw reportsUsageError("\(path): no such file or folder") }
        let pipeline = ScanPipeline(paths: [path], policiesDirectory: policies, configPath: config, noConfig: noConfig)
        let result = try runPipeline(pipeline)
        noteInputProblems(result)
        let accounts = (try? pipeline.accounts()) ?? AccountContext()
        return (ClusterCoverage.all(result, accounts: accounts), result.knowledgeDate)
    }

    /// The bytes of `path` when it is a regular file holding a guardpost scan result.
    func savedResult(_ path: String) -> [UInt8]? {
        guard path != "-", diffIsRegularFile(path), let bytes = try? SourceReader.read(path: path, limits: .default) else { return nil }
        guard let root = try? JSONReader.parse(bytes, file: SourceFile(path: path)), ScanResultJSON.isScanResult(root) else { return nil }
        return bytes
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func diffIsRegularFile(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
}

func diffPathExists(_ path: String) -> Bool {
    var st = stat()
    return path == "-" || stat(path, &st) == 0
}
