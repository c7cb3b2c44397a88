import Foundation

/// Process memory figures from /proc/self/status (Linux). Values are bytes; nil where unavailable.
public enum MemoryStats {
    /// Peak resident set size so far (VmHWM).
    public static func peakRSSBytes() -> Int? { statusField("VmHWM:") }
    /// Current resident set size (VmRSS).
    public static func currentRSSBytes() -> Int? { statusField("VmRSS:") }

    /// Resets the peak (VmHWM) to the current RSS by writing "5" to /proc/self/clear_refs.
    /// Returns false when the kernel does not allow it (the peak then keeps counting from process start).
    @discardableResult
    public static func resetPeakRSS() -> Bool {
        guard let fh = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? fh.close() }
        do { try fh.write(contentsOf: Data("5".utf8)); return true } catch { return false }
    }

    /// "1.23 GB"-style rendering for reports.
    public static func format(bytes: Int?) -> String {
        guard let b = bytes else { return "n/a" }
        let d = Double(b)
        if b >= 1 << 30 { return String(format: "%.2f GB", d / Double(1 << 30)) }
        return String(format: "%.1f MB", d / Double(1 << 20))
    }

    private static func statusField(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let parts = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let v = parts.first.flatMap({ Int($0) }) else { return nil }
            let unit = parts.count > 1 ? parts[1].lowercased() : "kb"
            return unit == "kb" ? v * 1024 : v
        }
        return nil
    }
}
