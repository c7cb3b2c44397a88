import Foundation
import XCTest

/// The package root (two levels above this file's folder).
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A file under ../shared/fixtures (a git worktree one level deeper also finds ../../shared), or XCTSkip
/// naming it when the shared folder is absent.
func sharedFixture(_ relative: String) throws -> String {
    let candidates = ["../shared/fixtures/", "../../shared/fixtures/"].map {
        packageRoot.appendingPathComponent($0 + relative).standardized.path
    }
    guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
        throw XCTSkip("fixture \(candidates[0]) is absent (../shared not available)")
    }
    return found
}
