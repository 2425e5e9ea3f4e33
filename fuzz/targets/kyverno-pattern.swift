// Fuzz target `kyverno-pattern`: the Kyverno validate pattern matcher (anchors, wildcards, operators,
// ranges, quantities, durations). Input: YAML. Every `validate.pattern` / `validate.anyPattern` found in
// a document (a Kyverno policy) is matched against the GuardDuty agent's objects and against the other
// documents of the input; a stream without policies is read as pairs (resource, pattern).
import GuardpostDocuments
import GuardpostKnowledge
@testable import GuardpostAdmission

let agentResources: [KValue] = {
    let k = Knowledge.embedded
    return k.agentObjects(region: "us-east-1", agentVersion: k.newestAgent.description).map(KValue.init)
}()

func patterns(in doc: KValue) -> [KValue] {
    var out: [KValue] = []
    for rule in doc["spec"]?["rules"]?.array ?? [] {
        guard let validate = rule["validate"] else { continue }
        if let p = validate["pattern"] { out.append(p) }
        out += validate["anyPattern"]?.array ?? []
        for fe in validate["foreach"]?.array ?? [] { if let p = fe["pattern"] { out.append(p) } }
    }
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKyvernoPattern(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let docs = fuzzDocuments(bytes, path: "policy.yaml") else { return 0 }
    let values = docs.prefix(16).map(KValue.init)
    var pats = values.flatMap(patterns(in:))
    var resources = agentResources
    if pats.isEmpty {
        var i = 0
        while i + 1 < values.count { resources.append(values[i]); pats.append(values[i + 1]); i += 2 }
    } else {
        resources += values
    }
    for p in pats.prefix(32) {
        for r in resources.prefix(24) { _ = KyvernoPattern.validate(r, p) }
    }
    return 0
}
