import XCTest
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Hostile and malformed input, through the real executable. Every case must end quickly (20 s
/// deadline) with a located error (exit 1) or a correct result (exit 0), never a signal or a hang.
final class AdversarialInputTests: XCTestCase {
    func scan(_ scratch: Scratch, _ paths: [String], _ extra: [String] = [], timeout: Double = 20) throws -> GuardpostRun {
        try Guardpost.run(["scan", "--no-config"] + extra + paths, in: scratch.url, timeout: timeout)
    }

    // MARK: Size and depth

    func testYAMLAliasBombIsRefusedAtTheAliasBudget() throws {
        let s = try Scratch()
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1...12 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        try s.write("bomb.yaml", lines.joined(separator: "\n") + "\n")
        // The same bomb through merge keys.
        var merge = ["m0: &m0 {k0: v}"]
        for i in 1...30 { merge.append("m\(i): &m\(i) {<<: [*m\(i - 1), *m\(i - 1)], k\(i): v}") }
        try s.write("merge-bomb.yaml", merge.joined(separator: "\n") + "\n")
        let r = try scan(s, ["bomb.yaml"])
        assertEnded(r, exit: [1], within: 10, "alias bomb")
        assertLocated(r, "bomb.yaml:6:", "alias bomb")
        XCTAssertTrue(r.output.contains("alias expansion exceeds"), r.output)
        let m = try scan(s, ["merge-bomb.yaml"])
        assertEnded(m, exit: [0, 1], within: 10, "merge-key bomb")
    }

    func testNesting100000DeepInJSONYAMLAndHCL() throws {
        let s = try Scratch()
        let n = 100_000
        try s.write("deep.json", String(repeating: "[", count: n) + String(repeating: "]", count: n))
        try s.write("deep-object.json", String(repeating: "{\"a\":", count: n) + "1" + String(repeating: "}", count: n))
        try s.write("deep.yaml", String(repeating: "[", count: n) + String(repeating: "]", count: n))
        try s.write("deep-map.yaml", String(repeating: "{a: ", count: n) + "1" + String(repeating: "}", count: n))
        // Block style: each level one line deeper (indentation grows; 2 000 levels already make a 4 MB file).
        var block = ""
        for i in 0..<2_000 { block += String(repeating: " ", count: i) + "a:\n" }
        try s.write("deep-block.yaml", block)
        for (file, line) in [("deep.json", "1:513"), ("deep-object.json", "1:2561"), ("deep.yaml", "1:513"), ("deep-map.yaml", "1:2049"), ("deep-block.yaml", "513:")] {
            let r = try scan(s, [file])
            assertEnded(r, exit: [1], within: 10, file)
            assertLocated(r, "\(file):\(line)", file)
            XCTAssertTrue(r.output.contains("nesting deeper than 512"), "\(file): \(r.output.prefix(500))")
        }
        // HCL: the .tf parser stops at the same depth limit, with a located error.
        try s.write("deep.tf", String(repeating: "a {\n", count: n) + String(repeating: "}\n", count: n))
        let hcl = try scan(s, ["deep.tf"])
        assertEnded(hcl, exit: [1], within: 10, "deep.tf")
        assertLocated(hcl, "deep.tf:513:", "deep.tf")
        XCTAssertTrue(hcl.output.contains("nesting deeper than 512"), hcl.output)
    }

    /// A 1 GB (sparse) file is refused from its size, without being read.
    func testOneGigabyteFileIsRefusedWithoutReadingIt() throws {
        let s = try Scratch()
        let path = s.path("huge.json")
        XCTAssertEqual(truncate(path, 1 << 30), -1, "file must not exist yet")
        FileManager.default.createFile(atPath: path, contents: Data("{".utf8))
        XCTAssertEqual(truncate(path, 1 << 30), 0)
        let r = try scan(s, ["huge.json"])
        assertEnded(r, exit: [1], within: 5, "1 GB file")
        assertLocated(r, "huge.json:1:1", "1 GB file")
        XCTAssertTrue(r.output.contains("larger than the limit"), r.output)
        // Also inside a scanned folder, and through standard input (read, but never more than the limit).
        let folder = try scan(s, ["."])
        assertEnded(folder, exit: [1], within: 5, "1 GB file in a folder")
        assertLocated(folder, "./huge.json:1:1", "1 GB file in a folder")
        let stdin = try Guardpost.run(["scan", "--no-config", "-"], in: s.url, stdin: URL(fileURLWithPath: path))
        assertEnded(stdin, exit: [1], within: 15, "1 GB on standard input")
        assertLocated(stdin, "-:1:1", "1 GB on standard input")
    }

    // MARK: Encodings

    func testEncodingProblemsAreLocatedErrors() throws {
        let s = try Scratch()
        try s.write("bad-utf8.yaml", Array("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ".utf8) + [0xFF, 0xFE, 0x0A])
        try s.write("bad-utf8.json", Array("{\n  \"a\": \"x".utf8) + [0xC3, 0x28] + Array("\"\n}".utf8))
        try s.write("overlong.json", Array("{\"a\": \"".utf8) + [0xC0, 0xAF] + Array("\"}".utf8))
        try s.write("nul.json", Array("{\"a\": ".utf8) + [0] + Array("1}".utf8))
        try s.write("nul.yaml", Array("a: b\nc: ".utf8) + [0] + Array("\n".utf8))
        try s.write("utf16-no-bom.json", Array("{\"a\": 1}".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        try s.write("utf16-no-bom.yaml", Array("a: 1\n".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        try s.write("bom-middle.yaml", Array("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x".utf8) + [0xEF, 0xBB, 0xBF] + Array("y\n".utf8))
        let cases: [(String, String, String)] = [
            ("bad-utf8.yaml", "bad-utf8.yaml:4:9", "invalid UTF-8"),
            ("bad-utf8.json", "bad-utf8.json:2:10", "invalid UTF-8"),
            ("overlong.json", "overlong.json:1:8", "invalid UTF-8"),
            ("nul.json", "nul.json:1:1", "NUL byte"),
            ("nul.yaml", "nul.yaml:1:1", "NUL byte"),
            ("utf16-no-bom.json", "utf16-no-bom.json:1:1", "UTF-16LE without a byte order mark"),
            ("utf16-no-bom.yaml", "utf16-no-bom.yaml:1:1", "UTF-16BE without a byte order mark"),
        ]
        for (file, location, message) in cases {
            let r = try scan(s, [file])
            assertEnded(r, exit: [1], within: 10, file)
            assertLocated(r, location, file)
            XCTAssertTrue(r.output.contains(message), "\(file): \(r.output.prefix(800))")
        }
        // A BOM inside a YAML scalar is a character of the value (libyaml keeps it): a correct result.
        let mid = try scan(s, ["bom-middle.yaml"], ["--format", "json"])
        assertEnded(mid, exit: [0], within: 10, "bom-middle.yaml")
        XCTAssertTrue(mid.stdout.contains("\"kubernetes\""), mid.output)
    }

    func testByteOrderMarkInTheMiddleOfJSON() throws {
        let s = try Scratch()
        // Between tokens: not JSON. Read as YAML (which allows it) with a located warning, or refused; never silent.
        try s.write("bom-middle.json", Array("{\"apiVersion\": \"v1\",".utf8) + [0xEF, 0xBB, 0xBF] + Array(" \"kind\": \"Namespace\", \"metadata\": {\"name\": \"x\"}}".utf8))
        let r = try scan(s, ["bom-middle.json"], ["--format", "json"])
        assertEnded(r, exit: [0, 1], within: 10, "bom-middle.json")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let diagnostics = json?["diagnostics"] as? [[String: Any]] ?? []
        let located = diagnostics.contains { d in
            (d["message"] as? String)?.contains("byte order mark") == true
                && ((d["location"] as? [String: Any])?["column"] as? Int) == 21
        }
        XCTAssertTrue(located, "expected a diagnostic at 1:21 naming the byte order mark: \(diagnostics)")
        // Inside a JSON string a BOM is an ordinary character: a correct result.
        try s.write("bom-string.json", Array("{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"x".utf8) + [0xEF, 0xBB, 0xBF] + Array("\"}}".utf8))
        let str = try scan(s, ["bom-string.json"])
        assertEnded(str, exit: [0], within: 10, "bom-string.json")
        XCTAssertTrue(str.stdout.contains("1 kubernetes"), str.output)
    }

    // MARK: Line ends, tabs, duplicates, empties

    func testCRLFAndLoneCRLineEndsKeepPositions() throws {
        let s = try Scratch()
        try s.write("crlf.yaml", "apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: ok\r\n")
        try s.write("cr.yaml", "apiVersion: v1\rkind: Namespace\rmetadata:\r  name: ok\r")
        try s.write("crlf-bad.yaml", "apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: [unclosed\r\n")
        try s.write("cr-bad.json", "{\r  \"a\": 1,\r  \"b\": [1,, 2]\r}")
        try s.write("crlf-bad.json", "{\r\n  \"a\": 1,\r\n  \"b\": [1,, 2]\r\n}")
        for file in ["crlf.yaml", "cr.yaml"] {
            let r = try scan(s, [file])
            assertEnded(r, exit: [0], within: 10, file)
            XCTAssertTrue(r.stdout.contains("1 file scanned (1 kubernetes)"), "\(file): \(r.output)")
        }
        for (file, location) in [("crlf-bad.yaml", "crlf-bad.yaml:5:1"), ("cr-bad.json", "cr-bad.json:3:11"), ("crlf-bad.json", "crlf-bad.json:3:11")] {
            let r = try scan(s, [file])
            assertEnded(r, exit: [1], within: 10, file)
            assertLocated(r, location, file)
            // The echoed source line carries no carriage return (it would move the cursor).
            XCTAssertFalse(r.stdout.contains("\r"), "\(file): raw CR in the terminal output")
        }
    }

    func testTabIndentationInYAMLIsALocatedError() throws {
        let s = try Scratch()
        try s.write("tabs.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: x\n")
        let r = try scan(s, ["tabs.yaml"])
        assertEnded(r, exit: [1], within: 10, "tabs")
        assertLocated(r, "tabs.yaml:4:1", "tabs")
        // A tab inside a value is fine.
        try s.write("tab-value.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \"a\\tb\"\n  labels: {x: \"\t\"}\n")
        assertEnded(try scan(s, ["tab-value.yaml"]), exit: [0], within: 10, "tab in a value")
    }

    func testDuplicateKeysKeepTheFirstValueWithALocatedWarning() throws {
        let s = try Scratch()
        try s.write("dup.json", "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\",\n \"metadata\": {\"name\": \"a\", \"name\": \"b\"}}")
        try s.write("dup.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n")
        for (file, location) in [("dup.json", "dup.json:2:28"), ("dup.yaml", "dup.yaml:5:3")] {
            let r = try scan(s, [file], ["--format", "json"])
            assertEnded(r, exit: [0], within: 10, file)
            XCTAssertTrue(r.stdout.contains("duplicate key \\\"name\\\""), "\(file): \(r.output)")
            let text = try scan(s, [file])
            assertLocated(text, location, "\(file) (text)")
            XCTAssertTrue(text.stdout.contains("warning"), text.output)
            // Lowering the threshold turns the warning into a failure.
            assertEnded(try scan(s, [file], ["--fail-on", "warning"]), exit: [1], within: 10, "\(file) --fail-on warning")
        }
    }

    func testEmptyFilesAndEmptyDocuments() throws {
        let s = try Scratch()
        try s.write("empty.json", "")
        try s.write("empty.yaml", "")
        try s.write("blank.yaml", "\n\n   \n# only a comment\n")
        try s.write("empty-docs.yaml", "---\n---\n...\n---\n")
        try s.write("null-doc.yaml", "~\n")
        let e = try scan(s, ["empty.json"])
        assertEnded(e, exit: [1], within: 10, "empty.json")
        assertLocated(e, "empty.json:1:1", "empty.json")
        for file in ["empty.yaml", "blank.yaml", "empty-docs.yaml", "null-doc.yaml"] {
            let r = try scan(s, [file])
            assertEnded(r, exit: [0], within: 10, file)
            XCTAssertTrue(r.stdout.contains("1 file scanned"), "\(file): \(r.output)")
        }
    }

    func testBinaryFilesWithYAMLOrJSONNames() throws {
        let s = try Scratch()
        var bytes: [UInt8] = []
        var x: UInt32 = 12345
        for _ in 0..<65_536 { x = x &* 1_103_515_245 &+ 12_345; bytes.append(UInt8(truncatingIfNeeded: x >> 16)) }
        try s.write("random.yaml", bytes)
        try s.write("random.json", bytes)
        try s.write("elf.yml", [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + Array(repeating: 0, count: 64))
        try s.write("gzip.json", [0x1F, 0x8B, 0x08, 0x00] + bytes.prefix(200))
        for file in ["random.yaml", "random.json", "elf.yml", "gzip.json"] {
            let r = try scan(s, [file])
            assertEnded(r, exit: [1], within: 10, file)
            assertLocated(r, "\(file):", file)
            XCTAssertTrue(r.stdout.contains("error"), "\(file): \(r.output.prefix(500))")
        }
    }

    // MARK: Special files in scanned folders

    func testSpecialFilesAndLinksInAScannedFolder() throws {
        let s = try Scratch()
        try s.write("dir/good.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n")
        XCTAssertEqual(mkfifo(s.path("dir/fifo.yaml"), 0o644), 0)
        XCTAssertEqual(symlink("/dev/zero", s.path("dir/zero.json")), 0)
        XCTAssertEqual(symlink("loop.yaml", s.path("dir/loop.yaml")), 0)
        XCTAssertEqual(symlink("missing.yaml", s.path("dir/dangling.yaml")), 0)
        XCTAssertEqual(symlink(".", s.path("dir/self")), 0)
        XCTAssertEqual(symlink("..", s.path("dir/parent")), 0)
        // Links that leave the scanned folder are not followed: `ln -s / root` walked the whole machine.
        XCTAssertEqual(symlink("/", s.path("dir/root")), 0)
        try s.write("outside.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: host-secret\n")
        XCTAssertEqual(symlink("../outside.yaml", s.path("dir/outside-link.yaml")), 0)
        var expected = [("dir/fifo.yaml", "not a regular file"), ("dir/zero.json", "symbolic link leads outside the scanned folder"),
                        ("dir/loop.yaml", "symbolic link loop"), ("dir/dangling.yaml", "dangling symbolic link"),
                        ("dir/root", "symbolic link leads outside the scanned folder"),
                        ("dir/outside-link.yaml", "symbolic link leads outside the scanned folder")]
        if geteuid() == 0 {
            // A character device (the same as /dev/zero) inside the folder.
            XCTAssertEqual(mknod(s.path("dir/device.json"), S_IFCHR | 0o666, dev_t((1 << 8) | 5)), 0, "mknod c 1 5 (what /dev/zero is)")
            expected.append(("dir/device.json", "not a regular file"))
        }
        let r = try scan(s, ["dir"])
        assertEnded(r, exit: [1], within: 10, "special files")
        XCTAssertFalse(r.stdout.contains("host-secret"), "nothing outside the scanned folder is read")
        for (file, message) in expected {
            assertLocated(r, "\(file):1:1", file)
            XCTAssertTrue(r.stdout.contains("\(file): \(message)") || r.stdout.contains("\(file):1:1: error: [GP001 input-unreadable] cannot read \(file): \(message)"),
                          "\(file): expected '\(message)'\n\(r.stdout)")
        }
        XCTAssertTrue(r.stdout.contains("folder already scanned"), r.stdout)
        XCTAssertTrue(r.stdout.contains("1 kubernetes"), "the readable file is still scanned: \(r.stdout)")
        // Named explicitly, special files are refused before they are opened (a FIFO would block).
        for file in ["dir/fifo.yaml", "/dev/zero", "/dev/urandom"] {
            let e = try scan(s, [file])
            assertEnded(e, exit: [1], within: 10, file)
            assertLocated(e, "\(file):1:1", file)
        }
        // A folder whose name looks like a file is walked, not read.
        try s.write("x.json/inner.json", "{}")
        assertEnded(try scan(s, ["x.json"]), exit: [0], within: 10, "folder named x.json")
    }

    func testUnreadableFileAndFolder() throws {
        let s = try Scratch()
        try s.write("in/secret.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n")
        try s.write("in/locked/inner.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: y\n")
        XCTAssertEqual(chmod(s.path("in/secret.yaml"), 0o000), 0)
        XCTAssertEqual(chmod(s.path("in/locked"), 0o000), 0)
        // root reads anything: drop to `nobody` when we are root.
        var prefix: [String] = []
        if geteuid() == 0 {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { throw XCTSkip("running as root without setpriv: cannot make a file unreadable") }
            prefix = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        }
        let r = try Guardpost.run(["scan", "--no-config", "in"], in: s.url, prefix: prefix)
        if !prefix.isEmpty, r.status == 126 || r.status == 127 {
            throw XCTSkip("nobody cannot execute the test binary here: \(r.output.prefix(200))")
        }
        assertEnded(r, exit: [1], within: 10, "unreadable file")
        assertLocated(r, "in/secret.yaml:1:1", "unreadable file")
        XCTAssertTrue(r.stdout.contains("permission denied"), r.stdout)
        assertLocated(r, "in/locked", "unreadable folder")
        XCTAssertTrue(r.stdout.contains("cannot open folder"), r.stdout)
    }

    func testOneHundredThousandFilesInOneFolder() throws {
        let s = try Scratch()
        let dir = s.path("many")
        XCTAssertEqual(mkdir(dir, 0o755), 0)
        let n = 100_000
        let content = Array("a: 1\n".utf8)
        for i in 0..<n {
            let fd = open(dir + "/f\(i).yaml", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            XCTAssertGreaterThanOrEqual(fd, 0)
            _ = content.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        try s.write("many/zz-broken.json", "{\"a\": [1, 2,, 3]}")
        let r = try scan(s, ["many"], timeout: 60)
        assertEnded(r, exit: [1], within: 60, "100 000 files")
        assertLocated(r, "many/zz-broken.json:1:13", "100 000 files")
        XCTAssertTrue(r.stdout.contains("100001 files scanned"), String(r.stdout.suffix(500)))
    }

    // MARK: Extreme values

    /// Every number of the samples replaced by extreme values (Int.max, Int.min, 1e400, -0, 0.5), and two
    /// node groups of 2^63-1 nodes each (their sum overflowed in the coverage prediction: a trap).
    func testExtremeNumbersEverywhere() throws {
        let s = try Scratch()
        let root = Guardpost.packageRoot.appendingPathComponent("samples")
        let jsonNumber = try NSRegularExpression(pattern: #"(?<=[:\[,]\s{0,8})-?\d+(\.\d+)?([eE][-+]?\d+)?(?=\s*[,\]}])"#)
        let yamlNumber = try NSRegularExpression(pattern: #"(?<=: |- )-?\d+(\.\d+)?$"#, options: [.anchorsMatchLines])
        var written = 0
        for value in ["9223372036854775807", "-9223372036854775808", "1e400", "-0", "0.5", "99999999999999999999999"] {
            for sample in ["terraform-broken/plan.json", "terraform-healthy/plan.json", "cloudformation-broken/eks.yaml", "cloudformation-healthy/eks.yaml"] {
                guard let text = try? String(contentsOf: root.appendingPathComponent(sample), encoding: .utf8) else { continue }
                let re = sample.hasSuffix(".json") ? jsonNumber : yamlNumber
                let changed = re.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: value)
                XCTAssertNotEqual(changed, text, "\(sample): numbers replaced")
                try s.write("v\(written)/\(sample)", changed)
                written += 1
            }
        }
        if let cfn = try? String(contentsOf: root.appendingPathComponent("cloudformation-broken/eks.yaml"), encoding: .utf8) {
            try s.write("twice/eks.yaml", cfn.replacingOccurrences(of: "DesiredSize: 2", with: "DesiredSize: 9223372036854775807") + """
              NodeGroup2:
                Type: AWS::EKS::Nodegroup
                Properties:
                  ClusterName: !Ref Cluster
                  NodeRole: arn:aws:iam::111122223333:role/eks-node
                  ScalingConfig: {DesiredSize: 9223372036854775807, MinSize: -9223372036854775808, MaxSize: 1e400}
                  Subnets: [!Ref PrivateSubnetA]

            """)
        }
        XCTAssertGreaterThan(written, 0, "samples found")
        for f in ["text", "json"] {
            let r = try scan(s, ["."], ["--format", f], timeout: 30)
            assertEnded(r, exit: [0, 1], within: 30, "extreme numbers (\(f))")
        }
        let inventory = try Guardpost.run(["inventory", "--no-config", "."], in: s.url)
        assertEnded(inventory, exit: [0], "extreme numbers (inventory)")
    }

    // MARK: Evaluation: CloudFormation and Terraform

    func testCloudFormationCircularRefsAndConditionExplosions() throws {
        let s = try Scratch()
        try s.write("circular.yaml", """
        AWSTemplateFormatVersion: "2010-09-09"
        Conditions:
          X: !Condition Y
          Y: !Not [!Condition X]
          Self: !And [!Condition Self, !Equals [a, a]]
        Resources:
          A:
            Type: AWS::EC2::VPC
            Condition: X
            Properties:
              CidrBlock: !Ref B
              Tags: [{Key: k, Value: !GetAtt B.Id}]
          B:
            Type: AWS::EC2::Subnet
            Properties:
              VpcId: !Ref A
              CidrBlock: !Sub "${A}-${B.Id}-${AWS::Region}"
          C:
            Type: AWS::EC2::SecurityGroup
            Condition: Self
            Properties:
              GroupDescription: !If [Self, !Ref C, !Ref C]
              VpcId: !Ref C

        """)
        let r = try scan(s, ["circular.yaml"])
        assertEnded(r, exit: [1], within: 10, "circular conditions")
        assertLocated(r, "circular.yaml:3:", "circular conditions")
        XCTAssertTrue(r.stdout.contains("refers to itself"), r.stdout)

        // A chain of 100 000 conditions (each names the next twice): depth-limited, no stack overflow.
        var conditions: [String] = []
        for i in 0..<100_000 { conditions.append("\"C\(i)\": {\"Fn::Or\": [{\"Condition\": \"C\(i + 1)\"}, {\"Condition\": \"C\(i + 1)\"}]}") }
        conditions.append("\"C100000\": {\"Fn::Equals\": [{\"Ref\": \"P\"}, \"a\"]}")
        try s.write("chain.json", """
        {"AWSTemplateFormatVersion": "2010-09-09", "Parameters": {"P": {"Type": "String"}},
         "Conditions": {\(conditions.joined(separator: ",\n"))},
         "Resources": {"V": {"Type": "AWS::EC2::VPC", "Condition": "C0", "Properties": {"CidrBlock": {"Fn::If": ["C0", "10.0.0.0/16", {"Ref": "AWS::NoValue"}]}}}}}
        """)
        let chain = try scan(s, ["chain.json"], ["--format", "json"])
        assertEnded(chain, exit: [0], within: 15, "100 000-condition chain")
        XCTAssertTrue(chain.stdout.contains("conditions nested deeper than 100"), String(chain.stdout.prefix(2000)))

        // Fan-out through aliases: 2^40 Fn::If branches if expanded; refused by the alias budget.
        var yaml = "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  P: {Type: String}\nConditions:\n  U: !Equals [!Ref P, a]\nResources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: &l0 x\n"
        for i in 1...40 { yaml += "      T\(i): &l\(i) !If [U, *l\(i - 1), *l\(i - 1)]\n" }
        try s.write("fanout.yaml", yaml)
        let fan = try scan(s, ["fanout.yaml"])
        assertEnded(fan, exit: [1], within: 10, "Fn::If fan-out")
        assertLocated(fan, "fanout.yaml:", "Fn::If fan-out")

        // Fan-out without aliases: 22 conditions, each the And of the previous twice (cached, linear), and
        // 18 levels of Fn::If on an undecidable condition written out in JSON (the evaluation budget bounds it).
        var conds = ["\"D0\": {\"Fn::Equals\": [{\"Ref\": \"P\"}, \"a\"]}"]
        for i in 1...22 { conds.append("\"D\(i)\": {\"Fn::And\": [{\"Condition\": \"D\(i - 1)\"}, {\"Condition\": \"D\(i - 1)\"}]}") }
        func nest(_ k: Int) -> String { k == 0 ? "\"x\"" : "{\"Fn::If\": [\"D22\", \(nest(k - 1)), \(nest(k - 1))]}" }
        try s.write("wide.json", """
        {"AWSTemplateFormatVersion": "2010-09-09", "Parameters": {"P": {"Type": "String"}},
         "Conditions": {\(conds.joined(separator: ","))},
         "Resources": {"V": {"Type": "AWS::EC2::VPC", "Condition": "D22", "Properties": {"CidrBlock": \(nest(18))}}}}
        """)
        let wide = try scan(s, ["wide.json"])
        assertEnded(wide, exit: [0], within: 15, "Fn::If fan-out in JSON")
    }

    func testTerraformModulesThatCallThemselves() throws {
        let s = try Scratch()
        // A module whose output feeds its own inputs (what a self-call looks like in plan JSON).
        try s.write("cycle/plan.json", """
        {"format_version": "1.2",
         "planned_values": {"root_module": {"resources": [{"address": "aws_vpc.v", "type": "aws_vpc", "mode": "managed", "values": {"cidr_block": "10.0.0.0/16"}}]}},
         "configuration": {"root_module": {
           "resources": [{"address": "aws_vpc.v", "type": "aws_vpc", "expressions": {"cidr_block": {"references": ["module.m.o"]}}}],
           "module_calls": {"m": {"source": "./", "expressions": {
               "a": {"references": ["module.m.o"]}, "b": {"references": ["module.m.o", "module.m.p"]}, "c": {"references": ["module.m.p"]}},
             "module": {"outputs": {"o": {"expression": {"references": ["var.a", "var.b", "var.c"]}},
                                    "p": {"expression": {"references": ["var.c", "var.b", "var.a"]}}}}}}}}}
        """)
        // Module calls nested 150 deep (the same module inside itself), with planned child modules as deep.
        var config = "{\"resources\": [{\"address\": \"aws_vpc.v\", \"type\": \"aws_vpc\", \"expressions\": {\"cidr_block\": {\"references\": [\"var.a\"]}}}], \"outputs\": {\"o\": {\"expression\": {\"references\": [\"var.a\", \"aws_vpc.v\"]}}}}"
        var planned = "{\"resources\": [], \"child_modules\": []}"
        for i in 0..<150 {
            config = "{\"module_calls\": {\"self\": {\"source\": \"./\", \"expressions\": {\"a\": {\"references\": [\"module.self.o\", \"var.a\"]}}, \"module\": \(config)}}, \"outputs\": {\"o\": {\"expression\": {\"references\": [\"module.self.o\"]}}}}"
            planned = "{\"address\": \"module.self\(String(repeating: ".module.self", count: i))\", \"resources\": [{\"address\": \"aws_vpc.v\(i)\", \"type\": \"aws_vpc\", \"mode\": \"managed\", \"values\": {}}], \"child_modules\": [\(planned)]}"
        }
        try s.write("nested/plan.json", "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": \(planned)}, \"configuration\": {\"root_module\": \(config)}}")
        for file in ["cycle/plan.json", "nested/plan.json"] {
            let r = try scan(s, [file], ["--format", "json"])
            assertEnded(r, exit: [0, 1], within: 15, file)
            XCTAssertTrue(r.stdout.contains("\"terraform-plan\""), "\(file): \(r.output.prefix(1000))")
        }
        // .tf.json locals that name each other (a cycle) and that double at every step (an explosion).
        var locals = ["\"loop\": \"${local.loop}\""]
        for i in 0..<60 { locals.append("\"l\(i)\": \"${local.l\(i + 1)}${local.l\(i + 1)}\"") }
        locals.append("\"l60\": \"x\"")
        try s.write("tfjson/main.tf.json", "{\"locals\": {\(locals.joined(separator: ", "))}, \"resource\": {\"aws_vpc\": {\"a\": {\"cidr_block\": \"${local.loop}\"}, \"b\": {\"cidr_block\": \"${local.l0}\"}}}}")
        let tf = try scan(s, ["tfjson"], ["--format", "json"])
        assertEnded(tf, exit: [0, 1], within: 15, "locals")
        XCTAssertTrue(tf.stdout.contains("locals expand more than"), String(tf.stdout.prefix(2000)))
    }
}
