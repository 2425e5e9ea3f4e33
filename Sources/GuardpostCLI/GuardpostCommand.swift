import ArgumentParser

public struct GuardpostCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "guardpost", abstract: "Predict GuardDuty EKS Runtime Monitoring coverage from infrastructure code.")
    public init() {}
    public func run() throws {}
}
