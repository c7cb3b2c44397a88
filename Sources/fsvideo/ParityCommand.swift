import ArgumentParser
import Foundation
import FSCheckpoint
import FSParity
import FSTensor

/// `fsvideo parity FIXTURE`: runs the module named by the fixture's `kind` on its weights and inputs and
/// compares every output (and debug intermediate) with the reference. Exit 0 only if all pass.
struct ParityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parity",
        abstract: "Check fsvideo against a reference fixture (.safetensors with a `kind`, or tokenizer CASES.json).")

    @Argument(help: "Fixture file: a .safetensors reference fixture, or a JSON array of {text, tokens}.")
    var fixture: String

    @Option(help: ArgumentHelp("Model weights for a `pipeline` fixture: a safetensors file, or a folder holding the file the fixture names.",
                               discussion: "Default: beside the fixture, ../../models/toy_shapes/ relative to it, or the built-in model's folder."))
    var model: String?

    @Flag(help: "Only print failing lines and the verdict.")
    var quiet = false

    func run() throws {
        let report: ParityReport
        do {
            report = try ParityRegistry.run(path: fixture, pipelineWeights: { [model] in
                try ParityModelLookup.weights(for: $0, model: model)
            })
        } catch let unknown as ParityRegistry.UnknownKind {
            FileHandle.standardError.write(Data("fsvideo: error: \(unknown)\n".utf8))
            throw ExitCode(2)
        }
        if quiet {
            let fails = report.lines.filter { !$0.passed }
            print(report.title)
            for l in fails { print("  FAIL  \(l.name)  max|Δ| \(l.maxAbs)  \(l.note)") }
            print(report.passed ? "PASS (\(report.lines.count) tensors)" : "FAIL")
        } else {
            print(report, terminator: "")
        }
        if !report.passed { throw ExitCode(1) }
    }
}
