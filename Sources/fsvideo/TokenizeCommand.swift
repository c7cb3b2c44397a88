import ArgumentParser
import FSTensor

// PLACEHOLDER — owned by the issue that builds `fsvideo tokenize`.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokenize", abstract: "Print the 77 CLIP token ids of a prompt.")

    func run() throws { throw FSError("'fsvideo tokenize' is not implemented yet") }
}
