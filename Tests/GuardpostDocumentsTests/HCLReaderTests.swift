import XCTest
@testable import GuardpostDocuments

final class HCLReaderTests: XCTestCase {
    let file = SourceFile(path: "main.tf")

    func parse(_ text: String, limits: ParseLimits = .default) throws -> HCLBody {
        try HCLReader.parse(text, file: file, limits: limits)
    }

    func expr(_ text: String) throws -> HCLExpression {
        try HCLReader.parseExpression(text, file: file)
    }

    func parseError(_ text: String, limits: ParseLimits = .default, file: StaticString = #filePath, line: UInt = #line) -> ParseError? {
        do {
            _ = try parse(text, limits: limits)
            XCTFail("expected a parse error", file: file, line: line)
            return nil
        } catch let e as ParseError {
            return e
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    // MARK: Structure

    func testBlocksLabelsAttributesAndPositions() throws {
        let body = try parse("""
        # a comment
        resource "aws_vpc" "main" {
          cidr_block           = "10.0.0.0/16"
          enable_dns_hostnames = true // trailing comment
          /* inline */ tags = { Name = "main" }

          vpc_config {
            subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
          }
        }
        variable "x" {}
        locals { a = 1 }
        """)
        XCTAssertEqual(body.blocks.map(\.type), ["resource", "variable", "locals"])
        let vpc = body.blocks[0]
        XCTAssertEqual(vpc.labels.map(\.value), ["aws_vpc", "main"])
        XCTAssertTrue(vpc.labels[0].quoted)
        XCTAssertEqual(vpc.typeLocation.line, 2)
        XCTAssertEqual(vpc.labels[1].location.column, 20)
        XCTAssertEqual(vpc.location.end, Mark(line: 10, column: 2))
        let dns = try XCTUnwrap(vpc.body.attribute("enable_dns_hostnames"))
        XCTAssertEqual(dns.nameLocation.start, Mark(line: 4, column: 3))
        XCTAssertEqual(dns.expression.location.start, Mark(line: 4, column: 26))
        XCTAssertEqual(dns.expression.description, "true")
        let tags = try XCTUnwrap(vpc.body.attribute("tags"))
        XCTAssertEqual(tags.nameLocation.start, Mark(line: 5, column: 16))
        XCTAssertEqual(tags.expression.description, "{Name = \"main\"}")
        let nested = vpc.body.blocks("vpc_config")
        XCTAssertEqual(nested.count, 1)
        XCTAssertEqual(nested[0].body.attribute("subnet_ids")?.expression.description, "[aws_subnet.a.id, aws_subnet.b.id]")
        XCTAssertTrue(body.blocks[1].body.items.isEmpty)
        XCTAssertEqual(body.blocks[2].body.attribute("a")?.expression.description, "1")
    }

    func testIdentifiersWithDashesAndUnicode() throws {
        let body = try parse("my-attr = some-var.x-y\nnäme = 1\n")
        XCTAssertEqual(body.attributes.map(\.name), ["my-attr", "näme"])
        XCTAssertEqual(body.attributes[0].expression.description, "some-var.x-y")
        XCTAssertEqual(body.attributes[1].nameLocation.end.column, 5) // columns count scalars
    }

    func testCRLFAndTabs() throws {
        let body = try parse("a = 1\r\n\tb = \"x\"\r\n")
        XCTAssertEqual(body.attributes.map(\.name), ["a", "b"])
        XCTAssertEqual(body.attributes[1].nameLocation.start, Mark(line: 2, column: 2))
    }

    func testOneLineBlocksAndRepeatedBlocks() throws {
        let body = try parse("""
        resource "aws_security_group" "sg" {
          ingress { from_port = 443 }
          ingress {
            from_port = 80
          }
          lifecycle { ignore_changes = [tags] }
        }
        """)
        let sg = body.blocks[0]
        XCTAssertEqual(sg.body.blocks("ingress").count, 2)
        XCTAssertEqual(sg.body.blocks("ingress")[0].body.attribute("from_port")?.expression.description, "443")
    }

    // MARK: Expressions

    func testOperatorPrecedenceAndAssociativity() throws {
        XCTAssertEqual(try expr("1 + 2 * 3").description, "(1 + (2 * 3))")
        XCTAssertEqual(try expr("x / y * z").description, "((x / y) * z)")
        XCTAssertEqual(try expr("a || b && c == d").description, "(a || (b && (c == d)))")
        XCTAssertEqual(try expr("a < b == c >= d").description, "((a < b) == (c >= d))")
        XCTAssertEqual(try expr("!a && -b + 1 > 2").description, "(!a && ((-b + 1) > 2))")
        XCTAssertEqual(try expr("a ? b : c ? d : e").description, "(a ? b : (c ? d : e))")
        XCTAssertEqual(try expr("var.create && length(var.x) > 0 ? 1 : 0").description, "((var.create && (length(var.x) > 0)) ? 1 : 0)")
        XCTAssertEqual(try expr("(1 + 2) * 3").description, "(((1 + 2)) * 3)")
        XCTAssertEqual(try expr("10 % 3 - 1").description, "((10 % 3) - 1)")
    }

    func testNumbers() throws {
        XCTAssertEqual(try expr("1.30").description, "1.30")
        XCTAssertEqual(try expr("1e10").description, "1e10")
        XCTAssertEqual(try expr("2.5E-3").description, "2.5E-3")
        XCTAssertEqual(try expr("-1").description, "-1")
    }

    func testTraversalsAndSplats() throws {
        XCTAssertEqual(try expr("aws_subnet.private[0].id").description, "aws_subnet.private[0].id")
        XCTAssertEqual(try expr("aws_subnet.private[*].id").description, "aws_subnet.private[*].id")
        XCTAssertEqual(try expr("aws_subnet.private.*.id").description, "aws_subnet.private.*.id")
        XCTAssertEqual(try expr("module.vpc.private_subnets").description, "module.vpc.private_subnets")
        XCTAssertEqual(try expr("data.aws_caller_identity.current.account_id").description, "data.aws_caller_identity.current.account_id")
        XCTAssertEqual(try expr("var.map[\"key\"].x").description, "var.map[\"key\"].x")
        XCTAssertEqual(try expr("foo.0.bar").description, "foo[0].bar") // legacy index
        XCTAssertEqual(try expr("f(x)[0]").description, "f(x)[0]")
        let t = try XCTUnwrap(try expr("aws_subnet.private[count.index].id").scopeTraversal)
        XCTAssertEqual(t.root, "aws_subnet")
        XCTAssertEqual(t.steps.count, 3)
    }

    func testFunctionCalls() throws {
        XCTAssertEqual(try expr("merge(var.tags, { Name = \"x\" })").description, "merge(var.tags, {Name = \"x\"})")
        XCTAssertEqual(try expr("min(var.list...)").description, "min(var.list...)")
        XCTAssertEqual(try expr("provider::aws::arn_parse(x)").description, "provider::aws::arn_parse(x)")
        XCTAssertEqual(try expr("f(\n  a,\n  b,\n)").description, "f(a, b)")
        XCTAssertEqual(try expr("timestamp()").description, "timestamp()")
    }

    func testCollections() throws {
        XCTAssertEqual(try expr("[]").description, "[]")
        XCTAssertEqual(try expr("[1, 2,]").description, "[1, 2]")
        XCTAssertEqual(try expr("[\n 1,\n 2\n]").description, "[1, 2]")
        XCTAssertEqual(try expr("{}").description, "{}")
        XCTAssertEqual(try expr("{a = 1, b: 2}").description, "{a = 1, b = 2}")
        XCTAssertEqual(try expr("{\"k\" = 1, (var.k) = 2}").description, "{\"k\" = 1, (var.k) = 2}")
        let body = try parse("""
        tags = {
          Name        = "x"
          Environment = "dev",
          "kubernetes.io/role/elb" = 1
        }
        """)
        XCTAssertEqual(body.attributes[0].expression.description, "{Name = \"x\", Environment = \"dev\", \"kubernetes.io/role/elb\" = 1}")
    }

    func testForExpressions() throws {
        XCTAssertEqual(try expr("[for s in var.list : upper(s) if s != \"\"]").description, "[for s in var.list : upper(s) if (s != \"\")]")
        XCTAssertEqual(try expr("{for k, v in var.map : k => v...}").description, "{for k, v in var.map : k => v...}")
        XCTAssertEqual(try expr("{\n for k, v in var.map :\n k => v\n if v != null\n}").description, "{for k, v in var.map : k => v if (v != null)}")
        // Names bound by `for` are not scope traversals.
        let roots = try expr("[for s in aws_subnet.private : s.id if s.tags != local.x]").scopeTraversals.map(\.root)
        XCTAssertEqual(roots, ["aws_subnet", "local"])
    }

    func testConditionalsMayNotBreakLinesOutsideBrackets() throws {
        XCTAssertNotNil(parseError("a = true ?\n 1 : 2\n"))
        let body = try parse("a = (true ?\n 1 : 2)\n")
        XCTAssertEqual(body.attributes[0].expression.description, "((true ? 1 : 2))")
    }

    // MARK: Templates

    func testQuotedTemplatesAndEscapes() throws {
        XCTAssertEqual(try expr(#""a\tb\n\"q\" \\ \u00e9 \U0001F600""#).literalString, "a\tb\n\"q\" \\ é 😀")
        let t = try expr(#""${var.name}-eks""#)
        XCTAssertEqual(t.description, "\"${var.name}-eks\"")
        guard case .template(let tpl) = t.kind else { return XCTFail() }
        XCTAssertEqual(tpl.text, "${var.name}-eks")
        XCTAssertEqual(try expr(#""$${literal} %%{x} $ % 100%""#).literalString, "${literal} %{x} $ % 100%")
        XCTAssertEqual(try expr(#""${ "inner ${x}" }""#).description, "\"${\"inner ${x}\"}\"")
        XCTAssertEqual(try expr(#""a ${~ x ~} b""#).description, "\"a${x}b\"")
        XCTAssertEqual(try expr(#""%{ if x }yes%{ else }no%{ endif }""#).description, "\"%{if x}yes%{else}no%{endif}\"")
        XCTAssertEqual(try expr(#""%{ for k, v in m ~} ${k}=${v} %{~ endfor }""#).description, "\"%{for k, v in m}${k}=${v}%{endfor}\"")
        XCTAssertEqual(try expr(#""${ {a = 1}.a }""#).description, "\"${{a = 1}.a}\"")
    }

    func testHeredocs() throws {
        let body = try parse("""
        a = <<EOT
        hello ${var.x}
          indented
        EOT
        b = <<-EOT
            one
              two
            EOT
        c = 1
        """)
        XCTAssertEqual(body.attributes.map(\.name), ["a", "b", "c"])
        XCTAssertEqual(body.attributes[0].expression.description, "\"hello ${var.x}\\n  indented\\n\"")
        XCTAssertEqual(body.attributes[1].expression.literalString, "one\n  two\n")
        guard case .template(let t) = body.attributes[0].expression.kind else { return XCTFail() }
        XCTAssertTrue(t.isHeredoc)
        XCTAssertEqual(t.text, "hello ${var.x}\n  indented\n")
        XCTAssertEqual(body.attributes[2].nameLocation.line, 9)
        // A heredoc as a function argument, closed inside the call.
        let call = try parse("policy = jsonencode(<<EOF\n{\"a\": 1}\nEOF\n)\n")
        XCTAssertEqual(call.attributes[0].expression.description, "jsonencode(\"{\\\"a\\\": 1}\\n\")")
    }

    // MARK: Errors

    func testErrorsAreLocatedAndClear() throws {
        let cases: [(String, Mark, String)] = [
            ("a = \"abc\n", Mark(line: 1, column: 9), "cannot span lines"),
            ("a = \"abc", Mark(line: 1, column: 5), "unterminated string"),
            ("resource \"x\" \"y\" {\n  a = 1\n", Mark(line: 3, column: 1), "unclosed block"),
            ("a = [1, 2\nb = 3\n", Mark(line: 2, column: 1), "expected ',' or ']'"),
            ("a = \n", Mark(line: 1, column: 5), "expected an expression"),
            ("a = 1 b = 2\n", Mark(line: 1, column: 7), "expected a newline"),
            ("a = \"\\q\"\n", Mark(line: 1, column: 6), "invalid escape"),
            ("a = <<EOT\nhello\n", Mark(line: 1, column: 5), "unterminated heredoc"),
            ("a = 1\na = 2\n", Mark(line: 2, column: 1), "defined twice"),
            ("a = \"%{ if x }\"\n", Mark(line: 1, column: 6), "without a matching '%{ endif }'"),
            ("a = \"${x\"\n", Mark(line: 1, column: 9), "expected '}' to close the interpolation"),
            ("/* open\n", Mark(line: 1, column: 1), "unterminated comment"),
            ("a = 'x'\n", Mark(line: 1, column: 5), "double quotes"),
            ("}\n", Mark(line: 1, column: 1), "unexpected '}'"),
            ("block \"${x}\" {}\n", Mark(line: 1, column: 7), "literal string"),
            ("a = x ? 1\n", Mark(line: 1, column: 10), "expected ':'"),
            ("a = {for = 1}\n", Mark(line: 1, column: 10), "variable name after 'for'"),
        ]
        for (text, at, message) in cases {
            guard let e = parseError(text) else { continue }
            XCTAssertEqual(e.location.start, at, "\(text.debugDescription): \(e)")
            XCTAssertTrue(e.message.contains(message), "\(text.debugDescription): \(e.message)")
            XCTAssertEqual(e.location.file.path, "main.tf")
        }
    }

    func testInvalidUTF8IsAnError() {
        let bytes: [UInt8] = Array("a = \"".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)
        XCTAssertThrowsError(try HCLReader.parse(bytes, file: file)) { e in
            XCTAssertTrue("\(e)".contains("invalid UTF-8"), "\(e)")
        }
    }

    // MARK: Limits

    func testDeepNestingIsAnErrorNotACrash() throws {
        for (open, close) in [("[", "]"), ("(", ")"), ("{a=", "}"), ("\"${", "}\""), ("-", ""), ("!", "")] {
            let deep = "a = " + String(repeating: open, count: 100_000) + "1" + String(repeating: close, count: 100_000) + "\n"
            guard let e = parseError(deep) else { continue }
            XCTAssertTrue(e.message.contains("deeper than 512"), "\(open): \(e.message)")
        }
        let blocks = String(repeating: "b {\n", count: 100_000) + String(repeating: "}\n", count: 100_000)
        XCTAssertTrue(parseError(blocks)?.message.contains("deeper than") == true)
        let chain = "a = 1" + String(repeating: " + 1", count: 100_000) + "\n"
        XCTAssertTrue(parseError(chain)?.message.contains("deeper than") == true)
        // Within the limit, deep nesting parses.
        let ok = "a = " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n"
        XCTAssertNoThrow(try parse(ok))
        XCTAssertNotNil(parseError(ok, limits: ParseLimits(maxDepth: 50)))
    }

    func testLongFlatInputIsLinear() throws {
        // 200 000 attributes on one line each and one 2 MB line: both parse quickly.
        var text = ""
        for i in 0..<50_000 { text += "a\(i) = \"value-\(i)\"\n" }
        let start = Date()
        let body = try parse(text)
        XCTAssertEqual(body.items.count, 50_000)
        let wide = "a = [" + Array(repeating: "1", count: 200_000).joined(separator: ",") + "]\n"
        let items = try parse(wide).attributes[0].expression
        guard case .tuple(let elements) = items.kind else { return XCTFail() }
        XCTAssertEqual(elements.last?.location.start.column, 5 + 2 * 199_999 + 1)
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
    }

    func testTruncatedInputsNeverHang() {
        // Every prefix of a realistic file either parses or fails with a located error.
        let text = """
        resource "aws_eks_cluster" "this" {
          name     = "${var.name}-eks"
          vpc_config {
            subnet_ids = concat(module.vpc.private_subnets, [for s in aws_subnet.x : s.id])
          }
          policy = <<-EOT
            {"a": ${jsonencode(var.x)}}
            EOT
          tags = { for k, v in var.tags : k => v if v != null }
          n = var.a ? -1 : 2 * 3 % 4
        }
        """
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            do { _ = try HCLReader.parse(Array(bytes[0..<cut]), file: file) } catch let e as ParseError {
                XCTAssertGreaterThanOrEqual(e.location.line, 1)
            } catch { XCTFail("\(error)") }
        }
    }

    func testStandaloneTemplate() throws {
        let t = try HCLReader.parseTemplate("${aws_vpc.main.id}-x $${y}", file: file)
        XCTAssertEqual(HCLExpression.render(t.parts), "${aws_vpc.main.id}-x ${y}")
    }
}
