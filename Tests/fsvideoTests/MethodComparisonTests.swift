import Foundation
@testable import fsvideo
import FSTensor
import FSVideo
import XCTest

/// `generate --compare direct`: the other method at the same size and seed, and the side-by-side sheet.
final class MethodComparisonTests: XCTestCase {
    func testCompareDirectWritesBothVideosAndTheSheet() throws {
        let root = NSTemporaryDirectory() + "fsvideo-compare-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = root + "/run"
        var cmd = try GenerateCommand.parse(["a red circle moving right on a black background", "--res", "128x192", "--frames", "2",
                                             "--steps", "2", "--compare", "direct", "--out", out, "--quiet"])
        try cmd.run()
        XCTAssertEqual(try VideoReader.info(out + "/compare-direct/video.mp4").height, 128)
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/compare-direct/run.json"))) as! [String: Any]
        XCTAssertEqual((run["settings"] as! [String: Any])["seed"] as? Int, 123)
        let sheet = try VideoReader.info(out + "/compare.png")
        XCTAssertEqual(sheet.width, 2 * 192 + 3 * 4)    // two frames per row
        XCTAssertEqual(sheet.height, 2 * 128 + 3 * 4)   // freescale above direct

        for bad in [["x", "--compare", "freescale"], ["x", "--compare", "bicubic"], ["x", "--compare", "direct", "--samples", "2"]] {
            // "bicubic" is refused by the parser (--compare is typed), the others when the command runs.
            XCTAssertThrowsError(try { var c = try GenerateCommand.parse(bad + ["--out", root + "/bad", "--quiet"]); try c.run() }(), "\(bad)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/bad"))
    }
}
