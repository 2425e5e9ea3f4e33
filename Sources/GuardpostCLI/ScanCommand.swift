import ArgumentParser
import GuardpostDocuments
import GuardpostChecks
import GuardpostReports
#if canImport(Glibc)
import Glibc
#endif

/// Options shared by every command that scans.
struct ScanInputOptions: ParsableArguments {
    @Argument(help: "Files or folders to scan (folders recursively; `-` reads standard input). Default: the current folder.")
    var paths: [String] = []

    @Option(name: .long, help: "Read the knowledge data (agent versions, registries...) from this folder instead of the embedded copy.")
    var policies: String?

    @Option(name: .long, help: "Configuration file (default: .guardpost.yml found upward from the first path).")
    var config: String?

    @Flag(name: .long, help: "Ignore any .guardpost.yml.")
    var noConfig = false

    @Option(name: .long, help: "Parallel workers (default: one per core).")
    var jobs: Int = 0

    var pipeline: ScanPipeline {
        ScanPipeline(paths: paths, workers: jobs, policiesDirectory: policies, configPath: config, noConfig: noConfig)
    }
}

/// The scan result lives until the process exits: freeing millions of tree nodes one by one just
/// before exit costs time (15-20% of a scan of large YAML files) and gives nothing back.
enum ProcessLifetime {
    private final class Box: @unchecked Sendable { var values: [Any] = [] }
    private static let box = Box()
    static func keep(_ value: Any) { box.values.append(value) }
}

enum ExitCodes {
    static let findings = ExitCode(1)
    static let usage = ExitCode(2)
}

/// Runs a pipeline, turning configuration and policy errors into exit code 2.
func runPipeline(_ pipeline: ScanPipeline) throws -> ScanResult {
    do { return try pipeline.run() } catch let e as ScanPipeline.Failure {
        writeStandardError("guardpost: \(Sanitize.terminal(e.description))\n")
        throw ExitCodes.usage
    }
}

func writeStandardError(_ s: String) {
    var s = s
    s.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, stderr) }
}

func writeStandardOutput(_ s: String) {
    var s = s
    s.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, stdout) }
}

/// Writes to `--output` (the only place guardpost writes files) or standard output.
func emit(_ text: String, to path: String?) throws {
    guard let path else { writeStandardOutput(text); return }
    guard let f = fopen(path, "wb") else {
        writeStandardError("guardpost: cannot write \(path)\n")
        throw ExitCodes.usage
    }
    var t = text
    t.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, f) }
    fclose(f)
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
    case sarif, junit, github, markdown
    case html
}

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scan", abstract: "Scan files and predict GuardDuty EKS Runtime Monitoring coverage.")

    @OptionGroup var input: ScanInputOptions

    @Option(name: .shortAndLong, help: "Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")). Repeat with --output for several formats in one run.")
    var format: [OutputFormat] = []

    @Option(name: .shortAndLong, help: "Write the report to this file (paired with --format in order). Default: standard output.")
    var output: [String] = []

    @Option(name: .long, help: "Lowest severity that makes the exit code 1: info, warning, error (default: error). Parse errors always count unless the threshold is 'none'.")
    var failOn: String = "error"

    @Flag(name: .long, help: "Colour the text output (default: off).")
    var color = false

    @Flag(name: .long, help: "Hide info findings in the text output.")
    var quiet = false

    func validate() throws {
        if output.count > max(format.count, 1) { throw ValidationError("more --output than --format") }
        if format.count > 1 && output.count < format.count - 1 { throw ValidationError("with several --format, give an --output for each (one may go to standard output)") }
        if !["info", "warning", "error", "none"].contains(failOn) { throw ValidationError("--fail-on must be info, warning, error or none") }
    }

    func run() throws {
        let result = try runPipeline(input.pipeline)
        ProcessLifetime.keep(result)
        let formats = format.isEmpty ? [.text] : format
        for (i, f) in formats.enumerated() {
            let text: String
            switch f {
            case .text: text = TextReport(color: color, showInfo: !quiet).render(result)
            case .json: text = JSONReport().render(result)
            case .sarif: text = SARIFReport().render(result)
            case .junit: text = JUnitReport().render(result)
            case .github: text = GitHubReport().render(result)
            case .markdown: text = MarkdownReport().render(result)
            case .html: text = HTMLReport().render(result)
            }
            try emit(text, to: i < output.count ? output[i] : nil)
        }
        if failOn != "none", let threshold = Severity(rawValue: failOn),
           result.findings.contains(where: { $0.suppression == nil && $0.severity >= threshold }) {
            throw ExitCodes.findings
        }
    }
}

struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inventory", abstract: "Print the linked model as JSON: what was found, where, and how it links.")
    @OptionGroup var input: ScanInputOptions

    func run() throws {
        let result = try runPipeline(input.pipeline)
        writeStandardOutput(InventoryReport().render(result.infrastructure))
    }
}

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "List every rule, or print one rule's documentation.",
                                                    subcommands: [List.self, Show.self], defaultSubcommand: List.self)
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List every rule.")
        @Flag(name: .long, help: "Print the full documentation of every rule as Markdown (docs/rules.md).") var markdown = false
        func run() throws {
            let rules = RuleRegistry.all.map(\.metadata)
            writeStandardOutput(markdown ? RuleDocumentation.markdown(rules) : RuleDocumentation.list(rules))
        }
    }
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a rule's whole documentation.")
        @Argument(help: "Rule id (GP101) or name (vpc-dns-attributes).") var id: String
        func run() throws {
            guard let rule = RuleRegistry.rule(id: id) else {
                writeStandardError("guardpost: no rule '\(id)'; `guardpost rules` lists them\n")
                throw ExitCodes.usage
            }
            writeStandardOutput(RuleDocumentation.show(rule.metadata))
        }
    }
}

struct KnowledgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "knowledge", abstract: "Print the knowledge data in use (agent versions, EKS calendar, registries...) and its date.")
    @Option(name: .long, help: "Read the data from this folder instead of the embedded copy.") var policies: String?
    func run() throws {
        let k = try ScanPipeline(paths: [], policiesDirectory: policies).knowledgeOrExit()
        writeStandardOutput(k.describe())
    }
}

extension ScanPipeline {
    func knowledgeOrExit() throws -> GuardpostKnowledge.Knowledge {
        do { return try knowledge() } catch {
            writeStandardError("guardpost: \(Sanitize.terminal("\(error)"))\n")
            throw ExitCodes.usage
        }
    }
}
import GuardpostKnowledge
