import ArgumentParser
import GuardpostDocuments
import GuardpostChecks
import GuardpostReports

/// `guardpost coverage list|statistics`: the prediction in the shapes of GuardDuty's ListCoverage and
/// GetCoverageStatistics responses, so scripts written for `aws guardduty list-coverage` work on it.
struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Predicted coverage in the shapes of GuardDuty's ListCoverage and GetCoverageStatistics responses.",
        subcommands: [List.self, Statistics.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Print the ListCoverage response GuardDuty would give for the scanned clusters.",
            discussion: """
            Same options as `aws guardduty list-coverage`, e.g.
              guardpost coverage list samples/multi-account \\
                --sort-criteria '{"AttributeName": "EKS_CLUSTER_NAME", "OrderBy": "DESC"}' \\
                --filter-criteria '{"FilterCriterion":[{"CriterionKey":"ACCOUNT_ID", "FilterCondition":{"EqualsValue":"111122223333"}}]}' \\
                --max-results 5
            Values guardpost does not know (an account no .guardpost.yml maps, a detector id before apply) read "unknown".
            Clusters GuardDuty would not monitor have no coverage record and are not listed (see standard error).
            """)

        @OptionGroup var input: ScanInputOptions
        @OptionGroup var criteria: CoverageCriteriaOptions

        @Option(name: .long, help: "Sort: {\"AttributeName\": \"EKS_CLUSTER_NAME\", \"OrderBy\": \"DESC\"} (ACCOUNT_ID, COVERAGE_STATUS, ISSUE, ADDON_VERSION, UPDATED_AT, CLUSTER_NAME, EKS_CLUSTER_NAME, ECS_CLUSTER_NAME, INSTANCE_ID).")
        var sortCriteria: String?

        @Option(name: .long, help: "Page size, 1 to 50 (the API's range). Default: every cluster, as the AWS CLI prints after paginating.")
        var maxResults: Int?

        @Option(name: .long, help: "The NextToken of the previous page (with the same criteria).")
        var nextToken: String?

        func run() throws {
            if let maxResults {
                do { try CoverageQuery.validateMaxResults(maxResults) } catch let e as CoverageQueryError { throw reportsUsageError(e.message) }
            }
            var query = try criteria.query()
            if let sortCriteria {
                do { query.sort = try CoverageQuery.parseSortCriteria(coverageArgument(sortCriteria)) } catch let e as CoverageQueryError {
                    throw reportsUsageError(e.message)
                }
            }
            query.maxResults = maxResults
            query.nextToken = nextToken
            let (clusters, knowledgeDate) = try scanClusters(input)
            let stamp = try criteria.stamp(default: knowledgeDate)
            noteNotMonitored(clusters)
            do { try emit(ListCoverageReport(timestamp: stamp).render(clusters, query: query), to: criteria.output) } catch let e as CoverageQueryError {
                throw reportsUsageError(e.message)
            }
        }
    }

    struct Statistics: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "statistics",
            abstract: "Print the GetCoverageStatistics response GuardDuty would give for the scanned clusters.",
            discussion: """
            e.g. guardpost coverage statistics samples/multi-account --statistics-type COUNT_BY_COVERAGE_STATUS \\
                   --filter-criteria '{"FilterCriterion":[{"CriterionKey":"ACCOUNT_ID", "FilterCondition":{"EqualsValue":"111122223333"}}]}'
            """)

        @OptionGroup var input: ScanInputOptions
        @OptionGroup var criteria: CoverageCriteriaOptions

        @Option(name: .long, parsing: .upToNextOption, help: "COUNT_BY_COVERAGE_STATUS and/or COUNT_BY_RESOURCE_TYPE (required).")
        var statisticsType: [StatisticsTypeArgument] = []

        func run() throws {
            if statisticsType.isEmpty { throw reportsUsageError("--statistics-type is required: COUNT_BY_COVERAGE_STATUS and/or COUNT_BY_RESOURCE_TYPE") }
            let query = try criteria.query()
            let (clusters, _) = try scanClusters(input)
            noteNotMonitored(clusters)
            let types = statisticsType.map(\.type)
            try emit(CoverageStatisticsReport().render(clusters, query: query, types: types), to: criteria.output)
        }
    }
}

enum StatisticsTypeArgument: String, ExpressibleByArgument, CaseIterable {
    case countByCoverageStatus = "COUNT_BY_COVERAGE_STATUS"
    case countByResourceType = "COUNT_BY_RESOURCE_TYPE"
    var type: CoverageStatisticsType {
        switch self {
        case .countByCoverageStatus: return .countByCoverageStatus
        case .countByResourceType: return .countByResourceType
        }
    }
}

/// Options shared by `coverage list` and `coverage statistics`.
struct CoverageCriteriaOptions: ParsableArguments {
    @Option(name: .long, help: "Filter, as the AWS CLI takes it: {\"FilterCriterion\":[{\"CriterionKey\":\"ACCOUNT_ID\",\"FilterCondition\":{\"Equals\":[\"111122223333\"]}}]} (Equals, NotEquals, or the user guide's EqualsValue). `file://PATH` reads it from a file.")
    var filterCriteria: String?

    @Option(name: .long, help: "The time to stamp (UpdatedAt): YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC. Default: the knowledge data's date at 00:00:00Z, so the output is the same on every run.")
    var timestamp: String?

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func query() throws -> CoverageQuery {
        var q = CoverageQuery()
        if let filterCriteria {
            do { q.filters = try CoverageQuery.parseFilterCriteria(coverageArgument(filterCriteria)) } catch let e as CoverageQueryError {
                throw reportsUsageError(e.message)
            }
        }
        return q
    }

    func stamp(default date: String) throws -> CoverageTimestamp {
        try parseTimestamp(timestamp, default: date)
    }
}

func parseTimestamp(_ text: String?, default date: String) throws -> CoverageTimestamp {
    if let text {
        guard let t = CoverageTimestamp(text) else {
            throw reportsUsageError("--timestamp '\(text)' is not a UTC time like 2026-11-28 or 2026-11-28T09:30:00Z")
        }
        return t
    }
    guard let t = CoverageTimestamp.start(ofDay: date) else { throw reportsUsageError("knowledge date '\(date)' is not a date") }
    return t
}

/// Reads `file://PATH` arguments (as the AWS CLI does); other text is the value itself.
func coverageArgument(_ value: String) throws -> String {
    guard value.hasPrefix("file://") else { return value }
    let path = String(value.dropFirst("file://".count))
    guard let bytes = try? SourceReader.read(path: path, limits: .default) else { throw reportsUsageError("cannot read \(path)") }
    return String(decoding: bytes, as: UTF8.self)
}

/// Prints a usage error and returns the exit code 2 to throw.
func reportsUsageError(_ message: String) -> ExitCode {
    writeStandardError("guardpost: \(message)\n")
    return ExitCodes.usage
}

/// Scans and returns the clusters with their detector ids (through the run's `.guardpost.yml`).
func scanClusters(_ input: ScanInputOptions) throws -> (clusters: [ClusterCoverage], knowledgeDate: String) {
    let pipeline = input.pipeline
    let result = try runPipeline(pipeline)
    noteInputProblems(result)
    let accounts = (try? pipeline.accounts()) ?? AccountContext()
    return (ClusterCoverage.all(result, accounts: accounts), result.knowledgeDate)
}

/// Files that could not be read leave clusters out of an API-shaped answer: say so on standard error.
func noteInputProblems(_ result: ScanResult) {
    for d in result.diagnostics where d.severity == .error {
        writeStandardError("guardpost: \(Sanitize.terminal(d.location.description)): \(Sanitize.terminal(d.message))\n")
    }
}

func noteNotMonitored(_ clusters: [ClusterCoverage]) {
    let off = clusters.filter { $0.status == .notMonitored }
    guard !off.isEmpty else { return }
    let names = off.map { "\(Sanitize.terminal($0.clusterName)) (\(Sanitize.terminal($0.reason ?? "not monitored")))" }.joined(separator: ", ")
    writeStandardError("guardpost: \(off.count) cluster\(off.count == 1 ? "" : "s") GuardDuty would not monitor, so not listed: \(names)\n")
}
