import ArgumentParser
import FSTensor

// PLACEHOLDER — owned by the FSTensor work.
struct BenchOpsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ops", abstract: "GEMM, conv2d, GroupNorm, attention vs raw sgemm.")
    func run() throws { throw FSError("'fsvideo bench ops' is not implemented yet") }
}
