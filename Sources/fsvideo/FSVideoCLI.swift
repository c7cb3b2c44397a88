import ArgumentParser
import Foundation
import FSTensor

@main
struct FSVideoCLI {
    static func main() {
        do {
            var command = try Root.parseAsRoot()
            try command.run()
        } catch let error as FSError {
            CLIError.fail(error.message)
        } catch let error as CleanExit {
            Root.exit(withError: error)
        } catch let error as ExitCode {
            Root.exit(withError: error)
        } catch let error where error is ValidationError || String(describing: type(of: error)).contains("ParserError")
                    || String(describing: type(of: error)).contains("CommandError") {
            Root.exit(withError: error)
        } catch {
            CLIError.fail(String(describing: error))
        }
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
            ParityCommand.self, BenchCommand.self, FramesCommand.self, SheetCommand.self, TokenizeCommand.self,
        ]
    )
}

enum FSVideoVersion {
    static let string = "0.1.0"
}

enum CLIError {
    /// Prints one line `fsvideo: error: …` to stderr and exits 2.
    static func fail(_ message: String) -> Never {
        let line = message.split(separator: "\n", omittingEmptySubsequences: true).joined(separator: " ")
        FileHandle.standardError.write(Data("fsvideo: error: \(line)\n".utf8))
        exit(2)
    }
}
