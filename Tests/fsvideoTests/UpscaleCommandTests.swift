import Foundation
@testable import fsvideo
import FSVideo
import XCTest

/// `fsvideo upscale` end to end on the built-in toy model (few steps, 4 frames: wiring and bad input).
final class UpscaleCommandTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "fsvideo-upcmd-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var gen = try GenerateCommand.parse(["a red circle moving right on a black background", "--steps", "2",
                                             "--frames", "4", "--seed", "3", "--out", root + "/clip", "--quiet"])
        try gen.run()
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: root) }

    /// A mask PNG: white on the left `fraction` of a width×height image.
    func writeMask(_ name: String, width: Int, height: Int, fraction: Double = 0.5) throws -> String {
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height { for x in 0..<Int(Double(width) * fraction) { for c in 0..<3 { rgb[(y * width + x) * 3 + c] = 255 } } }
        let path = root + "/" + name
        try PNGWriter.write(rgb: rgb, width: width, height: height, to: path)
        return path
    }

    func testEditUpscaleWritesVideoAndRecordsTheEdit() throws {
        let mask = try writeMask("mask.png", width: 192, height: 128)
        let out = root + "/up"
        var cmd = try UpscaleCommand.parse([root + "/clip/video.mp4", "--prompt", "a red circle moving right on a black background",
                                            "--res", "128x192", "--frames", "4", "--steps", "4", "--restart-step", "1",
                                            "--edit-mask", mask, "--edit-prompt", "a blue square staying still on a gray background",
                                            "--out", out, "--quiet"])
        try cmd.run()
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: out)), ["video.mp4", "run.json", "contact_sheet.png", ".fsvideo-output.json"])
        let info = try VideoReader.info(out + "/video.mp4")
        XCTAssertEqual([info.height, info.width], [128, 192])
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/run.json"))) as! [String: Any]
        XCTAssertEqual(run["edit_prompt"] as? String, "a blue square staying still on a gray background")
        let fs = run["freescale"] as! [String: Any]
        XCTAssertEqual(fs["cosine_scale_edit"] as? Double, 8)
        XCTAssertEqual(fs["stages"] as? [String], ["64x96", "128x192"])
    }

    func testBadEditInputIsOneErrorAndLeavesNothing() throws {
        let clip = root + "/clip/video.mp4"
        let square = try writeMask("square.png", width: 50, height: 50)
        let cases: [([String], String)] = [
            (["--edit-mask", square, "--edit-prompt", "a blue square"], "cannot be mapped"),
            (["--edit-mask", square], "go together"),
            (["--edit-mask", root + "/missing.png", "--edit-prompt", "x"], "no such file"),
            (["--edit-mask", square, "--edit-prompt", "  "], "empty"),
            (["--stages", "32x64"], "not larger than"),
        ]
        for (extra, message) in cases {
            let out = root + "/bad"
            var cmd = try UpscaleCommand.parse([clip, "--prompt", "p", "--res", "128x192", "--frames", "4", "--steps", "4",
                                                "--out", out, "--quiet"].filter { !(extra.contains("--stages") && ($0 == "--res" || $0 == "128x192")) } + extra)
            XCTAssertThrowsError(try cmd.run(), "\(extra)") { error in
                XCTAssertTrue("\(error)".contains(message), "\(extra): \(error)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(extra) left \(out)")
        }
    }

    func testGenerateRunJsonRecordsTheFreeScalePlan() throws {
        let out = root + "/fs"
        var cmd = try GenerateCommand.parse(["a red circle moving right on a black background", "--steps", "4", "--frames", "4",
                                             "--res", "128x192", "--out", out, "--quiet"])
        try cmd.run()
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/run.json"))) as! [String: Any]
        let fs = run["freescale"] as! [String: Any]
        XCTAssertEqual(fs["method"] as? String, "freescale")
        XCTAssertEqual(fs["stages"] as? [String], ["64x96", "128x192"])
        XCTAssertEqual(fs["restart_step"] as? Int, 1)
        XCTAssertEqual(fs["stage_dilation"] as? [Int], [2])
        XCTAssertEqual((fs["stage_seconds"] as? [Double])?.count, 2)
    }
}
