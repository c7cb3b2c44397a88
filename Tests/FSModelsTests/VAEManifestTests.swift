import FSTensor
import XCTest
@testable import FSModels

/// Rows `key → shape` of the bundled VideoCrafter2 manifest under a prefix (prefix stripped).
func textVAEManifestRows(prefix: String, file: String = #filePath) throws -> [String: [Int]] {
    let root = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent("Sources/FSCheckpoint/Resources/vc2_manifest.tsv").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var rows: [String: [Int]] = [:]
    for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
        let cols = line.split(separator: "\t", omittingEmptySubsequences: false)
        rows[String(cols[0].dropFirst(prefix.count))] = cols[1].isEmpty ? [] : cols[1].split(separator: ",").map { Int($0)! }
    }
    return rows
}

final class VAEManifestTests: XCTestCase {
    func testVC2PresetAsksForExactlyTheManifestVAERows() throws {
        let expected = try textVAEManifestRows(prefix: "first_stage_model.")
        XCTAssertEqual(expected.count, 248)
        let recorder = ParameterShapeRecorder()
        _ = try AutoencoderKL(config: .vc2, source: recorder)
        XCTAssertEqual(Set(recorder.requested.keys).subtracting(expected.keys).sorted(), [], "asked for but not in the manifest")
        XCTAssertEqual(Set(expected.keys).subtracting(recorder.requested.keys).sorted(), [], "in the manifest but never asked for")
        for (k, shape) in expected { XCTAssertEqual(recorder.requested[k], shape, k) }
    }
}
