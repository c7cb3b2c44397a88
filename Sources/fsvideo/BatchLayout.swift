import Foundation
import FSTensor

/// How a batch's videos are laid out in its output folder.
/// - `folders`: one directory per video, `NNN-<slug>/` (with `-K` for sample K when there are several), holding
///   video.mp4, contact_sheet.png and run.json — each directory published atomically.
/// - `vbench`: flat `{prompt}-{index}.mp4` exactly as VBench names them (the prompt, stripped, cut to its first
///   180 characters, `/` replaced by `_`; or the item's "name"), plus one run record per video in `records/`.
enum BatchLayout: String, CaseIterable {
    case folders
    case vbench

    /// The item's name (a directory for `folders`, the file stem for `vbench`).
    func name(entry: PromptEntry, promptIndex: Int, sample: Int, samples: Int) -> String {
        switch self {
        case .folders:
            let base = entry.name ?? (String(format: "%03d-", promptIndex + 1) + OutputDirectory.slug(entry.prompt, maxLength: 32))
            return samples > 1 ? "\(base)-\(sample)" : base
        case .vbench:
            return "\(entry.name ?? Self.vbenchPrompt(entry.prompt))-\(sample)"
        }
    }

    /// VBench's file name for a prompt: `prompt.strip()[:180]` (Unicode scalars, as Python slices), with the
    /// only character a file name cannot hold, `/`, replaced by `_`.
    static func vbenchPrompt(_ prompt: String) -> String {
        let stripped = prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        var s = String(String.UnicodeScalarView(stripped.unicodeScalars.prefix(180)))
        s = s.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "\0", with: "")
        return s.isEmpty ? "video" : s
    }

    /// Where the item's video ends up, relative to the batch folder.
    func videoPath(_ name: String) -> String { self == .folders ? "\(name)/video.mp4" : "\(name).mp4" }
    /// Where the item's run record ends up, relative to the batch folder.
    func recordPath(_ name: String) -> String { self == .folders ? "\(name)/run.json" : "records/\(name).json" }
}

/// One video of a batch: prompt `promptIndex` (of the whole list), sample `sample`, global index `index`
/// (= promptIndex × samples + sample), with its derived seed.
struct BatchItem: Equatable {
    var index: Int
    var promptIndex: Int
    var sample: Int
    var entry: PromptEntry
    var seed: UInt64
    var name: String
}

enum BatchItems {
    /// Every item of the batch, in global order. A prompt's own "seed" replaces the base seed for its samples
    /// (sample 0 gets exactly that seed).
    static func make(_ entries: [PromptEntry], samples: Int, baseSeed: UInt64, layout: BatchLayout) throws -> [BatchItem] {
        var items: [BatchItem] = []
        items.reserveCapacity(entries.count * samples)
        var seen: [String: Int] = [:]
        for (p, e) in entries.enumerated() {
            for k in 0..<samples {
                let seed = e.seed.map { ItemSeed.derive(base: $0, prompt: 0, sample: k) } ?? ItemSeed.derive(base: baseSeed, prompt: p, sample: k)
                let name = layout.name(entry: e, promptIndex: p, sample: k, samples: samples)
                if layout == .folders && BatchDirectory.ownFiles.contains(name) {
                    throw FSError("prompt \(p + 1): the name '\(name)' is reserved in a batch folder; choose another \"name\"")
                }
                if let other = seen[name] {
                    throw FSError("prompts \(other + 1) and \(p + 1) give the same output name '\(name)' (\(layout.rawValue) layout); "
                                  + "remove the duplicate or give each a \"name\" in a JSON-lines prompt file")
                }
                seen[name] = p
                items.append(BatchItem(index: items.count, promptIndex: p, sample: k, entry: e, seed: seed, name: name))
            }
        }
        return items
    }
}
