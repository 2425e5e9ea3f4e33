import Foundation
import GuardpostDocuments

extension GatekeeperFiles {
    /// Placeholder until the shared YAML reader lands (branch `parsers`).
    static func parseYAML(_ data: Data, path: String) throws -> [Node] {
        throw GatorSuiteError(location: Location(file: SourceFile(path: path), line: 1, column: 1), message: "YAML reader not available yet")
    }
}
