import ArgumentParser

/// `fsvideo bench freescale-toy`: the one benchmark still in the CLI, because it takes `generate`'s
/// FreeScale plan flags (`FreeScaleOptions`, a CLI type); every other benchmark is `fsvideo-bench`.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "The FreeScale toy benchmark (build with -c release); the other benchmarks are `fsvideo-bench`.",
        subcommands: [BenchFreeScaleToyCommand.self]
    )
}
