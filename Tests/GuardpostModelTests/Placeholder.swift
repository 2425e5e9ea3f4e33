import XCTest
final class GuardpostModelTestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
