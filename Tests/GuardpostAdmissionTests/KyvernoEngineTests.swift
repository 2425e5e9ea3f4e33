import XCTest
import Foundation
import GuardpostDocuments
import GuardpostModel
@testable import GuardpostAdmission

final class KyvernoPatternTests: XCTestCase {
    private func v(_ yaml: String) -> KValue { KValue(yamlNode(yaml)) }
    private func check(_ resource: String, _ pattern: String) -> KyvernoPattern.Result {
        KyvernoPattern.validate(v(resource), v(pattern))
    }

    func testWildcardsAndAlternatives() {
        XCTAssertEqual(check("image: eu.foo.io/nginx", "image: 'eu.foo.io/* | bar.io/*'"), .pass)
        XCTAssertEqual(check("image: bar.io/x", "image: 'eu.foo.io/* | bar.io/*'"), .pass)
        if case .fail(let path, _) = check("image: nginx", "image: 'eu.foo.io/* | bar.io/*'") { XCTAssertEqual(path, "/image/") } else { XCTFail() }
        XCTAssertEqual(check("tag: v1", "tag: 'v?'"), .pass)
        XCTAssertNotEqual(check("tag: v10", "tag: 'v?'"), .pass)
        XCTAssertEqual(check("name: x", "name: '?*'"), .pass)
        XCTAssertNotEqual(check("name: ''", "name: '?*'"), .pass)
    }

    func testOperatorsNegationRanges() {
        XCTAssertEqual(check("n: 5", "n: '>0'"), .pass)
        XCTAssertNotEqual(check("n: 0", "n: '>0'"), .pass)
        XCTAssertEqual(check("m: 512Mi", "m: '<=1Gi'"), .pass)
        XCTAssertEqual(check("ns: prod", "ns: '!default'"), .pass)
        XCTAssertNotEqual(check("ns: default", "ns: '!default'"), .pass)
        XCTAssertEqual(check("g: 150", "g: '100-200 | 500-600'"), .pass)
        XCTAssertNotEqual(check("g: 300", "g: '100-200 | 500-600'"), .pass)
        XCTAssertEqual(check("g: 300", "g: '100!-200'"), .pass)
        XCTAssertEqual(check("gs: [150, 550]", "gs: '100-200 | 500-600'"), .pass)
        XCTAssertEqual(check("p: true", "p: true"), .pass)
        XCTAssertNotEqual(check("p: true", "p: false"), .pass)
    }

    func testAnchors() {
        // =() equality: only when present.
        XCTAssertEqual(check("spec: {}", "spec: {'=(hostNetwork)': false}"), .pass)
        XCTAssertNotEqual(check("spec: {hostNetwork: true}", "spec: {'=(hostNetwork)': false}"), .pass)
        // X() negation.
        XCTAssertEqual(check("spec: {a: 1}", "spec: {'X(hostPath)': 'null'}"), .pass)
        if case .fail(let p, _) = check("spec: {hostPath: {}}", "spec: {'X(hostPath)': 'null'}") { XCTAssertEqual(p, "/spec/hostPath/") } else { XCTFail() }
        // () condition: the element is skipped when the condition fails.
        let pattern = "containers: [{'(name)': 'nginx*', image: 'nginx:*'}]"
        XCTAssertEqual(check("containers: [{name: nginx, image: 'nginx:1'}, {name: other, image: x}]", pattern), .pass)
        XCTAssertNotEqual(check("containers: [{name: nginx, image: other}]", pattern), .pass)
        if case .skip = check("containers: [{name: other, image: x}]", pattern) {} else { XCTFail("all elements skipped -> skip") }
        // ^() existence: at least one element matches.
        let exists = "'^(containers)': [{image: 'bar.io/*'}]"
        XCTAssertEqual(check("containers: [{image: x}, {image: bar.io/y}]", exists), .pass)
        XCTAssertNotEqual(check("containers: [{image: x}]", exists), .pass)
        // <() global: the rule is skipped.
        if case .skip(_, _, let global) = check("spec: {containers: [{image: x}]}",
                                                "spec: {containers: [{'<(image)': 'nginx'}], '=(hostNetwork)': false}") {
            XCTAssertTrue(global)
        } else { XCTFail() }
    }

    func testLabelWildcardKeys() {
        XCTAssertEqual(check("metadata: {labels: {app.kubernetes.io/name: x}}", "metadata: {labels: {'app.kubernetes.io/*': '?*'}}"), .pass)
    }
}

final class KyvernoJMESPathTests: XCTestCase {
    private let data = KValue(yamlNode("""
    spec:
      containers:
      - {name: a, image: nginx, securityContext: {capabilities: {add: [NET_ADMIN]}}}
      - {name: b, image: busybox, resources: {limits: {cpu: '1'}}}
      initContainers:
      - {name: i, image: init}
    """))

    func testPathsProjectionsFunctions() throws {
        XCTAssertEqual(try JMESPath.search("spec.containers[].name", data), .array([.string("a"), .string("b")]))
        XCTAssertEqual(try JMESPath.search("spec.[initContainers, containers][].image", data),
                       .array([.string("init"), .string("nginx"), .string("busybox")]))
        XCTAssertEqual(try JMESPath.search("spec.containers[].securityContext.capabilities.add[]", data), .array([.string("NET_ADMIN")]))
        XCTAssertEqual(try JMESPath.search("spec.containers[?resources] | length(@)", data), .number(1))
        XCTAssertEqual(try JMESPath.search("spec.missing || `[]` | length(@)", data), .number(0))
        XCTAssertEqual(try JMESPath.search("to_upper('abc')", data), .string("ABC"))
        XCTAssertEqual(try JMESPath.search("split('a/b', '/') | [1]", data), .string("b"))
        XCTAssertEqual(try JMESPath.search("regex_match('^v[0-9]$', 'v1')", data), .bool(true))
    }

    func testVariablesInnermostFirst() throws {
        let ctx = KyvernoContext(root: ["request": .object(["object": data, "namespace": .string("prod")])])
        XCTAssertEqual(try ctx.substitute("{{ request.namespace }}"), .string("prod"))
        XCTAssertEqual(try ctx.substitute("ns={{request.namespace}}"), .string("ns=prod"))
        XCTAssertEqual(try ctx.substitute("{{ regex_match('^pr', '{{request.namespace}}') }}"), .bool(true))
    }
}

final class KyvernoEngineTests: XCTestCase {
    static var corpus: String { KyvernoCorpusTests.corpus }

    private func policy(_ body: String, action: String = "Enforce", annotations: String = "") -> KubernetesObject {
        kubeObject("""
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: p
        \(annotations)
        spec:
          validationFailureAction: \(action)
          rules:
        \(body)
        """)
    }

    private let podRule = """
      - name: validate-registries
        match:
          any:
          - resources:
              kinds: [Pod]
        validate:
          message: "Unknown image registry."
          pattern:
            spec:
              containers:
              - image: "eu.foo.io/*"
    """

    func testAutogenAppliesPodRuleToDaemonSetTemplate() {
        let d = KyvernoEngine.evaluate(policies: [policy(podRule)], request: sampleRequest())
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d.first?.rule, "autogen-validate-registries")
        XCTAssertEqual(d.first?.outcome, .deny)
        XCTAssertEqual(d.first?.message, "admission webhook \"validate.kyverno.svc-fail\" denied the request: policy DaemonSet/amazon-guardduty/aws-guardduty-agent for resource violation: p: autogen-validate-registries: validation error: Unknown image registry. rule autogen-validate-registries failed at path /spec/template/spec/containers/0/image/")
        // The deciding line is the pattern's `image:` key in the Pod rule.
        XCTAssertEqual(d.first?.location.line, 19)
    }

    func testAutogenCanBeTurnedOff() {
        let off = policy(podRule, annotations: "  annotations:\n    pod-policies.kyverno.io/autogen-controllers: none")
        XCTAssertTrue(KyvernoEngine.evaluate(policies: [off], request: sampleRequest()).allSatisfy { $0.outcome == .notApplicable })
        let onlyDeployments = policy(podRule, annotations: "  annotations:\n    pod-policies.kyverno.io/autogen-controllers: Deployment")
        XCTAssertTrue(KyvernoEngine.evaluate(policies: [onlyDeployments], request: sampleRequest()).isEmpty)
    }

    func testAuditNeverBlocks() {
        let d = KyvernoEngine.evaluate(policies: [policy(podRule, action: "Audit")], request: sampleRequest())
        XCTAssertEqual(d.first?.outcome, .auditOnly)
        XCTAssertFalse(d.first?.blocks ?? true)
        XCTAssertTrue(d.first?.message.contains("Audit") ?? false)
    }

    func testPerRuleFailureActionAndOverrides() {
        let perRule = podRule.replacingOccurrences(of: "      message: \"Unknown image registry.\"", with: "      failureAction: Enforce\n      message: \"Unknown image registry.\"")
        XCTAssertEqual(KyvernoEngine.evaluate(policies: [policy(perRule, action: "Audit")], request: sampleRequest()).first?.outcome, .deny)
        let overridden = kubeObject("""
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: p}
        spec:
          validationFailureAction: Enforce
          validationFailureActionOverrides:
          - action: Audit
            namespaces: [amazon-*]
          rules:
        \(podRule)
        """)
        XCTAssertEqual(KyvernoEngine.evaluate(policies: [overridden], request: sampleRequest()).first?.outcome, .auditOnly)
    }

    func testMatchExclude() {
        func rule(_ match: String, _ exclude: String = "") -> String {
            """
              - name: r
                match:
            \(match)
            \(exclude)
                validate:
                  message: m
                  deny: {}
            """
        }
        let cases: [(String, String, Bool)] = [
            ("      any:\n      - resources: {kinds: [apps/v1/DaemonSet]}", "", true),
            ("      any:\n      - resources: {kinds: [apps/*/Daemon*]}", "", true),
            ("      any:\n      - resources: {kinds: [v1/Service]}", "", false),
            ("      any:\n      - resources: {kinds: ['*'], namespaces: [amazon-*]}", "", true),
            ("      any:\n      - resources: {kinds: ['*'], names: [aws-guardduty-?gent]}", "", true),
            ("      all:\n      - resources: {kinds: ['*']}\n      - resources: {namespaces: [kube-system]}", "", false),
            ("      any:\n      - resources: {kinds: ['*']}", "    exclude:\n      any:\n      - subjects: [{kind: User, name: 'eks:addon-manager'}]", false),
            ("      any:\n      - resources: {kinds: ['*']}", "    exclude:\n      any:\n      - resources: {namespaces: [kube-system]}", true),
            ("      any:\n      - resources: {kinds: ['*'], selector: {matchLabels: {app: 'aws-*'}}}", "", false),
            ("      any:\n      - resources: {kinds: ['*'], operations: [UPDATE]}", "", false),
            ("      any:\n      - subjects: [{kind: Group, name: 'system:authenticated'}]", "", true),
        ]
        for (m, e, expected) in cases {
            let d = KyvernoEngine.evaluate(policies: [policy(rule(m, e))], request: sampleRequest())
            XCTAssertEqual(d.first?.outcome == .deny, expected, "match \(m) exclude \(e)")
        }
    }

    func testUnsupportedIsReportedNotGuessed() {
        let cel = kubeObject("""
        apiVersion: policies.kyverno.io/v1alpha1
        kind: ValidatingPolicy
        metadata: {name: v}
        spec: {}
        """)
        let apiCall = policy("""
          - name: r
            match:
              any:
              - resources: {kinds: [DaemonSet]}
            context:
            - name: pods
              apiCall: {urlPath: /api/v1/pods}
            validate:
              message: m
              deny: {conditions: {any: [{key: '{{pods}}', operator: Equals, value: x}]}}
        """)
        let d = KyvernoEngine.evaluate(policies: [cel, apiCall], request: sampleRequest())
        XCTAssertEqual(d.count, 2)
        for x in d {
            guard case .cannotEvaluate(let reason) = x.outcome else { return XCTFail("\(x.outcome)") }
            XCTAssertTrue(reason.contains("check by hand"))
        }
    }

    /// The seed case: the documented GuardDuty failure, and its fix.
    func testSeedRestrictImageRegistries() throws {
        let path = Self.corpus + "/best-practices/restrict-image-registries/restrict-image-registries.yaml"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("corpus absent") }
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "validationFailureAction: Audit", with: "validationFailureAction: Enforce")
        let denied = KyvernoEngine.evaluate(policies: [kubeObject(text, file: path)], request: sampleRequest())
        let blocking = denied.filter { $0.blocks }
        XCTAssertEqual(blocking.count, 1)
        XCTAssertEqual(blocking.first?.rule, "autogen-validate-registries")
        XCTAssertTrue(blocking.first?.message.hasPrefix("admission webhook \"validate.kyverno.svc-fail\" denied the request: policy DaemonSet/amazon-guardduty/aws-guardduty-agent for resource violation: restrict-image-registries: autogen-validate-registries: validation error: Unknown image registry. rule autogen-validate-registries failed at path /spec/template/spec/containers/0/image/") ?? false,
                      blocking.first?.message ?? "")
        XCTAssertEqual(blocking.first?.location.file.path, path)

        let fixed = text.replacingOccurrences(of: "\"eu.foo.io/* | bar.io/*\"", with: "\"eu.foo.io/* | bar.io/* | 602401143452.dkr.ecr.*.amazonaws.com/*\"")
        let allowed = KyvernoEngine.evaluate(policies: [kubeObject(fixed, file: path)], request: sampleRequest())
        XCTAssertFalse(allowed.isEmpty)
        XCTAssertTrue(allowed.allSatisfy { $0.outcome == .pass || $0.outcome == .notApplicable })

        // As shipped (Audit), the policy reports but does not block.
        let shipped = KyvernoEngine.evaluate(policies: [kubeObject(try String(contentsOfFile: path, encoding: .utf8), file: path)], request: sampleRequest())
        XCTAssertTrue(shipped.contains { $0.outcome == .auditOnly })
        XCTAssertFalse(shipped.contains { $0.blocks })
    }

    func testDenyConditionsAndPodSecurity() {
        let deny = policy("""
          - name: no-host-network
            match:
              any:
              - resources: {kinds: [DaemonSet]}
            validate:
              message: "hostNetwork is not allowed in {{ request.namespace }}"
              deny:
                conditions:
                  any:
                  - key: "{{ request.object.spec.template.spec.hostNetwork || `false` }}"
                    operator: Equals
                    value: true
        """)
        var ds = guardDutyDaemonSet.replacingOccurrences(of: "      containers:", with: "      hostNetwork: true\n      containers:")
        var d = KyvernoEngine.evaluate(policies: [deny], request: request(ds))
        XCTAssertEqual(d.first?.outcome, .deny)
        XCTAssertTrue(d.first?.message.hasSuffix("no-host-network: hostNetwork is not allowed in amazon-guardduty") ?? false, d.first?.message ?? "")
        XCTAssertEqual(KyvernoEngine.evaluate(policies: [deny], request: sampleRequest()).first?.outcome, .pass)

        let pss = policy("""
          - name: restricted
            match:
              any:
              - resources: {kinds: [Pod]}
            validate:
              podSecurity:
                level: baseline
                version: latest
        """)
        d = KyvernoEngine.evaluate(policies: [pss], request: request(ds))
        XCTAssertEqual(d.first?.outcome, .deny)
        ds = guardDutyDaemonSet
        XCTAssertEqual(KyvernoEngine.evaluate(policies: [pss], request: request(ds)).first?.outcome, .pass)
    }

    func testRunnerOnOneSuite() throws {
        let suite = Self.corpus + "/best-practices/restrict-image-registries/.kyverno-test/kyverno-test.yaml"
        guard FileManager.default.fileExists(atPath: suite) else { throw XCTSkip("corpus absent") }
        let results = KyvernoTestRunner.run(suiteFile: suite)
        XCTAssertEqual(results.count, 7)
        XCTAssertTrue(results.allSatisfy { $0.status == .agreed })
        XCTAssertTrue(KyvernoTestRunner.report(results).contains("agreed: 7"))
    }
}
