// Fuzz target `loaders`: every loader behind the format classification (Terraform plan JSON with its
// configuration/module references, .tf.json interpolation, CloudFormation, Kubernetes) and model linking.
// Input: any file the scan would read.
import GuardpostDocuments
@testable import GuardpostModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLoaders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))
    // The same bytes as a plan and as a .tf.json module (the name decides how a directory groups files).
    for path in ["plan.json", "main.tf.json"] {
        let r = InputLoader.load(bytes: bytes, path: path, options: .init(workers: 1, limits: fuzzLimits))
        for d in r.diagnostics where d.location.line < 1 || d.location.column < 1 { fatalError("bad diagnostic location: \(d.location)") }
        _ = InfrastructureBuilder.build(r)
    }
    return 0
}
