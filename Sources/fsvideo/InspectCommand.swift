import ArgumentParser
import FSTensor

// PLACEHOLDER — owned by the issue that builds `fsvideo inspect`.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "List what a checkpoint holds; --manifest checks it against VideoCrafter2.")

    func run() throws { throw FSError("'fsvideo inspect' is not implemented yet") }
}
