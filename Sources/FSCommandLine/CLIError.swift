import Foundation

/// The one error line and exit 2 of every bad input.
public enum CLIError {
    /// Prints one line `<program>: error: …` to stderr and exits 2.
    public static func fail(_ message: String) -> Never {
        let line = shortened(message.split(separator: "\n", omittingEmptySubsequences: true).joined(separator: " "))
        FileHandle.standardError.write(Data("\(CommandLineProgram.name): error: \(line)\n".utf8))
        exit(2)
    }

    /// A value echoed in a message is cut to its first characters when very long (a 100,000-digit number
    /// given as a flag stays one readable line).
    public static func shortened(_ line: String, maxToken: Int = 80) -> String {
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
