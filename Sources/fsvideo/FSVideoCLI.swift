import ArgumentParser
import Foundation
import FSTensor

@main
struct FSVideoCLI {
    /// Exit codes: 0 success; 1 a check that ran and failed (`parity` FAIL, `inspect --manifest` mismatch);
    /// 2 bad input of any kind (flags, files, sizes, outputs) with one `fsvideo: error:` line; 128 + N when
    /// stopped by signal N (130 SIGINT, 143 SIGTERM) after removing the unfinished temporaries.
    static func main() {
        Interruption.install()
        do {
            let args = try CLIArguments.normalized(CLIArguments.rawUTF8())
            var command = try Root.parseAsRoot(args)
            try command.run()
        } catch let error as FSError {
            CLIError.fail(error.message)
        } catch let error as CleanExit {
            Root.exit(withError: error)
        } catch let error as ExitCode {
            Root.exit(withError: error)
        } catch {
            // Argument-parser errors (unknown option, missing value, bad number): the same one line and
            // exit 2 as every other bad input; `--help` shows the usage.
            let message = Root.message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
            let first = message.split(separator: "\n").first.map(String.init) ?? String(describing: error)
            CLIError.fail(first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first)
        }
    }
}

/// The command line as fsvideo reads it.
enum CLIArguments {
    /// argv without the program name; an argument that is not valid UTF-8 is refused the same way by every
    /// command (Swift would otherwise silently replace the bad bytes and e.g. look for another file).
    static func rawUTF8() throws -> [String] {
        var out: [String] = []
        for i in 1..<Int(CommandLine.argc) {
            guard let p = CommandLine.unsafeArgv[i] else { continue }
            guard let s = String(validatingCString: p) else {
                throw FSError("argument \(i) is not valid UTF-8 text (fsvideo takes UTF-8 prompts and paths)")
            }
            out.append(s)
        }
        return out
    }

    /// `--opt -1` → `--opt=-1`, so a negative number after an option is read as its value (and then refused
    /// with the option's own message) instead of as an unknown flag.
    static func normalized(_ args: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--" { out.append(contentsOf: args[i...]); break }
            if a.hasPrefix("--"), a.count > 2, !a.contains("="), i + 1 < args.count, looksNegativeNumber(args[i + 1]) {
                out.append(a + "=" + args[i + 1]); i += 2; continue
            }
            out.append(a); i += 1
        }
        return out
    }

    static func looksNegativeNumber(_ s: String) -> Bool {
        guard s.hasPrefix("-"), s.count > 1 else { return false }
        let rest = s.dropFirst().lowercased()
        return rest.first.map { $0.isNumber || $0 == "." } == true || rest.hasPrefix("inf") || rest.hasPrefix("nan")
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
            ManifestCommand.self,
        ]
    )
}

enum FSVideoVersion {
    static let string = "0.1.0"
}

enum CLIError {
    /// Prints one line `fsvideo: error: …` to stderr and exits 2.
    static func fail(_ message: String) -> Never {
        let line = shortened(message.split(separator: "\n", omittingEmptySubsequences: true).joined(separator: " "))
        FileHandle.standardError.write(Data("fsvideo: error: \(line)\n".utf8))
        exit(2)
    }

    /// A value echoed in a message is cut to its first characters when very long (a 100,000-digit number
    /// given as a flag stays one readable line).
    static func shortened(_ line: String, maxToken: Int = 80) -> String {
        guard line.count > 300 else { return line }
        var out = ""
        var token = ""
        func flush() {
            out += token.count > maxToken ? String(token.prefix(maxToken / 2)) + "…(\(token.count) characters)" : token
            token = ""
        }
        for ch in line {
            if ch == " " || ch == "'" || ch == "\"" || ch == "," {
                flush(); out.append(ch)
            } else { token.append(ch) }
        }
        flush()
        return out
    }
}
