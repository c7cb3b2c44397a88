import ArgumentParser
import Foundation
import FSCommandLine
import FSTensor

@main
struct FSVideoCLI {
    /// Exit codes: 0 success; 1 a check that ran and failed (`parity` FAIL, `inspect --manifest` mismatch);
    /// 2 bad input of any kind (flags, files, sizes, outputs) with one `fsvideo: error:` line; 128 + N when
    /// stopped by signal N (130 SIGINT, 143 SIGTERM) after removing the unfinished temporaries.
    static func main() {
        Interruption.install()
        CommandLineMain.run(Root.self)
    }
}

struct Root: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsvideo",
        abstract: "Higher-resolution text-to-video with FreeScale on a VideoCrafter2 3D UNet — natively, no Python.",
        discussion: """
        Start with `fsvideo generate "a red circle moving right on a black background"` (the built-in toy model),
        or pass --ckpt model.ckpt for VideoCrafter2. See README.md and docs/.
        """,
        version: FSVideoVersion.string,
        subcommands: [
            GenerateCommand.self, UpscaleCommand.self, EvalCommand.self, InspectCommand.self,
            ParityCommand.self, FramesCommand.self, SheetCommand.self, TokenizeCommand.self,
            ManifestCommand.self,
        ]
    )
}

enum FSVideoVersion {
    static let string = "0.1.0"
}
