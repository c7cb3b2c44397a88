import Foundation
import FSTensor

/// The command line as fsvideo reads it.
public enum CLIArguments {
    /// argv without the program name; an argument that is not valid UTF-8 is refused the same way by every
    /// command (Swift would otherwise silently replace the bad bytes and e.g. look for another file).
    public static func rawUTF8() throws -> [String] {
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
    public static func normalized(_ args: [String]) -> [String] {
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

    public static func looksNegativeNumber(_ s: String) -> Bool {
        guard s.hasPrefix("-"), s.count > 1 else { return false }
        let rest = s.dropFirst().lowercased()
        return rest.first.map { $0.isNumber || $0 == "." } == true || rest.hasPrefix("inf") || rest.hasPrefix("nan")
    }
}
