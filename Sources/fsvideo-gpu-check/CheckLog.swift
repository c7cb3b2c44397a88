import Foundation

/// Lines to stdout and to DIR/log.txt.
final class CheckLog {
    var lines: [String] = []
    func callAsFunction(_ line: String) {
        print(line)
        fflush(stdout)
        lines.append(line)
    }
    func write(to dir: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/log.txt", atomically: true, encoding: .utf8)
    }
}
