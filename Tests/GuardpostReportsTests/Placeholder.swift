import XCTest
final class GuardpostReportsTestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
