import ArgumentParser
import Foundation
import FSTensor

/// The running program's name, for its `<name>: error:` and `<name>: warning:` lines.
public enum CommandLineProgram {
    nonisolated(unsafe) public static var name = "fsvideo"
}

/// Parses and runs a root command the way `fsvideo` and `fsvideo-bench` do. Exit codes: 0 success; a
/// command's own `ExitCode`; 2 bad input of any kind (flags, files, sizes) with one `<program>: error:` line.
public enum CommandLineMain {
    public static func run<Root: ParsableCommand>(_ root: Root.Type) {
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
        } catch where Root.exitCode(for: error) == .success {
            // --help, -h, --version: the parser's text on stdout, exit 0.
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
