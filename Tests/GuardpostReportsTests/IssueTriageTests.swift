import XCTest
@testable import GuardpostReports
import GuardpostChecks

/// `guardpost explain`'s knowledge: each issue type and add-on issue code of the seed's
/// troubleshooting table is recognised; an unknown issue is reported as unknown.
final class IssueTriageTests: XCTestCase {
    func entry(_ issue: String) -> String? { IssueTriage.triage(issue).entry?.id }

    func testEveryRowOfTheTroubleshootingTableIsRecognised() {
        let cases: [(String, String)] = [
            ("Addon Creation Failed: Addon aws-guardduty-agent is not compatible with current cluster version of cluster prod. Addon specified is not supported.", "addon-incompatible-version"),
            ("Addon Creation Failed: EKS Addon issue - InsufficientNumberOfReplicas: The add-on is unhealthy because it doesn't have the desired number of replicas.", "addon-insufficient-replicas"),
            ("Addon Update Failed: EKS Addon issue - InsufficientNumberOfReplicas: The add-on is unhealthy", "addon-insufficient-replicas"),
            ("Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas: 0/4 nodes are available: 4 Too many pods. preemption: not eligible due to preemptionPolicy=Never.", "addon-insufficient-replicas-resources"),
            ("Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas: CrashLoopBackOff: Completed", "addon-insufficient-replicas-crashloop-completed"),
            ("Addon Status Unhealthy: EKS Addon issue - InsufficientNumberOfReplicas: CrashLoopBackOff: Error", "addon-insufficient-replicas-crashloop-error"),
            ("Addon Update Failed: EKS Addon issue - AdmissionRequestDenied: admission webhook \"validate.kyverno.svc-fail\" denied the request: policy DaemonSet/amazon-guardduty/aws-guardduty-agent for resource violation: restrict-image-registries: autogen-validate-registries", "addon-admission-denied"),
            ("Addon Update Failed: EKS Addon issue - ConfigurationConflict: Conflicts found when trying to apply. Will not continue due to resolve conflicts mode. Conflicts: DaemonSet.apps aws-guardduty-agent - .spec.template.spec.containers[name=\"aws-guardduty-agent\"].image", "addon-configuration-conflict"),
            ("Addon Creation Failed: EKS Addon issue - AccessDenied: priorityclasses.scheduling.k8s.io \"aws-guardduty-agent.priorityclass\" is forbidden: User \"eks:addon-manager\" cannot patch resource \"priorityclasses\" in API group \"scheduling.k8s.io\" at the cluster scope", "addon-access-denied-addon-manager"),
            ("Addon Creation Failed: EKS Addon issue - AccessDenied: namespaces \"amazon-guardduty\" is forbidden: User \"eks:addon-manager\" cannot patch resource \"namespaces\" in API group \"\" in the namespace \"amazon-guardduty\"", "addon-access-denied-addon-manager"),
            ("Addon Creation Failed: EKS Addon issue - AccessDenied: admission webhook \"validation.gatekeeper.sh\" denied the request: [all-namespace-must-have-label-owner] All namespaces must have an `owner` label", "addon-access-denied-namespace-label"),
            ("Addon Creation Failed: EKS Addon issue - AccessDenied: admission webhook \"validation.gatekeeper.sh\" denied the request: [allowed-container-registries] container <aws-guardduty-agent> has an invalid image registry", "addon-access-denied-registry"),
            ("VPC Endpoint Creation Failed: VPC endpoint creation not supported for shared VPC vpc-0123", "vpc-endpoint-shared-vpc"),
            ("VPC Endpoint Creation Failed: Owner account ID 111122223333 for shared VPC vpc-0123 doesn't have either Runtime Monitoring, automated agent configuration, or both, enabled.", "vpc-endpoint-shared-vpc-owner"),
            ("VPC Endpoint Creation Failed: Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for vpc-0123 (Service: Ec2, Status Code: 400, Request ID: a1b2c3d4-5678-90ab-cdef-EXAMPLE11111)", "vpc-endpoint-private-dns"),
            ("Shared VPC Endpoint Deletion Failed: Shared VPC endpoint deletion not allowed for account ID 111122223333, shared VPC vpc-0123, owner account ID 555555555555.", "shared-vpc-endpoint-deletion"),
            ("Local EKS clusters: EKS addons are not supported on local outpost clusters.", "local-eks-cluster"),
            ("EKS Runtime Monitoring enablement permission not granted", "enablement-permission"),
            ("EKS Runtime Monitoring enablement permission not granted: AccessDeniedException from IAM", "enablement-permission"),
            ("EKS Runtime Monitoring enablement resource provisioning in progress", "enablement-provisioning"),
            ("Others: Error due to authorization failure", "others-authorization"),
        ]
        for (issue, id) in cases { XCTAssertEqual(entry(issue), id, issue) }
        // Every row of the table is exercised above.
        let covered = Set(cases.map(\.1))
        for e in IssueTriage.entries where e.id != "addon-issue-code" && e.id != "addon-access-denied" {
            XCTAssertTrue(covered.contains(e.id), "no case for \(e.id)")
        }
    }

    func testTheExtraInformationAloneIsRecognisedToo() {
        XCTAssertEqual(entry("EKS Addon issue - ConfigurationConflict: Conflicts found when trying to apply."), "addon-configuration-conflict")
        XCTAssertEqual(entry("Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for vpc-1"), "vpc-endpoint-private-dns")
        XCTAssertEqual(entry("Shared VPC endpoint deletion not allowed for account ID 1, shared VPC vpc-1, owner account ID 2."), "shared-vpc-endpoint-deletion")
        XCTAssertEqual(entry("VPC endpoint creation not supported for shared VPC vpc-1"), "vpc-endpoint-shared-vpc")
        XCTAssertEqual(entry("  addon creation failed:  EKS addon issue - AccessDenied: User \"eks:addon-manager\" cannot patch  \n"), "addon-access-denied-addon-manager")
    }

    func testAddonIssueCodesOutsideTheTableGetTheGeneralStepAndUnknownCodesAreUnknown() {
        for code in IssueTriage.addonIssueCodes where !["InsufficientNumberOfReplicas", "AdmissionRequestDenied", "ConfigurationConflict", "AccessDenied"].contains(code) {
            XCTAssertEqual(entry("Addon Creation Failed: EKS Addon issue - \(code): something"), "addon-issue-code", code)
        }
        let unknownCode = IssueTriage.triage("Addon Creation Failed: EKS Addon issue - QuotaExceeded: too many")
        XCTAssertNil(unknownCode.entry)
        XCTAssertEqual(unknownCode.addonIssueCode, "QuotaExceeded")
        XCTAssertFalse(unknownCode.addonIssueCodeKnown)
    }

    func testUnknownIssuesAreNotGuessed() {
        for issue in ["Agent Rollout Paused: by an operator", "VPC Endpoint Creation Failed: The quota was exceeded", "Others: something else",
                      "Addon Creation Failed: the cluster is being deleted", "Local EKS clustersx: not supported", ""] {
            XCTAssertNil(entry(issue), issue)
        }
        XCTAssertNil(IssueTriage.triage("Local EKS clustersx: not supported").issueType, "a type ends at ':' or a space")
        XCTAssertEqual(IssueTriage.triage("VPC Endpoint Creation Failed: The quota was exceeded").issueType, "VPC Endpoint Creation Failed")
    }

    func testListCoverageOutputIsReadInEitherCaseAndAsAnIssueString() throws {
        let cli = #"{"Resources":[{"ResourceId":"prod","DetectorId":"d","AccountId":"111122223333","ResourceDetails":{"EksClusterDetails":{"ClusterName":"prod","CoveredNodes":0,"CompatibleNodes":2,"AddonDetails":{"AddonVersion":"v1.16.0-eksbuild.2","AddonStatus":"CREATE_FAILED"},"ManagementType":"AUTO_MANAGED"},"ResourceType":"EKS"},"CoverageStatus":"UNHEALTHY","Issue":"Local EKS clusters: x","UpdatedAt":"2026-11-20T08:15:42.118000+00:00"}],"NextToken":"abc"}"#
        let api = #"{"resources":[{"resourceId":"prod","accountId":"111122223333","resourceDetails":{"eksClusterDetails":{"clusterName":"prod","managementType":"MANUAL"}},"coverageStatus":"UNHEALTHY","issue":"Local EKS clusters: x","updatedAt":1732000000}]}"#
        for text in [cli, api] {
            let r = try ListCoverageInput.parse(Array(text.utf8), path: "x.json")
            XCTAssertEqual(r.count, 1)
            XCTAssertEqual(r[0].clusterName, "prod")
            XCTAssertEqual(r[0].accountId, "111122223333")
            XCTAssertEqual(r[0].resourceType, "EKS")
            XCTAssertEqual(r[0].issue, "Local EKS clusters: x")
        }
        let single = try ListCoverageInput.parse(Array(#"{"ResourceId":"a","CoverageStatus":"HEALTHY"}"#.utf8), path: "x")
        XCTAssertEqual(single.map(\.displayName), ["a"])
        let plain = try ListCoverageInput.parse(Array("Others: Error due to authorization failure\n".utf8), path: "-")
        XCTAssertEqual(plain.first?.issue, "Others: Error due to authorization failure")
        XCTAssertThrowsError(try ListCoverageInput.parse(Array("{\"Resources\": [".utf8), path: "bad.json")) {
            XCTAssertTrue("\($0)".hasPrefix("bad.json:1:"), "\($0)")
        }
        XCTAssertThrowsError(try ListCoverageInput.parse(Array(#"{"Findings": []}"#.utf8), path: "other.json")) {
            XCTAssertTrue("\($0)".contains("not ListCoverage output"), "\($0)")
        }
    }

    func testExplainTextNamesTheStepsThePredictingRulesAndTheRegistries() {
        let rule = RuleMetadata(id: "GP999", name: "example", title: "t", severity: .error, issueType: "VPC Endpoint Creation Failed",
                                rationale: "r", remediation: [:], documentation: "d", examples: [])
        let report = ExplainReport(rules: [rule], region: "eu-west-1", registries: ["602401143452.dkr.ecr.eu-west-1.amazonaws.com"])
        let records = [
            CoverageRecordInput(clusterName: "a", coverageStatus: "UNHEALTHY", issue: "VPC Endpoint Creation Failed: Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for vpc-1"),
            CoverageRecordInput(clusterName: "b", coverageStatus: "UNHEALTHY", issue: "Addon Creation Failed: EKS Addon issue - AccessDenied: admission webhook \"validation.gatekeeper.sh\" denied the request: [allowed-container-registries] container <aws-guardduty-agent> has an invalid image registry"),
            CoverageRecordInput(clusterName: "c", coverageStatus: "UNHEALTHY", issue: "Brand New Issue: \u{1B}[2Jsurprise"),
            CoverageRecordInput(clusterName: "d", coverageStatus: "HEALTHY"),
            CoverageRecordInput(resourceType: "ECS", clusterName: "e", coverageStatus: "UNHEALTHY", issue: "x"),
        ]
        let text = report.renderText(records, source: "test")
        XCTAssertTrue(text.contains("Recognised: VPC Endpoint Creation Failed / The VPC's DNS attributes do not allow private DNS [vpc-endpoint-private-dns]"), text)
        XCTAssertTrue(text.contains("guardpost rules that predict 'VPC Endpoint Creation Failed' before deployment: GP999 example"), text)
        XCTAssertTrue(text.contains("GuardDuty agent registries for eu-west-1: 602401143452.dkr.ecr.eu-west-1.amazonaws.com."), text)
        XCTAssertTrue(text.contains("Not recognised: guardpost does not recognise this issue"), text)
        XCTAssertFalse(text.contains("\u{1B}"), "terminal escapes from the input are neutralised")
        XCTAssertTrue(text.contains("Healthy: nothing to do."), text)
        XCTAssertTrue(text.contains("guardpost triages EKS clusters only"), text)
    }
}
