import Foundation
@testable import fsvideo
import FSVideo
import XCTest

/// `upscale` over several clips: a folder of videos × samples, sharded, with manifests and verified resume.
final class UpscaleBatchTests: XCTestCase {
    func testFolderOfClipsShardedWithSamples() throws {
        let root = NSTemporaryDirectory() + "fsvideo-upbatch-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/clips", withIntermediateDirectories: true)
        for (k, p) in ["a red circle moving right on a black background", "a blue square moving left on a gray background"].enumerated() {
            var gen = try GenerateCommand.parse([p, "--steps", "2", "--frames", "4", "--seed", "\(k)", "--out", root + "/g\(k)", "--quiet"])
            try gen.run()
            try FileManager.default.copyItem(atPath: root + "/g\(k)/video.mp4", toPath: root + "/clips/clip\(k).mp4")
        }
        let common = [root + "/clips", "--res", "128x192", "--frames", "4", "--steps", "4", "--restart-step", "1", "--seed", "5",
                      "--samples", "2", "--layout", "vbench", "--out", root + "/up", "--quiet"]
        for shard in ["0/2", "1/2"] {
            var cmd = try UpscaleCommand.parse(common + ["--shard", shard])
            try cmd.run()
        }
        let merged = try ManifestCommand.merge(root + "/up", verify: true)
        XCTAssertTrue(merged.isComplete, merged.report(limit: 10, batch: root + "/up"))
        XCTAssertEqual(merged.entries.map(\.name), ["clip0-0", "clip0-1", "clip1-0", "clip1-1"])
        XCTAssertEqual(merged.entries.map(\.seed), [5, ItemSeed.derive(base: 5, prompt: 0, sample: 1),
                                                    ItemSeed.derive(base: 5, prompt: 1, sample: 0), ItemSeed.derive(base: 5, prompt: 1, sample: 1)])
        XCTAssertEqual(try VideoReader.info(root + "/up/clip1-1.mp4").width, 192)
        // Resume: nothing left to do, nothing rewritten.
        let before = try FileManager.default.attributesOfItem(atPath: root + "/up/clip0-0.mp4")[.modificationDate] as? Date
        var again = try UpscaleCommand.parse(common + ["--shard", "none"])
        try again.run()
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: root + "/up/clip0-0.mp4")[.modificationDate] as? Date, before)
    }
}
