import ArgumentParser
import FSTensor

// PLACEHOLDER — owned by the issue that builds `fsvideo generate`.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Generate a video from a prompt (FreeScale cascade above the model's base size).")

    func run() throws { throw FSError("'fsvideo generate' is not implemented yet") }
}
