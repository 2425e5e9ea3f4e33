import ArgumentParser
import GuardpostDocuments
import GuardpostChecks
import GuardpostReports

/// `guardpost explain`: triage for a cluster that is already deployed, offline.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Recommended steps for the coverage issues GuardDuty reports for deployed clusters (offline).",
        discussion: """
        Reads the output of `aws guardduty list-coverage` (or one CoverageResource, or one Issue string), recognises
        each issue type and EKS add-on issue code of GuardDuty's troubleshooting table, and prints its steps.
          aws guardduty list-coverage --detector-id ID > coverage.json && guardpost explain --list-coverage coverage.json
          echo 'Addon Creation Failed: EKS Addon issue - ConfigurationConflict: ...' | guardpost explain
        An issue guardpost does not recognise is reported as such.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(name: .long, help: "A file with `aws guardduty list-coverage` output (`-`: standard input). Default: standard input.")
    var listCoverage: String?

    @Option(name: .long, help: "One Issue string to explain, instead of a file.")
    var issue: String?

    @Option(name: .long, help: "The clusters' Region, to list the GuardDuty agent registries an allow-list must contain.")
    var region: String?

    @Option(name: .shortAndLong, help: "Output format: text (default), json.")
    var format: Format = .text

    @Option(name: .long, help: "Read the knowledge data from this folder instead of the embedded copy.")
    var policies: String?

    func validate() throws {
        if listCoverage != nil && issue != nil { throw ValidationError("give either --list-coverage or --issue, not both") }
    }

    func run() throws {
        let records: [CoverageRecordInput]
        let source: String
        if let issue {
            records = [CoverageRecordInput(issue: issue)]
            source = "--issue"
        } else {
            let path = listCoverage ?? "-"
            let bytes: [UInt8]
            do {
                bytes = path == "-" ? try SourceReader.readStandardInput(limits: .default) : try SourceReader.read(path: path, limits: .default)
            } catch let e as ParseError {
                throw reportsUsageError("\(e)")
            }
            do { records = try ListCoverageInput.parse(bytes, path: path == "-" ? "<stdin>" : path) } catch let e as ReportInputError {
                throw reportsUsageError("\(e)")
            }
            source = path == "-" ? "standard input" : path
        }
        var registries: [String] = []
        if let region {
            let knowledge = try ScanPipeline(paths: [], policiesDirectory: policies).knowledgeOrExit()
            registries = knowledge.allRegistries(region: region)
        }
        let report = ExplainReport(rules: RuleRegistry.all.map(\.metadata), region: region, registries: registries)
        switch format {
        case .text: writeStandardOutput(report.renderText(records, source: source))
        case .json: writeStandardOutput(report.renderJSON(records))
        }
    }
}
