import GuardpostCLI

GuardpostCommand.main()
