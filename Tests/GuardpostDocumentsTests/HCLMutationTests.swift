import XCTest
@testable import GuardpostDocuments

/// Deterministic mutation testing of the HCL reader: damaged `.tf` input parses or throws a
/// ParseError located inside the file; never a crash, never a hang.
final class HCLMutationTests: XCTestCase {
    static let seeds = [
        """
        # comment
        resource "aws_eks_cluster" "this" {
          count    = var.create ? 1 : 0
          name     = "${var.name}-${local.suffix}"
          version  = try(var.version, "1.31")
          vpc_config {
            subnet_ids = concat(module.vpc.private_subnets, [for s in aws_subnet.x : s.id if s.tags != null])
          }
          tags = merge(var.tags, { "kubernetes.io/cluster/${var.name}" = "owned", Name: "x" })
        }
        """,
        """
        locals {
          policy = <<-EOT
            {"Statement": [%{ for s in var.list ~}"${s}",%{ endfor ~}]}
            EOT
          n = -1 + 2 * 3 / 4 % 5 >= 6 && !true || null == false
          m = { for k, v in var.map : k => v... if v.enabled }
          x = aws_subnet.private[*].id
          y = data.aws_iam_policy_document.x.json
        }
        dynamic "ingress" {
          for_each = var.rules
          content { from_port = ingress.value.port }
        }
        """,
    ].map { Array($0.utf8) }

    static let interesting: [UInt8] = Array("\"'\\{}[]()$%~<-*.:,=?!&|#/\n\r\t 0e".utf8) + [0x00, 0xC3, 0xA9, 0xED, 0xA0, 0xFF, 0x80]

    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static func mutate(_ seed: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var b = seed
        for _ in 0..<(1 + rng.below(4)) {
            switch rng.below(4) {
            case 0 where !b.isEmpty: b[rng.below(b.count)] = interesting[rng.below(interesting.count)]
            case 1: b.insert(interesting[rng.below(interesting.count)], at: rng.below(b.count + 1))
            case 2 where !b.isEmpty: b.remove(at: rng.below(b.count))
            default: if b.count > 2 { b = Array(b[..<rng.below(b.count)]) }
            }
        }
        return b
    }

    func testMutatedHCL() {
        var rng = SplitMix(state: 7)
        let file = SourceFile(path: "m.tf")
        var parsed = 0, failed = 0
        for i in 0..<3000 {
            let bytes = Self.mutate(Self.seeds[i % Self.seeds.count], &rng)
            let lines = bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            do {
                _ = try HCLReader.parse(bytes, file: file)
                parsed += 1
            } catch let e as ParseError {
                failed += 1
                XCTAssertGreaterThanOrEqual(e.location.line, 1)
                XCTAssertGreaterThanOrEqual(e.location.column, 1)
                XCTAssertLessThanOrEqual(e.location.line, lines, "\(e)")
                XCTAssertFalse(e.message.isEmpty)
            } catch {
                XCTFail("non-ParseError \(error)")
            }
        }
        XCTAssertGreaterThan(parsed, 100, "some mutations stay valid")
        XCTAssertGreaterThan(failed, 100, "most mutations are errors")
    }
}
