// Fuzz target `admission`: the policy languages as read from files — Kyverno policies (match/exclude,
// preconditions, deny conditions, context variables, patterns, foreach, autogen) and Gatekeeper
// ConstraintTemplates (Rego recognition of the library templates, constraints' match and parameters,
// Config exemptions) — evaluated against the GuardDuty agent's objects. Input: YAML manifests.
import GuardpostDocuments
import GuardpostKnowledge
@testable import GuardpostModel
@testable import GuardpostAdmission

let agentRequests: [AdmissionRequest] = {
    let k = Knowledge.embedded
    return k.agentObjects(region: "us-east-1", agentVersion: k.newestAgent.description).compactMap { node in
        let o = KubernetesLoader.load(node).kubernetesObjects.first
        return o.map { AdmissionRequest(object: $0.node, apiVersion: $0.apiVersion, kind: $0.kind, name: $0.name, namespace: $0.namespace) }
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAdmission(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let docs = fuzzDocuments(bytes, path: "policy.yaml") else { return 0 }
    var objects: [KubernetesObject] = []
    for doc in docs.prefix(16) where KubernetesLoader.isManifest(doc) {
        objects += KubernetesLoader.load(doc).kubernetesObjects
    }
    // Template recognition on any Rego text in the input, whatever its shape.
    for o in objects {
        for t in o.node.at(["spec", "targets"])?.items ?? [] {
            if let rego = t["rego"]?.string { _ = GatekeeperNativeTemplates.recognize(rego: rego) }
        }
    }
    guard !objects.isEmpty else { return 0 }
    for request in agentRequests {
        _ = KyvernoEngine.evaluate(policies: objects, request: request)
        _ = GatekeeperEngine.evaluate(policies: objects, request: request)
    }
    // The input's own non-policy objects as requests too.
    for o in objects.prefix(4) where !KyvernoEngine.isKyvernoPolicy(o) && !GatekeeperEngine.isGatekeeperObject(o) {
        let request = AdmissionRequest(object: o.node, apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace: o.namespace)
        _ = KyvernoEngine.evaluate(policies: objects, request: request)
        _ = GatekeeperEngine.evaluate(policies: objects, request: request)
    }
    return 0
}
