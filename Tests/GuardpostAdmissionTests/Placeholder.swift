import XCTest
final class GuardpostAdmissionTestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
