import XCTest
import GuardpostModel
@testable import GuardpostChecks

/// Rules GP102-GP119 read Terraform plan JSON, `.tf.json` and CloudFormation: each has a triggering and a
/// passing example in every one of these formats.
final class RuleFormatCoverageTests: XCTestCase {
    func testEveryFormatHasTriggeringAndPassingExamples() {
        let formats: [InputFormat] = [.terraformPlan, .terraformJSON, .cloudFormation]
        let rules = RuleRegistry.all.filter { (102...119).map { "GP\($0)" }.contains($0.metadata.id) }
        XCTAssertEqual(rules.count, 17)
        for rule in rules {
            for format in formats {
                let examples = rule.metadata.examples.filter { $0.format == format }
                XCTAssertTrue(examples.contains { $0.triggers }, "\(rule.metadata.id) has no triggering \(format.displayName) example")
                XCTAssertTrue(examples.contains { !$0.triggers }, "\(rule.metadata.id) has no passing \(format.displayName) example")
            }
        }
    }
}
