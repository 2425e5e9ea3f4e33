import ArgumentParser
import GuardpostAdmission

/// `guardpost admission test PATH...`: runs the Kyverno CLI and gator suites users already have, with
/// guardpost's own engines, offline.
struct AdmissionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "admission", abstract: "Admission policy tools.",
                                                    subcommands: [Test.self])

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Run Kyverno CLI test suites (kyverno-test.yaml) and Gatekeeper gator suites (suite.yaml) found under the paths.",
            discussion: "Exit 1 when any result differs from its expectation, 2 when a suite cannot be read. Cases that need what guardpost cannot evaluate (CEL, API calls, mutation) are reported as skipped with the reason.")

        @Argument(help: "Files or folders to search for kyverno-test.yaml and suite.yaml.") var paths: [String] = ["."]
        @Flag(name: .long, help: "Print only failures and the summary.") var quiet = false

        func run() throws {
            let kyverno = KyvernoTestRunner.run(paths: paths)
            let gator = GatorSuiteRunner.runAll(paths: paths)
            var out = ""
            if !kyverno.isEmpty {
                let report = KyvernoTestRunner.report(quiet ? kyverno.filter { $0.status != .agreed } : kyverno)
                out += report
                if !out.hasSuffix("\n") { out += "\n" }
            }
            if !gator.results.isEmpty {
                out += GatorSuiteRunner.render(quiet ? gator.results.filter { $0.status != .agreed } : gator.results)
                if !out.hasSuffix("\n") { out += "\n" }
            }
            for e in gator.unreadable { out += "error: \(e)\n" }
            let all = kyverno + gator.results
            let agreed = all.filter { $0.status == .agreed }.count
            let disagreed = all.filter { $0.status == .disagreed }.count
            let skipped = all.filter { $0.status == .skipped }.count
            out += "\nadmission test: \(kyverno.count) Kyverno case\(kyverno.count == 1 ? "" : "s"), \(gator.results.count) Gatekeeper case\(gator.results.count == 1 ? "" : "s"): \(agreed) agreed, \(disagreed) disagreed, \(skipped) skipped\(gator.unreadable.isEmpty ? "" : ", \(gator.unreadable.count) unreadable suite(s)")\n"
            writeStandardOutput(out)
            if kyverno.isEmpty && gator.results.isEmpty && gator.unreadable.isEmpty {
                writeStandardError("guardpost: no kyverno-test.yaml or suite.yaml under \(paths.joined(separator: " "))\n")
                throw ExitCodes.usage
            }
            if !gator.unreadable.isEmpty { throw ExitCodes.usage }
            if disagreed > 0 { throw ExitCodes.findings }
        }
    }
}
