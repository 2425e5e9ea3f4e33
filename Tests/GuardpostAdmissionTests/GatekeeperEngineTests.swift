import GuardpostDocuments
import GuardpostModel
import XCTest
@testable import GuardpostAdmission

final class GatekeeperEngineTests: XCTestCase {
    static func objects(_ yaml: String, file: String = "policies.yaml") throws -> [KubernetesObject] {
        try YAMLReader.parse(yaml, file: SourceFile(path: file)).documents.filter { !$0.isNull }.map(GatekeeperFiles.object)
    }

    static func request(_ yaml: String, namespaceLabels: [String: String] = [:], operation: String = "CREATE") throws -> AdmissionRequest {
        let o = try objects(yaml, file: "object.yaml")[0]
        return AdmissionRequest(object: o.node, apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace: o.namespace,
                                operation: operation, namespaceLabels: namespaceLabels)
    }

    static let requiredLabelsTemplate = """
        apiVersion: templates.gatekeeper.sh/v1
        kind: ConstraintTemplate
        metadata:
          name: k8srequiredlabels
        spec:
          crd:
            spec:
              names:
                kind: K8sRequiredLabels
          targets:
            - target: admission.k8s.gatekeeper.sh
              rego: |
                package k8srequiredlabels

                get_message(parameters, _default) := _default {
                  not parameters.message
                }

                get_message(parameters, _) := parameters.message

                violation[{"msg": msg, "details": {"missing_labels": missing}}] {
                  provided := {label | input.review.object.metadata.labels[label]}
                  required := {label | label := input.parameters.labels[_].key}
                  missing := required - provided
                  count(missing) > 0
                  def_msg := sprintf("you must provide labels: %v", [missing])
                  msg := get_message(input.parameters, def_msg)
                }

                violation[{"msg": msg}] {
                  value := input.review.object.metadata.labels[key]
                  expected := input.parameters.labels[_]
                  expected.key == key
                  # do not match if allowedRegex is not defined, or is an empty string
                  expected.allowedRegex != ""
                  not regex.match(expected.allowedRegex, value)
                  def_msg := sprintf("Label <%v: %v> does not satisfy allowed regex: %v", [key, value, expected.allowedRegex])
                  msg := get_message(input.parameters, def_msg)
                }
        """

    static func ownerConstraint(action: String? = nil, match: String = "kinds:\n      - apiGroups: [\"\"]\n        kinds: [\"Namespace\"]") -> String {
        """
        apiVersion: constraints.gatekeeper.sh/v1beta1
        kind: K8sRequiredLabels
        metadata:
          name: all-must-have-owner
        spec:
        \(action.map { "  enforcementAction: \($0)" } ?? "")
          match:
            \(match)
          parameters:
            message: "All namespaces must have an `owner` label that points to your company username"
            labels:
              - key: owner
                allowedRegex: "^[a-zA-Z]+.agilebank.demo$"
        """
    }

    static let guardDutyNamespace = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: amazon-guardduty
        """

    // MARK: Seed cases

    func testAllMustHaveOwnerDeniesTheGuardDutyNamespaceWithoutOwner() throws {
        let policies = try Self.objects(Self.requiredLabelsTemplate + "\n---\n" + Self.ownerConstraint())
        let decisions = GatekeeperEngine.evaluate(policies: policies, request: try Self.request(Self.guardDutyNamespace))
        XCTAssertEqual(decisions.count, 1)
        XCTAssertEqual(decisions[0].outcome, .deny)
        XCTAssertEqual(decisions[0].policy, "K8sRequiredLabels/all-must-have-owner")
        XCTAssertEqual(decisions[0].message, "admission webhook \"validation.gatekeeper.sh\" denied the request: [all-must-have-owner] All namespaces must have an `owner` label that points to your company username")
        XCTAssertEqual(decisions[0].object, "Namespace/amazon-guardduty")
        XCTAssertEqual(decisions[0].location.file.path, "policies.yaml")
    }

    func testAllMustHaveOwnerPassesTheNamespaceWithAnOwnerLabel() throws {
        let policies = try Self.objects(Self.requiredLabelsTemplate + "\n---\n" + Self.ownerConstraint())
        let ns = Self.guardDutyNamespace + "\n  labels:\n    owner: security.agilebank.demo"
        XCTAssertEqual(GatekeeperEngine.evaluate(policies: policies, request: try Self.request(ns)).map(\.outcome), [.pass])
        let bad = Self.guardDutyNamespace + "\n  labels:\n    owner: \"not valid!\""
        XCTAssertEqual(GatekeeperEngine.evaluate(policies: policies, request: try Self.request(bad)).map(\.outcome), [.deny])
    }

    static let allowedReposTemplate = """
        apiVersion: templates.gatekeeper.sh/v1
        kind: ConstraintTemplate
        metadata:
          name: renamed
        spec:
          crd:
            spec:
              names:
                kind: MyRegistries
          targets:
            - target: admission.k8s.gatekeeper.sh
              rego: |
                package k8sallowedrepos
                violation[{"msg": msg}] {
                  container := input.review.object.spec.containers[_]
                  not strings.any_prefix_match(container.image, input.parameters.repos)
                  msg := sprintf("container <%v> has an invalid image repo <%v>, allowed repos are %v", [container.name, container.image, input.parameters.repos])
                }
        """

    static let agentPod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: aws-guardduty-agent-abcde
          namespace: amazon-guardduty
        spec:
          containers:
          - name: aws-guardduty-agent
            image: 602401143452.dkr.ecr.us-east-1.amazonaws.com/aws-guardduty-agent:v1.16.0
        """

    func testAllowedReposRecognisedByRegoEvenWhenTheKindIsRenamed() throws {
        let constraint = """
            apiVersion: constraints.gatekeeper.sh/v1beta1
            kind: MyRegistries
            metadata:
              name: allowed-container-registries
            spec:
              match:
                kinds: [{apiGroups: [""], kinds: ["Pod"]}]
              parameters:
                repos: ["123456789012.dkr.ecr.us-east-1.amazonaws.com/"]
            """
        let policies = try Self.objects(Self.allowedReposTemplate + "\n---\n" + constraint)
        let d = GatekeeperEngine.evaluate(policies: policies, request: try Self.request(Self.agentPod))
        XCTAssertEqual(d.map(\.outcome), [.deny])
        XCTAssertTrue(d[0].message.hasPrefix("admission webhook \"validation.gatekeeper.sh\" denied the request: [allowed-container-registries] container <aws-guardduty-agent> has an invalid image repo <602401143452.dkr.ecr.us-east-1.amazonaws.com/aws-guardduty-agent:v1.16.0>"), d[0].message)
        let fixed = constraint.replacingOccurrences(of: "[\"123456789012.dkr.ecr.us-east-1.amazonaws.com/\"]",
                                                    with: "[\"123456789012.dkr.ecr.us-east-1.amazonaws.com/\", \"602401143452.dkr.ecr.us-east-1.amazonaws.com/\"]")
        let ok = GatekeeperEngine.evaluate(policies: try Self.objects(Self.allowedReposTemplate + "\n---\n" + fixed), request: try Self.request(Self.agentPod))
        XCTAssertEqual(ok.map(\.outcome), [.pass])
    }

    // MARK: enforcementAction

    func testEnforcementActions() throws {
        for (action, expected) in [("deny", AdmissionOutcome.deny), ("dryrun", .auditOnly), ("warn", .auditOnly)] {
            let policies = try Self.objects(Self.requiredLabelsTemplate + "\n---\n" + Self.ownerConstraint(action: action))
            XCTAssertEqual(GatekeeperEngine.evaluate(policies: policies, request: try Self.request(Self.guardDutyNamespace)).map(\.outcome), [expected], action)
        }
        let scoped = Self.ownerConstraint(action: "scoped") + """

              scopedEnforcementActions:
              - action: deny
                enforcementPoints:
                - name: validation.gatekeeper.sh
            """
        let d = GatekeeperEngine.evaluate(policies: try Self.objects(Self.requiredLabelsTemplate + "\n---\n" + scoped), request: try Self.request(Self.guardDutyNamespace))
        XCTAssertEqual(d.map(\.outcome), [.deny])
    }

    // MARK: match

    func testMatchSemantics() throws {
        func outcomes(_ match: String, _ object: String, nsLabels: [String: String] = [:]) throws -> [AdmissionOutcome] {
            let policies = try Self.objects(Self.requiredLabelsTemplate + "\n---\n" + Self.ownerConstraint(match: match))
            return GatekeeperEngine.evaluate(policies: policies, request: try Self.request(object, namespaceLabels: nsLabels)).map(\.outcome)
        }
        let pod = Self.agentPod
        // kinds
        XCTAssertEqual(try outcomes("kinds: [{apiGroups: [\"\"], kinds: [\"Pod\"]}]", Self.guardDutyNamespace), [])
        XCTAssertEqual(try outcomes("kinds: [{apiGroups: [\"*\"], kinds: [\"*\"]}]", pod), [.deny])
        XCTAssertEqual(try outcomes("kinds: [{apiGroups: [\"apps\"], kinds: [\"Pod\"]}]", pod), [])
        // namespaces / excludedNamespaces with wildcards; a Namespace is matched by its own name
        XCTAssertEqual(try outcomes("namespaces: [\"amazon-*\"]", pod), [.deny])
        XCTAssertEqual(try outcomes("namespaces: [\"default\"]", pod), [])
        XCTAssertEqual(try outcomes("excludedNamespaces: [\"amazon-guardduty\"]", Self.guardDutyNamespace), [])
        XCTAssertEqual(try outcomes("excludedNamespaces: [\"*-guardduty\"]", pod), [])
        XCTAssertEqual(try outcomes("excludedNamespaces: [\"kube-*\"]", pod), [.deny])
        // scope
        XCTAssertEqual(try outcomes("scope: Namespaced", Self.guardDutyNamespace), [])
        XCTAssertEqual(try outcomes("scope: Cluster", Self.guardDutyNamespace), [.deny])
        XCTAssertEqual(try outcomes("scope: Cluster", pod), [])
        // labelSelector
        XCTAssertEqual(try outcomes("labelSelector: {matchLabels: {team: a}}", pod), [])
        XCTAssertEqual(try outcomes("labelSelector: {matchExpressions: [{key: team, operator: DoesNotExist}]}", pod), [.deny])
        // namespaceSelector: the namespace's labels, or a Namespace's own labels
        XCTAssertEqual(try outcomes("namespaceSelector: {matchLabels: {env: prod}}", pod, nsLabels: ["env": "prod"]), [.deny])
        XCTAssertEqual(try outcomes("namespaceSelector: {matchLabels: {env: prod}}", pod, nsLabels: ["env": "dev"]), [])
        XCTAssertEqual(try outcomes("namespaceSelector: {matchExpressions: [{key: env, operator: NotIn, values: [dev]}]}", Self.guardDutyNamespace), [.deny])
        // name
        XCTAssertEqual(try outcomes("name: \"amazon-*\"", Self.guardDutyNamespace), [.deny])
        XCTAssertEqual(try outcomes("name: \"kube-system\"", Self.guardDutyNamespace), [])
    }

    // MARK: Config and cannot-evaluate

    func testConfigExemptsNamespacesFromTheWebhook() throws {
        let config = """
            apiVersion: config.gatekeeper.sh/v1alpha1
            kind: Config
            metadata:
              name: config
              namespace: gatekeeper-system
            spec:
              match:
                - excludedNamespaces: ["kube-*", "amazon-guardduty"]
                  processes: ["webhook"]
            """
        let policies = try Self.objects(Self.requiredLabelsTemplate + "\n---\n" + Self.ownerConstraint() + "\n---\n" + config)
        let d = GatekeeperEngine.evaluate(policies: policies, request: try Self.request(Self.guardDutyNamespace))
        XCTAssertEqual(d.map(\.outcome), [.notApplicable])
        XCTAssertFalse(d[0].blocks)
        // audit-only exemptions do not stop the webhook
        let auditOnly = config.replacingOccurrences(of: "[\"webhook\"]", with: "[\"audit\"]")
        let d2 = GatekeeperEngine.evaluate(policies: try Self.objects(Self.requiredLabelsTemplate + "\n---\n" + Self.ownerConstraint() + "\n---\n" + auditOnly),
                                           request: try Self.request(Self.guardDutyNamespace))
        XCTAssertEqual(d2.map(\.outcome), [.deny])
    }

    func testUnknownTemplateCannotBeEvaluated() throws {
        let template = Self.requiredLabelsTemplate
            .replacingOccurrences(of: "not regex.match(expected.allowedRegex, value)", with: "startswith(value, \"x\")")
        let d = GatekeeperEngine.evaluate(policies: try Self.objects(template + "\n---\n" + Self.ownerConstraint()), request: try Self.request(Self.guardDutyNamespace))
        guard case .cannotEvaluate(let reason)? = d.first?.outcome else { return XCTFail("\(d.map(\.outcome))") }
        XCTAssertTrue(reason.contains("not a gatekeeper-library template"), reason)
        let orphan = GatekeeperEngine.evaluate(policies: try Self.objects(Self.ownerConstraint()), request: try Self.request(Self.guardDutyNamespace))
        guard case .cannotEvaluate? = orphan.first?.outcome else { return XCTFail("\(orphan.map(\.outcome))") }
    }

    func testIsGatekeeperObject() throws {
        let objs = try Self.objects(Self.requiredLabelsTemplate + "\n---\n" + Self.ownerConstraint() + "\n---\n" + Self.guardDutyNamespace)
        XCTAssertEqual(objs.map(GatekeeperEngine.isGatekeeperObject), [true, true, false])
    }

    // MARK: Native templates on the agent's objects

    func testPodSecurityTemplatesOnTheAgentPod() throws {
        let agent = try AgentObjects.parse(AgentObjects.pod)
        func violations(_ package: String, _ params: String = "{}") throws -> Int {
            let t = try XCTUnwrap(GatekeeperNativeTemplates.all.first { $0.package == package })
            let p = try YAMLReader.parse(params, file: SourceFile(path: "p")).documents[0]
            return t.evaluate(GatekeeperReviewInput(object: agent, kind: "Pod", operation: "CREATE", parameters: p)).count
        }
        XCTAssertEqual(try violations("k8spspprivileged"), 0)
        XCTAssertEqual(try violations("k8spsphostnamespace"), 0)
        XCTAssertEqual(try violations("k8spsphostfilesystem"), 2)
        XCTAssertEqual(try violations("k8spsphostfilesystem", "{allowedHostPaths: [{pathPrefix: /proc, readOnly: true}, {pathPrefix: /run/containerd, readOnly: true}]}"), 0)
        XCTAssertEqual(try violations("capabilities", "{allowedCapabilities: [SYS_PTRACE]}"), 1)
        XCTAssertEqual(try violations("capabilities", "{allowedCapabilities: [sys_ptrace, SYS_ADMIN]}"), 0)
        XCTAssertEqual(try violations("k8spspreadonlyrootfilesystem"), 1)
        XCTAssertEqual(try violations("k8spspallowprivilegeescalationcontainer"), 0)
        XCTAssertEqual(try violations("k8spspallowedusers", "{runAsUser: {rule: MustRunAsNonRoot}}"), 1)
        XCTAssertEqual(try violations("k8sdisallowedtags", "{tags: [latest]}"), 0)
        XCTAssertEqual(try violations("k8srequiredresources", "{limits: [cpu, memory], requests: [cpu, memory]}"), 0)
        XCTAssertEqual(try violations("k8srequiredresources", "{limits: [ephemeral-storage]}"), 1)
        XCTAssertEqual(try violations("k8spspvolumetypes", "{volumes: [configMap]}"), 1)
        XCTAssertEqual(try violations("k8sallowedreposv2", "{allowedImages: [\"602401143452.dkr.ecr.us-east-1.amazonaws.com/*\"]}"), 0)
    }
}
