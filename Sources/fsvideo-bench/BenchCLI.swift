import ArgumentParser
import Foundation
import FSCommandLine

/// `fsvideo-bench <what>`: release-build benchmarks that print their own baseline (raw sgemm) from the same
/// run (`swift run -c release fsvideo-bench ops`). Bad input: one `fsvideo-bench: error:` line, exit 2.
@main
struct BenchCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsvideo-bench",
        abstract: "fsvideo benchmarks (build with -c release). Each prints its baseline from the same run.",
        subcommands: [BenchOpsCommand.self, BenchFreeScaleCommand.self, BenchFreeScaleToyCommand.self, BenchUpscaleToyCommand.self, BenchEvalCommand.self,
                      BenchUNetCommand.self, BenchVideoCommand.self, BenchTextCommand.self, BenchVAECommand.self,
                      BenchPrecisionToyCommand.self]
    )

    static func main() {
        CommandLineProgram.name = "fsvideo-bench"
        CommandLineMain.run(Self.self)
    }
}
