import Foundation

/// The shared reference files beside the checkout: ../shared/fixtures and ../shared/models (a git worktree
/// one folder deeper finds ../../shared). The only place the tests and the bench look these up.
public enum SharedFiles {
    /// A shared file or folder that is not there; the tests turn it into an XCTSkip carrying `reason`.
    public struct Absent: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The package root (three levels above this file: Sources/FSTestSupport/SharedFiles.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The shared folder (../shared, else ../../shared), nil when neither exists.
    public static var root: URL? {
        ["../shared", "../../shared"].map { packageRoot.appendingPathComponent($0).standardized }
            .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("fixtures").path) }
    }

    /// ../shared/fixtures, nil when absent.
    public static var fixturesRoot: URL? { root?.appendingPathComponent("fixtures") }

    /// `../shared/fixtures/<relative>`; throws `Absent` naming it when it is not there.
    public static func fixture(_ relative: String) throws -> String { try path("fixtures/" + relative) }

    /// `../shared/models/<relative>`; throws `Absent` naming it when it is not there.
    public static func model(_ relative: String) throws -> String { try path("models/" + relative) }

    static func path(_ relative: String) throws -> String {
        guard let root else {
            let expected = packageRoot.appendingPathComponent("../shared/" + relative).standardized.path
            throw Absent(reason: "\(expected) is absent (../shared not available)")
        }
        let p = root.appendingPathComponent(relative).path
        guard FileManager.default.fileExists(atPath: p) else { throw Absent(reason: "\(p) is absent") }
        return p
    }
}
