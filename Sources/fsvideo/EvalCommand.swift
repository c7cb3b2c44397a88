import ArgumentParser
import FSTensor

// PLACEHOLDER — owned by the issue that builds `fsvideo eval`.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "Evaluate videos: FVD (I3D) and VBench dynamic degree (RAFT).")

    func run() throws { throw FSError("'fsvideo eval' is not implemented yet") }
}
