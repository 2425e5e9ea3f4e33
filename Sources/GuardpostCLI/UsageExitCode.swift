import ArgumentParser

extension GuardpostCommand {
    /// `main()`, except that a usage error (unknown option, invalid value) exits with 2 as documented,
    /// not with ArgumentParser's 64: a CI gate treats 1 as "findings" and 2 as "the run itself failed".
    public static func mainWithDocumentedExitCodes() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                writeStandardError(fullMessage(for: error) + "\n")
                Self.exit(withError: ExitCodes.usage)
            }
            exit(withError: error)
        }
    }
}
