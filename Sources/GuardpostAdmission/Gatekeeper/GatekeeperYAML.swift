import Foundation
import GuardpostDocuments

extension GatekeeperFiles {
    /// The shared YAML reader (libyaml events, positions kept).
    static func parseYAML(_ data: Data, path: String) throws -> [Node] {
        try YAMLReader.parse([UInt8](data), file: SourceFile(path: path)).documents
    }
}
