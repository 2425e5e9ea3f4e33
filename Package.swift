// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "guardpost",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "guardpost", targets: ["guardpost"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Pipeline order: Documents -> Model (loaders) -> Knowledge/Admission -> Checks -> Reports -> CLI.
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .target(name: "GuardpostDocuments", dependencies: ["CYAML"]),
        .target(name: "GuardpostModel", dependencies: ["GuardpostDocuments"]),
        .target(name: "GuardpostKnowledge", dependencies: ["GuardpostDocuments"]),
        .target(name: "GuardpostAdmission", dependencies: ["GuardpostDocuments", "GuardpostModel", "GuardpostKnowledge"]),
        .target(name: "GuardpostChecks", dependencies: ["GuardpostDocuments", "GuardpostModel", "GuardpostKnowledge", "GuardpostAdmission"]),
        .target(name: "GuardpostReports", dependencies: ["GuardpostDocuments", "GuardpostModel", "GuardpostChecks"]),
        .target(name: "GuardpostCLI", dependencies: [
            "GuardpostDocuments", "GuardpostModel", "GuardpostKnowledge", "GuardpostAdmission", "GuardpostChecks", "GuardpostReports",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "guardpost", dependencies: ["GuardpostCLI"]),
        .testTarget(name: "GuardpostDocumentsTests", dependencies: ["GuardpostDocuments"]),
        .testTarget(name: "GuardpostModelTests", dependencies: ["GuardpostDocuments", "GuardpostModel"]),
        .testTarget(name: "GuardpostChecksTests", dependencies: ["GuardpostDocuments", "GuardpostModel", "GuardpostKnowledge", "GuardpostChecks", "GuardpostReports", "GuardpostCLI"]),
        .testTarget(name: "GuardpostAdmissionTests", dependencies: ["GuardpostDocuments", "GuardpostModel", "GuardpostKnowledge", "GuardpostAdmission"]),
        .testTarget(name: "GuardpostReportsTests", dependencies: ["GuardpostReports", "GuardpostChecks", "GuardpostModel", "GuardpostDocuments", "GuardpostCLI", "GuardpostKnowledge"],
                    exclude: ["Golden", "Fixtures"]),
        .testTarget(name: "GuardpostKnowledgeTests", dependencies: ["GuardpostKnowledge", "GuardpostDocuments"]),
        .testTarget(name: "GuardpostCLITests", dependencies: ["GuardpostCLI", "GuardpostChecks", "GuardpostDocuments", "GuardpostReports", "GuardpostModel", "GuardpostAdmission"]),
    ],
    swiftLanguageModes: [.v5]
)
