import Foundation

/// One `<program>: warning: …` line on stderr.
public enum CLIWarning {
    public static func print(_ message: String) {
        FileHandle.standardError.write(Data("\(CommandLineProgram.name): warning: \(message)\n".utf8))
    }
}
