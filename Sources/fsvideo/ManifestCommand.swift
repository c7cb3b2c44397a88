import ArgumentParser
import Foundation
import FSTensor
import FSCommandLine

/// `fsvideo manifest DIR`: merges the shard manifests of a batch folder into DIR/manifest.jsonl (one line per
/// item: its latest outcome, or "missing"), checks the published videos, reports what is missing or failed,
/// and prints the command that finishes the batch. Exit 0 when every item is complete, 1 otherwise.
struct ManifestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifest",
        abstract: "Merge a batch's shard manifests, report missing/failed items, print the command that finishes them.")

    @Argument(help: "The batch folder (the --out of `generate --prompt-file/--samples`).")
    var batch: String
    @Flag(name: .customLong("no-verify"), help: "Trust the manifests; do not re-check each video's size and SHA-256.")
    var noVerify = false
    @Option(name: .customLong("list-limit"), help: "How many missing/failed items to name (default 20).")
    var listLimit: Int = 20

    func run() throws {
        try FlagCheck.int(listLimit, "--list-limit", 0...1_000_000)
        let merged = try Self.merge(batch, verify: !noVerify)
        let path = (batch as NSString).appendingPathComponent("manifest.jsonl")
        try AtomicFile.write(merged.jsonLines(), to: path)
        print(merged.report(limit: listLimit, batch: batch))
        print("merged manifest: \(path)")
        if !merged.isComplete { throw ExitCode(1) }
    }

    struct Merged {
        var record: BatchRecord
        var entries: [ManifestEntry]
        var shardFiles: Int

        var done: [ManifestEntry] { entries.filter(\.isComplete) }
        var failed: [ManifestEntry] { entries.filter { $0.status == "failed" } }
        var missing: [ManifestEntry] { entries.filter { $0.status == "missing" } }
        var isComplete: Bool { done.count == entries.count }

        func jsonLines() throws -> Data {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var d = Data()
            for e in entries { d.append(try enc.encode(e)); d.append(0x0A) }
            return d
        }

        func report(limit: Int, batch: String) -> String {
            var lines = ["\(entries.count) items (\(record.prompts) prompts × \(record.samples) samples, base seed \(record.baseSeed), "
                         + "\(shardFiles) shard manifest\(shardFiles == 1 ? "" : "s")): \(done.count) done, \(failed.count) failed, \(missing.count) missing"]
            for (label, list) in [("failed", failed), ("missing", missing)] where !list.isEmpty {
                for e in list.prefix(limit) { lines.append("  \(label): item \(e.item) \(e.name) (seed \(e.seed))\(e.error.map { ": " + $0 } ?? "")") }
                if list.count > limit { lines.append("  … and \(list.count - limit) more \(label)") }
            }
            if !isComplete {
                if let cmd = record.command {
                    lines.append("finish with (one process; or resubmit the same shards — finished items are skipped):")
                    lines.append("  fsvideo " + (cmd + ["--shard", "none"]).map(Self.shellQuoted).joined(separator: " "))
                } else {
                    lines.append("finish by re-running the batch's generate command with the same flags and --out \(batch)")
                }
            }
            return lines.joined(separator: "\n")
        }

        static func shellQuoted(_ s: String) -> String {
            if !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0)) }) { return s }
            return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
    }

    /// The latest outcome of every item of the batch; with `verify`, an item counts as done only when its
    /// published video checks out (a manifest can be older than a deleted or damaged file).
    static func merge(_ batch: String, verify: Bool) throws -> Merged {
        guard let record = BatchRecord.read(in: batch) else {
            throw FSError("\(batch): no \(BatchRecord.fileName) (not a batch folder of fsvideo generate)")
        }
        guard let layout = BatchLayout(rawValue: record.layout) else { throw FSError("\(batch): unknown layout '\(record.layout)' in \(BatchRecord.fileName)") }
        let files = ShardManifest.all(in: batch)
        var latest: [Int: ManifestEntry] = [:]
        for f in files {
            for e in try ShardManifest.read(f) {
                // A complete outcome wins over a failure; among equals, the later one.
                if let old = latest[e.item], old.isComplete && !e.isComplete { continue }
                if let old = latest[e.item], old.isComplete == e.isComplete, old.finished > e.finished { continue }
                latest[e.item] = e
            }
        }
        var out: [ManifestEntry] = []
        for it in record.items {
            let item = BatchItem(index: it.item, promptIndex: it.promptIndex, sample: it.sample, entry: PromptEntry(prompt: it.prompt),
                                 seed: it.seed, name: it.name)
            var e = latest[it.item] ?? ManifestEntry(item: it.item, promptIndex: it.promptIndex, sample: it.sample, name: it.name,
                                                     prompt: it.prompt, seed: it.seed, status: "missing", seconds: 0, output: it.output,
                                                     error: nil, shard: "", host: "", finished: "")
            if e.isComplete && verify && !ItemVerification.isComplete(item, in: batch, layout: layout) {
                e.status = "missing"
                e.error = "the manifest says done but the published video is absent or does not match its record"
            }
            if e.seed != it.seed { e.status = "failed"; e.error = "seed \(e.seed) in the manifest, \(it.seed) expected" }
            out.append(e)
        }
        return Merged(record: record, entries: out, shardFiles: files.count)
    }
}
