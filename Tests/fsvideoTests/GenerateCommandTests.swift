import Foundation
@testable import fsvideo
import FSTensor
import XCTest

/// `fsvideo generate` end to end on the built-in toy model (2 steps, 4 frames: wiring, not quality).
final class GenerateCommandTests: XCTestCase {
    func testWritesVideoRunJsonAndFrames() throws {
        let root = NSTemporaryDirectory() + "fsvideo-gencmd-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = root + "/run"
        var cmd = try GenerateCommand.parse(["a green square moving left on a gray background", "--steps", "2",
                                             "--frames", "4", "--seed", "9", "--out", out, "--dump-frames", "--quiet"])
        try cmd.run()
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") })
        XCTAssertEqual(files, ["video.mp4", "run.json", "contact_sheet.png", "frames"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out + "/frames").count, 4)
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/run.json"))) as! [String: Any]
        let settings = run["settings"] as! [String: Any]
        XCTAssertEqual(settings["seed"] as? Int, 9)
        XCTAssertEqual(settings["guidance"] as? Double, 7.5)   // the toy model's default
        XCTAssertEqual((run["model"] as! [String: Any])["sha256"] as? String,
                       "cd2921431ba8eea1ab461602ff24d46b7181e53052d663b86abfca4f1dab0ca8")   // toy_shapes v2
        XCTAssertEqual(run["latent_shape"] as? [Int], [1, 4, 4, 8, 12])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root), ["run"])   // no temporaries

        // A second run into the same, now non-empty, directory is refused and leaves it untouched.
        var again = try GenerateCommand.parse(["x", "--steps", "2", "--frames", "4", "--out", out, "--quiet"])
        XCTAssertThrowsError(try again.run())
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") }), files)
    }
}
