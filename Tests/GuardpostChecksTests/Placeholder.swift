import XCTest
final class GuardpostChecksTestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
