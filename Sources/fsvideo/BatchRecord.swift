import Foundation
import FSTensor

/// `batch.json` in a batch folder: the request every shard of the batch shares — its digest, the base seed
/// (so `--seed -1` is drawn once and reused by every shard and every resume), the command line and the full
/// item list (name, seed, prompt) that `fsvideo manifest` checks the shard manifests against. Created once,
/// exclusively, by whichever process gets there first.
struct BatchRecord: Codable {
    static let fileName = "batch.json"

    struct Item: Codable, Equatable {
        var item: Int
        var name: String
        var promptIndex: Int
        var sample: Int
        var seed: UInt64
        var prompt: String
        var output: String
        enum CodingKeys: String, CodingKey { case item, name, promptIndex = "prompt_index", sample, seed, prompt, output }
    }

    var tool = "fsvideo"
    /// Digest of everything that changes the videos except the base seed.
    var request: String
    var baseSeed: UInt64
    var seedWasRandom: Bool
    var samples: Int
    var layout: String
    var prompts: Int
    /// The `generate` arguments without the shard flags (nil when not run from the command line).
    var command: [String]?
    var created: String
    var items: [Item]

    enum CodingKeys: String, CodingKey {
        case tool, request, baseSeed = "base_seed", seedWasRandom = "seed_was_random", samples, layout, prompts, command, created, items
    }

    static func path(in batch: String) -> String { (batch as NSString).appendingPathComponent(fileName) }

    static func read(in batch: String) -> BatchRecord? {
        guard let data = FileManager.default.contents(atPath: path(in: batch)) else { return nil }
        return try? JSONDecoder().decode(BatchRecord.self, from: data)
    }

    /// Writes the record unless one exists; returns the record now in force.
    func publish(in batch: String) throws -> BatchRecord {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if try AtomicFile.create(try enc.encode(self), at: Self.path(in: batch)) { return self }
        return Self.read(in: batch) ?? self
    }

    /// This process's arguments without `--shard`/`--shard-count` (the command that finishes a batch), or nil
    /// when fsvideo was not started as `fsvideo generate …`.
    static func commandLine(_ argv: [String] = Array(CommandLine.arguments.dropFirst())) -> [String]? {
        guard argv.first == "generate" || argv.first == "upscale" else { return nil }
        var out: [String] = []
        var skip = false
        for a in argv {
            if skip { skip = false; continue }
            if a == "--shard" || a == "--shard-count" { skip = true; continue }
            if a.hasPrefix("--shard=") || a.hasPrefix("--shard-count=") { continue }
            out.append(a)
        }
        return out
    }
}

/// Is an item's output there and complete — not just present: its run record names this item and seed, and
/// the video's size and SHA-256 match what the record says was written.
enum ItemVerification {
    static func isComplete(_ item: BatchItem, in batch: String, layout: BatchLayout) -> Bool {
        let fm = FileManager.default
        let record = (batch as NSString).appendingPathComponent(layout.recordPath(item.name))
        let video = (batch as NSString).appendingPathComponent(layout.videoPath(item.name))
        if layout == .folders && OwnedDirectory.marker(in: (batch as NSString).appendingPathComponent(item.name)) == nil { return false }
        guard let data = fm.contents(atPath: record),
              let run = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let b = run["batch_item"] as? [String: Any],
              (b["seed"] as? NSNumber).map({ UInt64($0.stringValue) == item.seed }) == true,
              b["name"] as? String == item.name,
              (run["settings"] as? [String: Any])?["prompt"] as? String == item.entry.prompt,
              let bytes = (b["video_bytes"] as? NSNumber)?.intValue, let digest = b["video_sha256"] as? String,
              let size = (try? fm.attributesOfItem(atPath: video))?[.size] as? Int, size == bytes, size > 0
        else { return false }
        return SHA256.file(video) == digest
    }

    /// Adds the "batch_item" block (item, seed, video size and SHA-256) to a run record.
    static func stamp(record path: String, video: String, item: BatchItem, shard: ShardSpec, layout: BatchLayout) throws {
        guard let data = FileManager.default.contents(atPath: path),
              var run = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw FSError("\(path): cannot read the run record just written")
        }
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: video))?[.size] as? Int) ?? 0
        run["batch_item"] = [
            "item": item.index, "prompt_index": item.promptIndex, "sample": item.sample, "name": item.name,
            "seed": item.seed, "shard": shard.description, "layout": layout.rawValue,
            "video": layout.videoPath(item.name), "video_bytes": bytes, "video_sha256": SHA256.file(video) ?? "",
        ] as [String: Any]
        let out = try JSONSerialization.data(withJSONObject: run, options: [.prettyPrinted, .sortedKeys])
        do { try out.write(to: URL(fileURLWithPath: path)) } catch {
            throw FSError("\(path): cannot write (\(OutputDirectory.reason(error)))")
        }
    }
}
