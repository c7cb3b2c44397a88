import ArgumentParser
import FSTensor

// PLACEHOLDER — owned by the issue that builds `fsvideo frames`.
struct FramesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "frames", abstract: "Dump a video's frames as PNG files.")

    func run() throws { throw FSError("'fsvideo frames' is not implemented yet") }
}
