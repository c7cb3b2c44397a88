import Foundation
import FreeScale
import FSModels
import FSPipeline
import FSTensor

/// Range checks of numeric flags, made before any file is read or model loaded. The limits are far beyond
/// anything useful and small enough that every product of them (frames × height × width × channels)
/// fits in an Int, so nothing downstream can overflow.
enum FlagCheck {
    static let maxFrames = 1024
    static let maxSide = 16384
    static let maxSteps = 1000

    static func int(_ value: Int?, _ flag: String, _ range: ClosedRange<Int>) throws {
        guard let value else { return }
        guard range.contains(value) else {
            throw FSError("\(flag) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
    }

    /// Also refuses NaN and ±infinity.
    static func double(_ value: Double?, _ flag: String, _ range: ClosedRange<Double>, openLower: Bool = false) throws {
        guard let value else { return }
        guard value.isFinite, range.contains(value), !(openLower && value == range.lowerBound) else {
            throw FSError("\(flag) must be a number in \(openLower ? "(" : "[")\(Self.format(range.lowerBound)), \(Self.format(range.upperBound))], got \(value)")
        }
    }

    /// Each side of the frame sizes within 1...maxSide.
    static func size(_ sizes: [FrameSize], _ flag: String) throws {
        for size in sizes where size.height > maxSide || size.width > maxSide {
            throw FSError("\(flag) \(size): a side of \(Swift.max(size.height, size.width)) pixels is beyond the limit of \(maxSide)")
        }
    }

    private static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}

/// Prompt warnings shared by every command that takes a prompt.
enum PromptCheck {
    static func warn(_ prompt: String, what: String = "prompt") {
        if prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            CLIWarning.print("empty \(what): the unconditional model decides the content")
            return
        }
        guard let tokenizer = try? CLIPTokenizer.sharedOrThrow() else { return }
        warnTruncation(tokens: tokenizer.fullTokens(prompt).count, what: what)
    }

    /// The warning for a text longer than the text tower's context (`tokenize` prints it too).
    static func warnTruncation(tokens n: Int, what: String = "prompt") {
        if n > CLIPTokenizer.contextLength {
            CLIWarning.print("\(what) has \(n) tokens; truncated to \(CLIPTokenizer.contextLength) (end token kept)")
        }
    }
}

enum CLIWarning {
    static func print(_ message: String) {
        FileHandle.standardError.write(Data("fsvideo: warning: \(message)\n".utf8))
    }
}

/// The memory a run may use: `--max-memory`, else what the machine has available now.
enum MemoryBudget {
    /// "16G", "16000M", "1.5T", "2048" (MiB when no suffix is given is ambiguous: plain numbers are bytes).
    static func parse(_ text: String) throws -> Double {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Double)] = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3),
                                         ("T", 1024 * 1024 * 1024 * 1024), ("G", 1024 * 1024 * 1024), ("M", 1024 * 1024), ("K", 1024), ("B", 1)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            if let v = Double(t.dropLast(suffix.count)), v.isFinite, v > 0 { return v * scale }
            break
        }
        if let v = Double(t), v.isFinite, v > 0 { return v }
        throw FSError("--max-memory '\(text)': expected a size such as 16G, 12000M or 8GB")
    }

    /// MemAvailable from /proc/meminfo (Linux), else the physical memory.
    static func available() -> Double {
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
                let parts = line.split(separator: " ")
                if parts.count >= 2, let kb = Double(parts[1]) { return kb * 1024 }
            }
        }
        return Double(ProcessInfo.processInfo.physicalMemory)
    }

    static func format(_ bytes: Double) -> String {
        bytes >= 1e15 ? String(format: "%.3g PB", bytes / 1e15)
            : bytes >= 1e9 ? String(format: "%.1f GB", bytes / 1e9) : String(format: "%.0f MB", bytes / 1e6)
    }
}

/// The estimate lines of `--dry-run` and the refusal of a plan that does not fit, for `generate` and `upscale`.
enum CostReport {
    static func lines(_ cost: PlanCost, budget: Double, limitGiven: Bool) -> [String] {
        [String(format: "estimate: %.3g TFLOP in the UNet per video (both guidance branches)", cost.flops / 1e12),
         "estimate: peak memory ≈ \(MemoryBudget.format(cost.peakBytes)) (weights \(MemoryBudget.format(cost.weightBytes)), "
            + "UNet activations \(MemoryBudget.format(cost.activationBytes)), VAE decode \(MemoryBudget.format(cost.decodeBytes))); "
            + "\(limitGiven ? "--max-memory" : "available") \(MemoryBudget.format(budget))"
            + (cost.peakBytes > budget ? " — this run would be refused" : "")]
    }

    static func refuseIfTooLarge(_ cost: PlanCost, budget: Double, limitGiven: Bool, what: String) throws {
        guard cost.peakBytes > budget else { return }
        throw FSError("estimated peak memory \(MemoryBudget.format(cost.peakBytes)) for \(what) exceeds "
                      + (limitGiven ? "--max-memory \(MemoryBudget.format(budget))" : "the \(MemoryBudget.format(budget)) available")
                      + " (see --dry-run; lower --res or --frames\(limitGiven ? "" : ", or set --max-memory"))")
    }
}
