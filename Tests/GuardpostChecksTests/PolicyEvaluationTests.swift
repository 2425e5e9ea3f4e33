import XCTest
import GuardpostDocuments
@testable import GuardpostChecks

final class PolicyEvaluationTests: XCTestCase {
    func doc(_ json: String) throws -> Node { try JSONReader.parse(json, file: SourceFile(path: "policy.json")) }

    func decide(_ json: String, _ request: PolicyRequest, endpoint: Bool = false) throws -> PolicyEvaluation.Decision.Outcome {
        try PolicyEvaluation.decide(doc(json), request, implicitDenyWithoutAllow: endpoint, checkPrincipal: endpoint).outcome
    }

    let telemetry = PolicyRequest(action: "guardduty:SendSecurityTelemetry", known: ["aws:PrincipalAccount": ["111122223333"]],
                                  absent: ["aws:PrincipalServiceName"], principalAccount: "111122223333")

    func testWildcardMatching() {
        XCTAssertTrue(PolicyEvaluation.wildcard("guardduty:*", matches: "guardduty:SendSecurityTelemetry", caseInsensitive: true))
        XCTAssertTrue(PolicyEvaluation.wildcard("*", matches: "guardduty:SendSecurityTelemetry", caseInsensitive: true))
        XCTAssertTrue(PolicyEvaluation.wildcard("GuardDuty:Send*Telemetry", matches: "guardduty:SendSecurityTelemetry", caseInsensitive: true))
        XCTAssertTrue(PolicyEvaluation.wildcard("guardduty:SendSecurityTelemetr?", matches: "guardduty:SendSecurityTelemetry", caseInsensitive: true))
        XCTAssertFalse(PolicyEvaluation.wildcard("guardduty:Delete*", matches: "guardduty:SendSecurityTelemetry", caseInsensitive: true))
        XCTAssertFalse(PolicyEvaluation.wildcard("GuardDuty:*", matches: "guardduty:x", caseInsensitive: false))
        XCTAssertTrue(PolicyEvaluation.wildcard("a*b*c", matches: "aXXbYYc", caseInsensitive: false))
        XCTAssertFalse(PolicyEvaluation.wildcard("a*b*c", matches: "aXXbYY", caseInsensitive: false))
    }

    func testActionNotActionAndStatementShapes() throws {
        XCTAssertEqual(try decide(#"{"Statement":{"Effect":"Deny","Action":"guardduty:*","Resource":"*"}}"#, telemetry), .explicitDeny)
        XCTAssertEqual(try decide(#"{"Statement":[{"Effect":"Deny","NotAction":["ec2:*"],"Resource":"*"}]}"#, telemetry), .explicitDeny)
        XCTAssertEqual(try decide(#"{"Statement":[{"Effect":"Deny","NotAction":["guardduty:*"],"Resource":"*"}]}"#, telemetry), .allowed)
        XCTAssertEqual(try decide(#"{"Statement":[{"Effect":"Deny","Action":["guardduty:DeleteDetector"],"Resource":"*"}]}"#, telemetry), .allowed)
        // A Deny on specific resources cannot be decided.
        XCTAssertEqual(try decide(#"{"Statement":[{"Effect":"Deny","Action":"guardduty:*","Resource":"arn:aws:guardduty:*:*:detector/x"}]}"#, telemetry), .unknown)
    }

    func testEndpointPolicyImplicitDenyAndPrincipals() throws {
        XCTAssertEqual(try decide(#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#, telemetry, endpoint: true), .implicitDeny)
        XCTAssertEqual(try decide(#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"}]}"#, telemetry, endpoint: true), .allowed)
        XCTAssertEqual(try decide(#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root"]},"Action":"*","Resource":"*"}]}"#, telemetry, endpoint: true), .allowed)
        XCTAssertEqual(try decide(#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"*","Resource":"*"}]}"#, telemetry, endpoint: true), .implicitDeny)
        XCTAssertEqual(try decide(#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/ops"},"Action":"*","Resource":"*"}]}"#, telemetry, endpoint: true), .unknown)
        XCTAssertEqual(try decide(#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"*","Resource":"*"}]}"#, telemetry, endpoint: true), .implicitDeny)
        // Without an endpoint's implicit deny (an SCP), only explicit denies count.
        XCTAssertEqual(try decide(#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#, telemetry), .allowed)
    }

    func testConditions() throws {
        let notMine = #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":["444455556666"]}}}]}"#
        XCTAssertEqual(try decide(notMine, telemetry, endpoint: true), .explicitDeny)
        XCTAssertEqual(try decide(notMine.replacingOccurrences(of: "444455556666", with: "111122223333"), telemetry, endpoint: true), .allowed)
        let unknownAccount = PolicyRequest(action: telemetry.action)
        XCTAssertEqual(try decide(notMine, unknownAccount, endpoint: true), .unknown)
        // Keys known to be absent: negated operators hold, positive ones do not, IfExists holds, Null true holds.
        let absent = PolicyRequest(action: "ec2:CreateVpcEndpoint", absent: ["aws:RequestTag/GuardDutyManaged"])
        func deny(_ condition: String) -> String { #"{"Statement":[{"Effect":"Deny","Action":"ec2:*","Resource":"*","Condition":\#(condition)}]}"# }
        XCTAssertEqual(try decide(deny(#"{"StringNotEquals":{"aws:RequestTag/GuardDutyManaged":"true"}}"#), absent), .explicitDeny)
        XCTAssertEqual(try decide(deny(#"{"StringEquals":{"aws:RequestTag/GuardDutyManaged":"true"}}"#), absent), .allowed)
        XCTAssertEqual(try decide(deny(#"{"StringEqualsIfExists":{"aws:RequestTag/GuardDutyManaged":"true"}}"#), absent), .explicitDeny)
        XCTAssertEqual(try decide(deny(#"{"Null":{"aws:RequestTag/GuardDutyManaged":"true"}}"#), absent), .explicitDeny)
        XCTAssertEqual(try decide(deny(#"{"Null":{"aws:RequestTag/GuardDutyManaged":"false"}}"#), absent), .allowed)
        // Tag keys sets.
        let tagged = PolicyRequest(action: "eks:CreateAddon", known: ["aws:TagKeys": ["GuardDutyManaged", "team"], "aws:RequestTag/GuardDutyManaged": ["true"]])
        func denyEKS(_ condition: String) -> String { #"{"Statement":[{"Effect":"Deny","Action":"eks:CreateAddon","Resource":"*","Condition":\#(condition)}]}"# }
        XCTAssertEqual(try decide(denyEKS(#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["GuardDutyManaged"]}}"#), tagged), .explicitDeny)
        XCTAssertEqual(try decide(denyEKS(#"{"ForAllValues:StringEquals":{"aws:TagKeys":["GuardDutyManaged"]}}"#), tagged), .allowed)
        XCTAssertEqual(try decide(denyEKS(#"{"ForAllValues:StringEquals":{"aws:TagKeys":["GuardDutyManaged","team"]}}"#), tagged), .explicitDeny)
        XCTAssertEqual(try decide(denyEKS(#"{"StringLike":{"aws:RequestTag/GuardDutyManaged":"t*"}}"#), tagged), .explicitDeny)
        // All operators and keys must hold; an operator the evaluator does not know is undecided.
        XCTAssertEqual(try decide(denyEKS(#"{"StringEquals":{"aws:RequestTag/GuardDutyManaged":"true"},"StringNotEquals":{"aws:RequestTag/GuardDutyManaged":"false"}}"#), tagged), .explicitDeny)
        XCTAssertEqual(try decide(denyEKS(#"{"StringEquals":{"aws:RequestTag/GuardDutyManaged":"false"},"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#), tagged), .allowed)
        XCTAssertEqual(try decide(denyEKS(#"{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#), tagged), .unknown)
        XCTAssertEqual(try decide(denyEKS(#"{"StringEquals":{"aws:PrincipalTag/team":"${aws:username}"}}"#), tagged), .unknown)
    }

    func testWorstDecisionOverNodeRoles() throws {
        let policy = try doc(#"{"Statement":[{"Sid":"OnlyAdmins","Effect":"Deny","Action":"guardduty:*","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin-*"}}}]}"#)
        let admin = PolicyRequest(action: telemetry.action, known: ["aws:PrincipalArn": ["arn:aws:iam::111122223333:role/admin-nodes"]])
        let nodes = PolicyRequest(action: telemetry.action, known: ["aws:PrincipalArn": ["arn:aws:iam::111122223333:role/app-nodes"]])
        let worst = try XCTUnwrap(PolicyEvaluation.decideWorst(policy, [admin, nodes], implicitDenyWithoutAllow: false, checkPrincipal: false))
        XCTAssertEqual(worst.decision.outcome, .explicitDeny)
        XCTAssertEqual(worst.request.known["aws:principalarn"], ["arn:aws:iam::111122223333:role/app-nodes"])
        XCTAssertEqual(worst.decision.statement?.label, "statement 'OnlyAdmins'")
        XCTAssertEqual(PolicyEvaluation.decideWorst(policy, [admin], implicitDenyWithoutAllow: false, checkPrincipal: false)?.decision.outcome, .allowed)
    }

    func testIPv4CIDR() throws {
        let vpc = try XCTUnwrap(IPv4CIDR("10.0.0.0/16"))
        XCTAssertTrue(try XCTUnwrap(IPv4CIDR("0.0.0.0/0")).contains(vpc))
        XCTAssertTrue(try XCTUnwrap(IPv4CIDR("10.0.0.0/8")).contains(vpc))
        XCTAssertTrue(vpc.contains(vpc))
        XCTAssertFalse(try XCTUnwrap(IPv4CIDR("10.0.1.0/24")).contains(vpc))
        XCTAssertFalse(try XCTUnwrap(IPv4CIDR("192.168.0.0/16")).contains(vpc))
        XCTAssertTrue(vpc.contains(try XCTUnwrap(IPv4CIDR("10.0.200.0/24"))))
        for bad in ["10.0.0.0", "10.0.0/16", "10.0.0.256/16", "10.0.0.0/33", "::/0", "a.b.c.d/8"] { XCTAssertNil(IPv4CIDR(bad), bad) }
    }
}
