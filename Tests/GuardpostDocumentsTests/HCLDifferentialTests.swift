import XCTest
import GuardpostDocuments

/// Differential test against python-hcl2 (the reference parser, `pip install python-hcl2`, see
/// scripts/install-test-tools.sh): for every `.tf` file of ../shared/corpus and a few hand-written
/// edge cases, both parsers accept or both reject the file, and for accepted files they find the
/// same blocks (type, labels, nesting) and the same attribute names. scripts/hcl-reference.py prints
/// python-hcl2's view; `items(of:)` below builds guardpost's in the same shape.
final class HCLDifferentialTests: XCTestCase {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Edge cases: name -> content. All are valid HCL except those named `invalid-*`.
    static let edgeCases: [(String, String)] = [
        ("heredocs.tf", """
        locals {
          a = <<EOT
        hello ${var.x} %{ if var.y }yes%{ endif }
        EOT
          b = <<-EOT
            indented $${not_interpolated}
            EOT
          c = jsonencode({ "k" = [for s in var.list : s if s != ""] })
        }
        """),
        ("expressions.tf", """
        resource "aws_security_group" "sg" {
          count  = var.create && length(var.ids) > 0 ? 1 : 0
          name   = "${var.name}-sg"
          vpc_id = aws_vpc.this[0].id
          ingress {
            from_port   = 443
            cidr_blocks = aws_subnet.private[*].cidr_block
          }
          ingress {
            from_port = -1 * 2 % 3
          }
          dynamic "egress" {
            for_each = { for k, v in var.rules : k => v... }
            content {
              to_port = egress.value.port
            }
          }
          tags = merge(var.tags, {
            Name = "x"
            "kubernetes.io/cluster/${var.name}" = "owned"
          })
        }
        """),
        ("invalid-unclosed.tf", "resource \"a\" \"b\" {\n  x = 1\n"),
        ("invalid-unterminated-string.tf", "x = \"abc\n"),
        ("invalid-missing-value.tf", "x =\n"),
    ]

    func testAgreesWithPythonHCL2() throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import hcl2"]
        check.standardError = FileHandle.nullDevice
        check.standardOutput = FileHandle.nullDevice
        do { try check.run(); check.waitUntilExit() } catch { throw XCTSkip("python3 is not available") }
        guard check.terminationStatus == 0 else {
            throw XCTSkip("python-hcl2 is not installed (pip install python-hcl2, or scripts/install-test-tools.sh)")
        }

        var files = (try? HCLCorpusTests.terraformFiles()) ?? []
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gp-hcl-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, content) in Self.edgeCases {
            let url = dir.appendingPathComponent(name)
            try content.write(to: url, atomically: true, encoding: .utf8)
            files.append(url)
        }

        let reference = try runReference(files.map(\.path))
        var agree = 0
        var disagreements: [String] = []
        for url in files {
            guard let theirs = reference[url.path] as? [String: Any], let theyParse = theirs["ok"] as? Bool else {
                disagreements.append("\(url.path): no reference result"); continue
            }
            let ours: [String]?
            var ourError = ""
            do {
                ours = Self.items(of: try HCLReader.parse([UInt8](Data(contentsOf: url)), file: SourceFile(path: url.path)))
            } catch {
                ours = nil
                ourError = "\(error)"
            }
            switch (ours, theyParse) {
            case (nil, false):
                agree += 1
            case (let mine?, true):
                let theirItems = Set(theirs["items"] as? [String] ?? [])
                let mineSet = Set(mine)
                if mineSet == theirItems { agree += 1; continue }
                let onlyOurs = mineSet.subtracting(theirItems).sorted().prefix(5)
                let onlyTheirs = theirItems.subtracting(mineSet).sorted().prefix(5)
                disagreements.append("\(url.lastPathComponent): only guardpost: \(Array(onlyOurs)); only python-hcl2: \(Array(onlyTheirs))")
            case (nil, true):
                disagreements.append("\(url.path): guardpost rejects (\(ourError)), python-hcl2 accepts")
            case (_?, false):
                disagreements.append("\(url.path): guardpost accepts, python-hcl2 rejects (\(theirs["error"] ?? ""))")
            }
        }
        print("HCL DIFFERENTIAL: \(files.count) files (\(files.count - Self.edgeCases.count) corpus, \(Self.edgeCases.count) edge cases): \(agree) agree, \(disagreements.count) disagree")
        for d in disagreements { print("  \(d)") }
        XCTAssertEqual(disagreements, [])
        XCTAssertEqual(agree, files.count)
    }

    func runReference(_ paths: [String]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.packageRoot.appendingPathComponent("scripts/hcl-reference.py").path] + paths
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 3 {
            throw XCTSkip("this python-hcl2 does not mark blocks; install python-hcl2==8.1.4 (scripts/install-test-tools.sh)")
        }
        XCTAssertEqual(process.terminationStatus, 0)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Block and attribute paths, in the shape scripts/hcl-reference.py prints.
    static func items(of body: HCLBody) -> [String] {
        var out: [String] = []
        var stack: [(HCLBody, String)] = [(body, "")]
        while let (current, prefix) = stack.popLast() {
            var counts: [String: Int] = [:]
            for item in current.items {
                switch item {
                case .attribute(let a):
                    out.append("\(prefix):\(a.name)")
                case .block(let b):
                    let ident = ([b.type] + b.labels.map(\.value)).joined(separator: " ")
                    let index = counts[ident, default: 0]
                    counts[ident] = index + 1
                    let path = prefix.isEmpty ? "\(ident)[\(index)]" : "\(prefix)/\(ident)[\(index)]"
                    out.append(path)
                    stack.append((b.body, path))
                }
            }
        }
        return out.sorted()
    }
}
