import Foundation
import XCTest

/// Locates `../shared/fixtures/<sub>` relative to the package root (also one level further up, for
/// worktrees nested one folder deeper); XCTSkip with the reason when it is absent.
func textVAESharedFixture(_ sub: String, file: String = #filePath) throws -> String {
    let root = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let candidates = [root.deletingLastPathComponent(), root.deletingLastPathComponent().deletingLastPathComponent()]
        .map { $0.appendingPathComponent("shared/fixtures/" + sub).path }
    guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
        throw XCTSkip("reference fixture \(candidates[0]) is absent (../shared not present)")
    }
    return path
}
