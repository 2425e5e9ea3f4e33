import GuardpostCLI

// Usage errors exit with 2 (ArgumentParser's default is 64), as the exit-code contract says.
GuardpostCommand.mainWithDocumentedExitCodes()
