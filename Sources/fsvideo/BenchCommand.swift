import ArgumentParser

/// `fsvideo bench <what>`: release-build benchmarks that print their own baseline (raw sgemm) from the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (build with -c release). Each prints its baseline from the same run.",
        subcommands: [BenchOpsCommand.self, BenchFreeScaleCommand.self, BenchFreeScaleToyCommand.self, BenchUpscaleToyCommand.self, BenchEvalCommand.self,
                      BenchUNetCommand.self, BenchVideoCommand.self, BenchTextCommand.self, BenchVAECommand.self,
                      BenchPrecisionToyCommand.self]
    )
}
