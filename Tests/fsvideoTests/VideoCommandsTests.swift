import Foundation
@testable import fsvideo
import FSTensor
import FSVideo
import XCTest

/// `fsvideo frames` and `fsvideo sheet` run as a user runs them: the built binary, its exit code and stderr.
final class VideoCommandsTests: XCTestCase {
    private func run(_ args: [String]) throws -> CLIProcess.Result { try CLIProcess.run(args) }

    func testFramesAndSheetCommands() throws {
        let dir = NSTemporaryDirectory() + "fsvideo-cmd-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var clip = Frames(count: 12, height: 24, width: 32)
        for k in 0..<12 { for i in 0..<(24 * 32) { clip.pixels[(k * 768 + i) * 3] = UInt8(k * 20) } }
        try VideoWriter.write(clip, to: "\(dir)/clip.mp4")

        var r = try run(["frames", "\(dir)/clip.mp4", "--out", "\(dir)/frames", "--every", "4"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/frames").sorted(), [".fsvideo-output.json", "0001.png", "0005.png", "0009.png"])
        r = try run(["sheet", "\(dir)/clip.mp4", "--out", "\(dir)/sheet.png", "--count", "4"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("frames 1 5 8 12"), r.out)
        XCTAssertEqual(try VideoReader.info("\(dir)/sheet.png").codec, "png")

        // Bad input: one line on stderr, exit 2, nothing written.
        try "not a video".write(toFile: "\(dir)/text.mp4", atomically: true, encoding: .utf8)
        for args in [["frames", "\(dir)/missing.mp4", "--out", "\(dir)/x"],
                     ["frames", "\(dir)/text.mp4", "--out", "\(dir)/x"],
                     ["sheet", "\(dir)/text.mp4", "--out", "\(dir)/x.png"],
                     ["sheet", "\(dir)/clip.mp4", "--out", "\(dir)/no/such/dir/x.png"],
                     ["frames", "\(dir)/clip.mp4", "--out", "\(dir)/x", "--every", "0"]] {
            r = try run(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertTrue(r.err.hasPrefix("fsvideo: error: "), r.err)
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["clip.mp4", "frames", "sheet.png", "text.mp4"])
    }
}
