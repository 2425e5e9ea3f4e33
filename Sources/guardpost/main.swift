import GuardpostCLI

GuardpostCommand.mainWithDocumentedExitCodes()
