import XCTest
@testable import GuardpostDocuments

final class NodeTests: XCTestCase {
    func testJSONWriterEscapesControlCharacters() {
        let f = SourceFile(path: "x")
        let loc = Location(file: f, line: 1, column: 1)
        let n = Node(.mapping([.init(key: "a\"b", keyLocation: loc, value: Node(.string("x\u{1}\n<"), location: loc))]), location: loc)
        XCTAssertEqual(JSONWriter.compact(n), "{\"a\\\"b\":\"x\\u0001\\n<\"}")
    }
}
