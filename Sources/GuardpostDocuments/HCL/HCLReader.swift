/// Reads HCL2 native syntax (Terraform `.tf` files) into an `HCLBody` with positions.
///
/// Follows the HCL native syntax specification (hashicorp/hcl, `hclsyntax/spec.md`):
/// - comments `#`, `//` (to the end of the line) and `/* */`; identifiers may contain `-`;
/// - numbers keep their source text; strings are templates with escapes (`\n \r \t \" \\ \uNNNN
///   \UNNNNNNNN`), `${...}` interpolations and `%{if}`/`%{for}` directives, `$${` and `%%{` escapes,
///   `~` strip markers; heredocs `<<EOT` and `<<-EOT` (indentation removed);
/// - tuples, objects (`=` or `:`; elements separated by commas or newlines), function calls
///   (`f(a, b...)`, namespaced `provider::aws::f()`), attribute / index / legacy `.0` index / splat
///   (`.*`, `[*]`) traversals, unary and binary operators with the spec's precedence, conditionals and
///   `for` expressions;
/// - newlines end attributes; inside `()`, `[]`, `${}` and `for` expressions they are whitespace.
///
/// Errors are `ParseError`s located at the offending character, saying what was expected. Limits:
/// `maxFileSize`, and `maxDepth` for the nesting of blocks, expressions and template directives
/// (a deeper file is an error at the construct that goes too deep; recursion never exceeds the limit,
/// and the parse runs on a thread whose stack is sized for it: see `HCLLargeStack`).
/// The input is UTF-8 (a BOM is skipped; UTF-16 with a BOM is transcoded, as for JSON and YAML);
/// invalid UTF-8 is an error. Lines break at LF (CRLF is a newline too); columns count Unicode scalars.
public enum HCLReader {
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: SourceFile, limits: ParseLimits = .default) throws -> HCLBody {
        try run(bytes, file: file, limits: limits) { try $0.parseFile() }
    }

    public static func parse(_ bytes: [UInt8], file: SourceFile, limits: ParseLimits = .default) throws -> HCLBody {
        try bytes.withUnsafeBytes { try parse($0, file: file, limits: limits) }
    }

    public static func parse(_ text: String, file: SourceFile, limits: ParseLimits = .default) throws -> HCLBody {
        var text = text
        return try text.withUTF8 { try parse(UnsafeRawBufferPointer($0), file: file, limits: limits) }
    }

    /// Parses one expression (newlines are whitespace); the whole input must be that expression.
    public static func parseExpression(_ text: String, file: SourceFile, limits: ParseLimits = .default) throws -> HCLExpression {
        var text = text
        return try text.withUTF8 { buffer in
            try run(UnsafeRawBufferPointer(buffer), file: file, limits: limits) { try $0.parseStandaloneExpression() }
        }
    }

    /// Parses a standalone template: literal text with `${...}` and `%{...}` sequences and no escapes
    /// other than `$${` and `%%{` (how Terraform reads the strings of `.tf.json` files).
    public static func parseTemplate(_ text: String, file: SourceFile, limits: ParseLimits = .default) throws -> HCLTemplate {
        var text = text
        return try text.withUTF8 { buffer in
            try run(UnsafeRawBufferPointer(buffer), file: file, limits: limits) { try $0.parseStandaloneTemplate() }
        }
    }

    private static func run<T>(_ bytes: UnsafeRawBufferPointer, file: SourceFile, limits: ParseLimits,
                               _ body: (inout HCLParser) throws -> T) throws -> T {
        if bytes.count > limits.maxFileSize {
            throw ParseError(location: Location(file: file, line: 1, column: 1),
                             message: "file is \(bytes.count) bytes, larger than the limit of \(limits.maxFileSize) bytes")
        }
        return try HCLLargeStack.run(maxDepth: limits.maxDepth) {
            try TextEncoding.withUTF8(bytes, file: file) { utf8 in
                var parser = try HCLParser(bytes: utf8, file: file, limits: limits)
                return try body(&parser)
            }
        }
    }
}
