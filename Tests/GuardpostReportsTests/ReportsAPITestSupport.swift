import XCTest
import Foundation
@testable import GuardpostReports
import GuardpostChecks
import GuardpostKnowledge
import GuardpostCLI

/// Shared by the tests of the API-shaped, HTML and triage reports: the package root, real scans of
/// `samples/`, and golden files under `Tests/Goldens/` (rewrite them with GUARDPOST_UPDATE_GOLDEN=1).
enum ReportsAPIFixtures {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Paths in outputs are relative to the package root, as a user running `guardpost` there sees them.
    static func enterPackageRoot() {
        _ = FileManager.default.changeCurrentDirectoryPath(packageRoot)
    }

    /// A fixed stamp for goldens (the default, the knowledge date, is tested on its own).
    static let timestamp = CoverageTimestamp("2026-01-15T09:30:00Z")!

    /// Scans like the CLI does (configuration found upward from the first path, source lines collected).
    static func scan(_ paths: [String], noConfig: Bool = false) throws -> (result: ScanResult, clusters: [ClusterCoverage]) {
        enterPackageRoot()
        let pipeline = ScanPipeline(paths: paths, workers: 1, noConfig: noConfig)
        let result = try pipeline.run()
        let accounts = try pipeline.accounts()
        return (result, ClusterCoverage.all(result, accounts: accounts))
    }

    static let goldenDirectory = packageRoot + "/Tests/Goldens"

    /// Knowledge that changes with the data (its date, the newest agent) is replaced by a marker, so a
    /// data update does not rewrite every golden; the values are pinned by their own tests.
    static func normalised(_ text: String) -> String {
        let k = Knowledge.embedded
        return text.replacingOccurrences(of: k.checkedDate, with: "<knowledge-date>")
            .replacingOccurrences(of: k.newestAgent.description, with: "<newest-agent>")
    }

    static func assertGolden(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let path = goldenDirectory + "/" + name
        let text = normalised(actual)
        if ["GUARDPOST_UPDATE_GOLDENS", "GUARDPOST_UPDATE_GOLDEN"].contains(where: { ProcessInfo.processInfo.environment[$0] == "1" }) {
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? text.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            XCTFail("golden file \(name) is missing; run the tests with GUARDPOST_UPDATE_GOLDEN=1 to write it", file: file, line: line)
            return
        }
        if expected != text {
            let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let b = text.split(separator: "\n", omittingEmptySubsequences: false)
            let first = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            let want = first < a.count ? String(a[first]) : "<end of file>"
            let got = first < b.count ? String(b[first]) : "<end of file>"
            XCTFail("\(name) differs from its golden file at line \(first + 1):\n  expected: \(want)\n  actual:   \(got)\n(GUARDPOST_UPDATE_GOLDEN=1 rewrites goldens after a reviewed change)", file: file, line: line)
        }
    }

    /// A JSON value rendered by a report, parsed back with Foundation (an independent parser).
    static func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Any? {
        do { return try JSONSerialization.jsonObject(with: Data(text.utf8)) } catch {
            XCTFail("not JSON: \(error)", file: file, line: line)
            return nil
        }
    }

    /// A cluster for unit tests.
    static func cluster(_ name: String, account: String? = "111122223333", region: String? = "us-east-1",
                        status: CoverageStatus = .healthy, management: String? = "AUTO_MANAGED", version: String? = "v1.16.0-eksbuild.2",
                        issue: String? = nil, nodes: Int? = 3, file: String = "main.tf.json", line: Int = 1) -> ClusterCoverage {
        ClusterCoverage(clusterName: name, clusterAddress: "aws_eks_cluster.\(name)", file: file, line: line, column: 3,
                        accountId: account, region: region, detectorId: nil, status: status, managementType: management,
                        addonVersion: version, issue: issue, reason: status == .notMonitored ? "excluded by tag" : nil,
                        desiredNodes: nodes, cannotVerify: [], causes: [])
    }
}

extension ReportsAPIFixtures {
    /// A CloudFormation stack whose names carry markup: a cluster named `<script>...</script>` and a VPC
    /// whose logical id closes an attribute and opens an `<img onerror>`. Both payloads would mark
    /// `<body data-pwned=...>` if they ever ran.
    static let hostileTemplate = #"""
    Resources:
      Detector:
        Type: AWS::GuardDuty::Detector
        Properties:
          Enable: true
          Features:
            - Name: RUNTIME_MONITORING
              Status: ENABLED
              AdditionalConfiguration:
                - Name: EKS_ADDON_MANAGEMENT
                  Status: ENABLED
      'Vpc"><img src=x onerror="document.body.setAttribute(''data-pwned'',''img'')">':
        Type: AWS::EC2::VPC
        Properties:
          CidrBlock: 10.0.0.0/16
      SubnetA:
        Type: AWS::EC2::Subnet
        Properties:
          VpcId: !Ref 'Vpc"><img src=x onerror="document.body.setAttribute(''data-pwned'',''img'')">'
          CidrBlock: 10.0.1.0/24
      Cluster:
        Type: AWS::EKS::Cluster
        Properties:
          Name: "<script>document.body.setAttribute('data-pwned','script')</script>"
          Version: "1.33"
          RoleArn: arn:aws:iam::111122223333:role/eks
          ResourcesVpcConfig:
            SubnetIds: [!Ref SubnetA]
    """#

    /// Writes the hostile stack to a fresh temporary folder and returns the folder.
    static func hostileFolder() throws -> String {
        let dir = NSTemporaryDirectory() + "guardpost-hostile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try hostileTemplate.write(toFile: dir + "/eks.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    /// Where the browser tests leave their screenshots (ignored by git, kept for a human to look at).
    static let artifactsDirectory = packageRoot + "/.build/reports-api"
}

/// Headless Chromium from Debian's `chromium` package (scripts/install-test-tools.sh installs it).
/// Runs offline: a `file://` page, no network-using features, a throw-away profile.
enum HeadlessChromium {
    static func find() -> String? {
        var candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium", "/usr/bin/google-chrome"]
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates += ["\(dir)/chromium", "\(dir)/chromium-browser"]
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func binaryOrSkip() throws -> String {
        guard let b = find() else { throw XCTSkip("headless Chromium is not installed (scripts/install-test-tools.sh installs Debian's chromium)") }
        return b
    }

    static func baseArguments(profile: String) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--no-proxy-server", "--hide-scrollbars", "--user-data-dir=\(profile)", "--virtual-time-budget=5000"]
    }

    /// Runs Chromium and returns its standard output.
    static func run(_ arguments: [String], timeout: TimeInterval = 120) throws -> String {
        let binary = try binaryOrSkip()
        let profile = NSTemporaryDirectory() + "guardpost-chromium-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = baseArguments(profile: profile) + arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let timer = DispatchWorkItem { if p.isRunning { p.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        timer.cancel()
        guard p.terminationReason == .exit, p.terminationStatus == 0 else {
            throw ChromiumFailure(message: "chromium \(arguments.joined(separator: " ")) ended with status \(p.terminationStatus) (\(p.terminationReason == .exit ? "exit" : "killed after \(Int(timeout)) s"))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The DOM after the page's scripts ran (filters from the URL fragment applied).
    static func dumpDOM(file: String, fragment: String = "") throws -> String {
        try run(["--dump-dom", URL(fileURLWithPath: file).absoluteString + fragment])
    }

    static func screenshot(file: String, fragment: String = "", to png: String, width: Int = 1400, height: Int = 1300) throws {
        try? FileManager.default.removeItem(atPath: png)
        _ = try run(["--window-size=\(width),\(height)", "--screenshot=\(png)", URL(fileURLWithPath: file).absoluteString + fragment])
    }
}

struct ChromiumFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Reading a dumped DOM with regular expressions (the report's markup is ours and regular).
enum DumpedDOM {
    static func matches(_ pattern: String, in text: String) -> [[String]] {
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return [] }
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
            (0..<m.numberOfRanges).map { i in m.range(at: i).location == NSNotFound ? "" : ns.substring(with: m.range(at: i)) }
        }
    }

    /// The cluster rows: (cluster name as in its attribute, hidden?).
    static func rows(_ dom: String) -> [(cluster: String, hidden: Bool)] {
        matches(#"<tr id="c-\d+"([^>]*)>"#, in: dom).map { m in
            let attrs = m[1]
            let name = matches(#"data-cluster="([^"]*)""#, in: attrs).first?[1] ?? ""
            return (name, attrs.contains(" hidden"))
        }
    }

    static func visible(_ dom: String) -> [String] { rows(dom).filter { !$0.hidden }.map(\.cluster) }

    static func bodyTag(_ dom: String) -> String { matches(#"<body[^>]*>"#, in: dom).first?[0] ?? "" }
}
