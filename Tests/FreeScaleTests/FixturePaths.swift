import Foundation
import XCTest

/// ../shared/fixtures/... relative to the package root (skips the test when absent).
func sharedFixture(_ relative: String, filePath: String = #filePath) throws -> String {
    let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    // ../shared beside the package root (a git worktree one level deeper also finds ../../shared).
    let candidates = ["../shared/fixtures/", "../../shared/fixtures/"].map {
        root.appendingPathComponent($0 + relative).standardized.path
    }
    guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
        throw XCTSkip("fixture \(candidates[0]) is absent (../shared not mounted)")
    }
    return path
}

/// The `__metadata__` of a safetensors file, read directly (independent of the reader under test).
func safetensorsMetadata(_ path: String) throws -> [String: String] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let n = data.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
    let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + n))) as! [String: Any]
    return header["__metadata__"] as? [String: String] ?? [:]
}
