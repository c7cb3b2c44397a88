import Foundation

/// A one-line progress bar on stderr: `label [#####.....] n/total  it/s  ETA`. Redrawn in place on a
/// terminal; on a pipe/file only the finished line is printed. Silent with `quiet`.
final class ProgressBar {
    let label: String
    let total: Int
    let quiet: Bool
    let unit: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let tty = isatty(2) != 0
    private(set) var done = 0
    private var finished = false

    init(_ label: String, total: Int, unit: String = "it", quiet: Bool) {
        self.label = label; self.total = Swift.max(total, 1); self.unit = unit; self.quiet = quiet
        if tty && !quiet { draw(force: true) }
    }

    var elapsed: Double { Date().timeIntervalSince(start) }

    func update(_ n: Int) {
        done = Swift.min(n, total)
        if done >= total { finish(); return }
        draw(force: false)
    }

    func finish() {
        guard !finished else { return }
        finished = true
        done = total
        guard !quiet else { return }
        FileHandle.standardError.write(Data(((tty ? "\r" : "") + line() + "\n").utf8))
    }

    private func draw(force: Bool) {
        guard tty, !quiet, force || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = Date()
        FileHandle.standardError.write(Data(("\r" + line() + "\u{1B}[K").utf8))
    }

    private func line() -> String {
        let width = 24
        let filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let t = elapsed
        let rate = t > 0 ? Double(done) / t : 0
        var s = "\(label.padding(toLength: Swift.max(14, label.count), withPad: " ", startingAt: 0)) [\(bar)] \(done)/\(total)"
        if done > 0 {
            s += rate >= 1 ? String(format: "  %.2f %@/s", rate, unit) : String(format: "  %.2f s/%@", 1 / Swift.max(rate, 1e-9), unit)
        }
        if done < total, done > 0 {
            s += "  ETA " + Self.duration(Double(total - done) / Swift.max(rate, 1e-9))
        } else if done == total {
            s += "  " + Self.duration(t)
        }
        return s
    }

    static func duration(_ s: Double) -> String {
        if s < 60 { return String(format: "%.1fs", s) }
        let m = Int(s) / 60, r = Int(s) % 60
        return m < 60 ? String(format: "%dm%02ds", m, r) : String(format: "%dh%02dm", m / 60, m % 60)
    }
}
