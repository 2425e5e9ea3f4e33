// Fuzz target `jmespath`: Kyverno's policy expression language — the JMESPath parser and interpreter
// (with the Kyverno functions) and `{{ }}` variable substitution. Input: the expression text.
import GuardpostDocuments
import GuardpostKnowledge
@testable import GuardpostAdmission

let jmesContext: KyvernoContext = {
    let k = Knowledge.embedded
    let objects = k.agentObjects(region: "us-east-1", agentVersion: k.newestAgent.description).map(KValue.init)
    let daemonSet = objects.first { $0["kind"]?.string == "DaemonSet" } ?? objects.first ?? .null
    return KyvernoContext(root: [
        "request": .object(["object": daemonSet, "operation": .string("CREATE"), "namespace": .string("amazon-guardduty"),
                            "userInfo": .object(["username": .string("eks:addon-manager"), "groups": .array([.string("system:authenticated")])])]),
        "element": daemonSet["spec"]?["template"]?["spec"]?["containers"]?.array?.first ?? .null,
        "images": .object(["containers": .object(["agent": .object(["registry": .string("602401143452.dkr.ecr.us-east-1.amazonaws.com"), "path": .string("aws-guardduty-agent"), "tag": .string("v1.10.0")])])]),
        "objects": .array(objects),
    ])
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJMESPath(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size <= 4096 else { return 0 }
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    if let node = try? JMESPath.compile(text) {
        _ = try? JMESInterpreter().eval(node, .object(jmesContext.root))
    }
    _ = try? jmesContext.substitute(text)
    _ = try? jmesContext.substituteAll(.object([text: .array([.string(text)])]))
    return 0
}
