import XCTest
final class GuardpostCLITestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
