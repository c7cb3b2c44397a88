import ArgumentParser
import FSTensor

// PLACEHOLDER — owned by the issue that builds `fsvideo sheet`.
struct SheetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sheet", abstract: "Write a contact sheet (grid of evenly spaced frames) of a video.")

    func run() throws { throw FSError("'fsvideo sheet' is not implemented yet") }
}
