// Fuzz target `cfn`: CloudFormation intrinsic function evaluation (Ref, GetAtt, Sub, Join, Select, If,
// FindInMap, Conditions with Equals/And/Or/Not/Condition) through the loader, then model linking.
// Input: a template, JSON or YAML (short tags such as !Ref included).
import GuardpostDocuments
@testable import GuardpostModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCloudFormation(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let docs = fuzzDocuments(bytes, path: "template.yaml") else { return 0 }
    var all = LoadResult()
    for doc in docs where doc.entries != nil {
        // Evaluate every mapping, template-looking or not, so mutations that drop the header still test the evaluator.
        let r = CloudFormationLoader.load(doc, file: doc.location.file, region: "us-east-1")
        for d in r.diagnostics where d.location.line < 1 || d.location.column < 1 { fatalError("bad diagnostic location: \(d.location)") }
        all.append(r)
    }
    _ = InfrastructureBuilder.build(all)
    return 0
}
