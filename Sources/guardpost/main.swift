import GuardpostCLI
#if canImport(Glibc)
import Glibc
#endif

// Usage errors exit with 2 (ArgumentParser's default is 64), as the exit-code contract says.
do {
    var command = try GuardpostCommand.parseAsRoot()
    try command.run()
} catch {
    let code = GuardpostCommand.exitCode(for: error)
    if code.rawValue == 64 {
        let message = GuardpostCommand.fullMessage(for: error) + "\n"
        fputs(message, stderr)
        exit(2)
    }
    GuardpostCommand.exit(withError: error)
}
