import Foundation
@testable import fsvideo
import XCTest

/// A real Slurm job array (Tools/cluster/slurm-test.sh): a one-node cluster on localhost, a 3-task array making
/// 2 prompts × 3 samples with the toy model, checked against one process. Skipped, with the reason printed, where
/// Slurm cannot be installed or started (not root, no apt, no network) or with FSVIDEO_SKIP_SLURM=1. About 20 s
/// once slurm-wlm is installed (the first install adds ~25 s).
final class SlurmClusterTests: XCTestCase {
    func testArrayJobMakesTheSameVideosAsOneProcess() throws {
        if ProcessInfo.processInfo.environment["FSVIDEO_SKIP_SLURM"] == "1" {
            print("SlurmClusterTests: skipped (FSVIDEO_SKIP_SLURM=1)")
            throw XCTSkip("FSVIDEO_SKIP_SLURM=1")
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = packageRoot.appendingPathComponent("Tools/cluster/slurm-test.sh").path
        let work = NSTemporaryDirectory() + "fsvideo-slurm-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }

        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script, try CLIProcess.binary(), work]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        let started = Date()
        try p.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let last = output.split(separator: "\n").last.map(String.init) ?? ""
        print("SlurmClusterTests: \(last) (wall \(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
        if p.terminationStatus == 77 { throw XCTSkip(last) }
        XCTAssertEqual(p.terminationStatus, 0, output)
        guard p.terminationStatus == 0 else { return }

        // Every video once, with the seed derived from (base seed 7, prompt, sample).
        let sharded = work + "/sharded"
        let merged = try ManifestCommand.merge(sharded, verify: true)
        XCTAssertTrue(merged.isComplete)
        XCTAssertEqual(Set(merged.entries.map(\.shard)), ["0/3", "1/3", "2/3"])
        for e in merged.entries {
            XCTAssertEqual(e.seed, ItemSeed.derive(base: 7, prompt: e.promptIndex, sample: e.sample))
            let rec = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sharded + "/records/\(e.name).json"))) as! [String: Any]
            XCTAssertEqual((rec["settings"] as! [String: Any])["seed"] as? UInt64, e.seed)
        }
        let videos = try FileManager.default.contentsOfDirectory(atPath: sharded).filter { $0.hasSuffix(".mp4") }
        XCTAssertEqual(videos.count, 6)
        XCTAssertEqual(Set(videos), Set(try FileManager.default.contentsOfDirectory(atPath: work + "/single").filter { $0.hasSuffix(".mp4") }))
    }
}
