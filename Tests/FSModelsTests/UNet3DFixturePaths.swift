import Foundation
import XCTest

/// Path of a shared reference fixture, found as ../shared/fixtures/... relative to the package root
/// (a git worktree one level deeper also finds ../../shared); skips the test when absent.
func unet3DSharedFixture(_ relative: String, filePath: String = #filePath) throws -> String {
    let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let candidates = ["../shared/fixtures/", "../../shared/fixtures/"].map {
        root.appendingPathComponent($0 + relative).standardized.path
    }
    guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
        throw XCTSkip("fixture \(candidates[0]) is absent (../shared not mounted)")
    }
    return found
}
