import Foundation
@testable import fsvideo
import FSTensor
import FSVideo
import XCTest

/// Batches end to end on the built-in toy model (2 frames, 2 steps: wiring, not quality): samples, shards,
/// the VBench layout, manifests and verified resume.
final class BatchRunTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "fsvideo-batch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: root) }

    private func generate(_ args: [String]) throws {
        var cmd = try GenerateCommand.parse(args)
        try cmd.run()
    }

    private func videos(_ dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for n in try FileManager.default.contentsOfDirectory(atPath: dir) where n.hasSuffix(".mp4") {
            out[n] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + n))
        }
        return out
    }

    /// Two shards into one folder make the same bytes as one process; the merged manifest reports the missing
    /// shard before it runs; a deleted or damaged video is made again on a re-run, nothing else.
    func testShardedVBenchBatchMatchesOneProcessAndResumes() throws {
        let prompts = root + "/prompts.txt"
        try Data("a red circle moving right\na blue square moving left\n".utf8).write(to: URL(fileURLWithPath: prompts))
        let common = ["--prompt-file", prompts, "--samples", "2", "--layout", "vbench", "--frames", "2", "--steps", "2", "--seed", "11", "--quiet"]
        let sharded = root + "/sharded", single = root + "/single"
        try generate(common + ["--out", sharded, "--shard", "0/2"])
        let partial = try ManifestCommand.merge(sharded, verify: true)
        XCTAssertEqual(partial.done.map(\.item), [0, 2])
        XCTAssertEqual(partial.missing.map(\.name), ["a red circle moving right-1", "a blue square moving left-1"])
        XCTAssertTrue(partial.report(limit: 20, batch: sharded).contains("2 done, 0 failed, 2 missing"))
        try generate(common + ["--out", sharded, "--shard", "1/2"])
        let merged = try ManifestCommand.merge(sharded, verify: true)
        XCTAssertTrue(merged.isComplete, merged.report(limit: 20, batch: sharded))
        XCTAssertEqual(merged.entries.map(\.seed), [11, ItemSeed.derive(base: 11, prompt: 0, sample: 1),
                                                    ItemSeed.derive(base: 11, prompt: 1, sample: 0), ItemSeed.derive(base: 11, prompt: 1, sample: 1)])
        var manifestCommand = try ManifestCommand.parse([sharded])
        try manifestCommand.run()
        XCTAssertEqual(try String(contentsOfFile: sharded + "/manifest.jsonl", encoding: .utf8).split(separator: "\n").count, 4)

        try generate(common + ["--out", single, "--shard", "none"])
        let a = try videos(sharded), b = try videos(single)
        XCTAssertEqual(Set(a.keys), ["a red circle moving right-0.mp4", "a red circle moving right-1.mp4",
                                     "a blue square moving left-0.mp4", "a blue square moving left-1.mp4"])
        XCTAssertEqual(a, b, "a sharded batch must equal the same batch in one process")
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: single + "/records")),
                       Set(a.keys.map { $0.replacingOccurrences(of: ".mp4", with: ".json") }))
        let rec = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: single + "/records/a blue square moving left-1.json"))) as! [String: Any]
        XCTAssertEqual((rec["settings"] as! [String: Any])["seed"] as? UInt64, ItemSeed.derive(base: 11, prompt: 1, sample: 1))

        // Resume: one video deleted, one damaged (same name, other bytes): exactly those two are made again.
        try FileManager.default.removeItem(atPath: sharded + "/a blue square moving left-1.mp4")
        let fh = try FileHandle(forWritingTo: URL(fileURLWithPath: sharded + "/a red circle moving right-0.mp4"))
        fh.seekToEndOfFile(); fh.write(Data([0])); try fh.close()
        let untouched = try FileManager.default.attributesOfItem(atPath: sharded + "/a red circle moving right-1.mp4")[.modificationDate] as? Date
        XCTAssertFalse(try ManifestCommand.merge(sharded, verify: true).isComplete)
        try generate(common + ["--out", sharded, "--shard", "none"])
        XCTAssertEqual(try videos(sharded), b)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: sharded + "/a red circle moving right-1.mp4")[.modificationDate] as? Date, untouched)
        let log = try ShardManifest.read(sharded + "/manifests/shard-0-of-1.jsonl")
        XCTAssertEqual(log.filter { $0.status == "done" }.map(\.item).sorted(), [0, 3])
        XCTAssertEqual(log.filter { $0.status == "skipped" }.map(\.item).sorted(), [1, 2])
        XCTAssertTrue(try ManifestCommand.merge(sharded, verify: true).isComplete)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sharded).filter { $0.contains(".tmp-") || $0.hasSuffix(".lock") }, [])

        // Outputs the flat layout would drop are refused up front.
        XCTAssertThrowsError(try generate(common + ["--out", root + "/x", "--dump-frames"]))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/x"))
        // A different request on the same folder is refused.
        XCTAssertThrowsError(try generate(common.map { $0 == "11" ? "12" : $0 } + ["--out", sharded, "--shard", "none"]))
    }

    /// The folder layout with samples, a JSON-lines prompt list read from a file, and `--seed -1` recorded.
    func testFolderLayoutWithSamplesAndRandomSeed() throws {
        let prompts = root + "/prompts.jsonl"
        try Data(#"{"prompt": "a green triangle", "name": "tri", "seed": 5}"#.utf8 + Data("\n".utf8)).write(to: URL(fileURLWithPath: prompts))
        let out = root + "/folders"
        try generate(["--prompt-file", prompts, "--samples", "2", "--frames", "2", "--steps", "2", "--seed=-1", "--out", out, "--quiet", "--shard", "none"])
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") })
        XCTAssertEqual(names, ["tri-0", "tri-1", "batch.json", "manifests"])
        let record = try XCTUnwrap(BatchRecord.read(in: out))
        XCTAssertTrue(record.seedWasRandom)
        XCTAssertEqual(record.items.map(\.seed), [5, ItemSeed.derive(base: 5, prompt: 0, sample: 1)])   // the item's own seed wins
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/tri-1/run.json"))) as! [String: Any]
        XCTAssertEqual((run["batch_item"] as! [String: Any])["seed"] as? UInt64, ItemSeed.derive(base: 5, prompt: 0, sample: 1))
        // Re-running with --seed -1 resumes with the recorded base seed: nothing new.
        let before = CLIProcess.snapshot(out + "/tri-0")
        try generate(["--prompt-file", prompts, "--samples", "2", "--frames", "2", "--steps", "2", "--seed=-1", "--out", out, "--quiet", "--shard", "none"])
        XCTAssertEqual(CLIProcess.snapshot(out + "/tri-0"), before)
    }
}

/// `--batch-size`: a group sampled together gives the same videos (within float tolerance) as one at a time.
final class BatchSizeTests: XCTestCase {
    func testBatchSizeThreeMatchesOneAtATime() throws {
        let root = NSTemporaryDirectory() + "fsvideo-bs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let prompts = root + "/p.txt"
        try Data("a red circle moving right\na blue square moving left\n".utf8).write(to: URL(fileURLWithPath: prompts))
        for (bs, out) in [("1", "/one"), ("3", "/three")] {
            var cmd = try GenerateCommand.parse(["--prompt-file", prompts, "--samples", "2", "--frames", "2", "--steps", "4",
                                                 "--batch-size", bs, "--out", root + out, "--quiet", "--shard", "none"])
            try cmd.run()
        }
        var maxDiff = 0
        for name in ["001-a-red-circle-moving-right-0", "001-a-red-circle-moving-right-1", "002-a-blue-square-moving-left-0", "002-a-blue-square-moving-left-1"] {
            let a = try VideoReader.read(root + "/one/\(name)/video.mp4"), b = try VideoReader.read(root + "/three/\(name)/video.mp4")
            XCTAssertEqual(a.shape, b.shape)
            maxDiff = max(maxDiff, zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0)
        }
        XCTAssertLessThanOrEqual(maxDiff, 3, "8-bit frames of batch-3 vs batch-1 videos")
        XCTAssertThrowsError(try GenerateCommand.parse(["x", "--batch-size", "0"]).checkFlags())
        XCTAssertThrowsError(try GenerateCommand.parse(["x", "--batch-size", "65"]).checkFlags())
        XCTAssertEqual(try GenerateCommand.parse(["x", "--batch-size", "auto"]).batchOptions.batchSize, .auto)
        // auto: as many as the memory estimate allows, at most 4 (the toy model's items are a few MB each).
        let dry = try CLIProcess.run(["generate", "--prompt-file", prompts, "--samples", "3", "--batch-size", "auto", "--dry-run", "--shard", "none"])
        XCTAssertTrue(dry.out.contains("batch size 4"), dry.out + dry.err)
        let tight = try CLIProcess.run(["generate", "--prompt-file", prompts, "--samples", "3", "--batch-size", "auto", "--dry-run",
                                        "--shard", "none", "--max-memory", "1M"])
        XCTAssertTrue(tight.out.contains("batch size 1"), tight.out + tight.err)
    }
}

/// `--prompt-file -` reads the list from standard input (JSON lines here), as a user pipes it.
final class PromptFileStdinTests: XCTestCase {
    func testPromptListFromStandardInput() throws {
        let root = NSTemporaryDirectory() + "fsvideo-stdin-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try CLIProcess.binary())
        p.arguments = ["generate", "--prompt-file", "-", "--frames", "2", "--steps", "2", "--out", root + "/b", "--quiet", "--shard", "none"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = output
        try p.run()
        input.fileHandleForWriting.write(Data(#"{"prompt": "a red circle moving right", "name": "circle"}"#.utf8 + Data("\n".utf8)))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, text)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/b/circle/video.mp4"), text)
    }
}
