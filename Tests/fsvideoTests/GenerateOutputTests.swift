import Foundation
@testable import fsvideo
import FreeScale
import FSTensor
import XCTest

/// `fsvideo generate`'s output-directory rules and argument parsing (no model runs here).
final class GenerateOutputTests: XCTestCase {
    func tempDir() throws -> String {
        let d = NSTemporaryDirectory() + "fsvideo-gen-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
        return d
    }

    func testNonEmptyDirectoryIsRefusedUnlessOverwrite() throws {
        let root = try tempDir()
        let out = root + "/run"
        // A directory fsvideo did not make is never replaced, with or without --overwrite.
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: URL(fileURLWithPath: out + "/keep.txt"))
        for overwrite in [false, true] {
            XCTAssertThrowsError(try OutputDirectory(path: out, overwrite: overwrite)) { e in
                XCTAssertTrue((e as? FSError)?.message.contains(overwrite ? "no .fsvideo-output.json" : "not empty") == true, "\(e)")
            }
        }
        try FileManager.default.removeItem(atPath: out)
        // fsvideo's own output is replaced with --overwrite, and only at commit.
        for text in ["old", "new"] {
            let o = try OutputDirectory(path: out, overwrite: true)
            try o.write(Data(text.utf8), to: "run.json")
            XCTAssertEqual(try? String(contentsOfFile: out + "/run.json", encoding: .utf8), text == "old" ? nil : "old")
            try o.commit()
        }
        XCTAssertEqual(try String(contentsOfFile: out + "/run.json", encoding: .utf8), "new")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).sorted(), [".fsvideo-output.json", "run.json"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root), ["run"])   // no temporaries or locks left
        // A foreign file put into it since: refused.
        try Data().write(to: URL(fileURLWithPath: out + "/notes.txt"))
        XCTAssertThrowsError(try OutputDirectory(path: out, overwrite: true)) { e in
            XCTAssertTrue((e as? FSError)?.message.contains("notes.txt") == true, "\(e)")
        }
    }

    func testProtectedDirectoriesAreRefused() throws {
        for path in [".", FileManager.default.currentDirectoryPath, "/", NSHomeDirectory(), ".."] {
            XCTAssertThrowsError(try OutputDirectory(path: path, overwrite: true), path) { e in
                XCTAssertTrue((e as? FSError)?.message.contains("refusing") == true, "\(e)")
            }
        }
    }

    func testSecondClaimOnTheSameOutputIsRefused() throws {
        let root = try tempDir()
        let first = try OutputDirectory(path: root + "/same", overwrite: false)
        XCTAssertThrowsError(try OutputDirectory(path: root + "/same", overwrite: true)) { e in
            XCTAssertTrue((e as? FSError)?.message.contains("another fsvideo run") == true, "\(e)")
        }
        try first.write(Data("x".utf8), to: "run.json")
        try first.commit()
        // Taken meanwhile by something else: published under a fresh name, nothing deleted.
        let second = try OutputDirectory(path: root + "/other", overwrite: false)
        try FileManager.default.createDirectory(atPath: root + "/other", withIntermediateDirectories: false)
        try Data("foreign".utf8).write(to: URL(fileURLWithPath: root + "/other/theirs.txt"))
        try second.write(Data("y".utf8), to: "run.json")
        try second.commit()
        XCTAssertEqual(second.publishedPath, root + "/other-2")
        XCTAssertEqual(try String(contentsOfFile: root + "/other/theirs.txt", encoding: .utf8), "foreign")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root).sorted(), ["other", "other-2", "same"])
    }

    func testStaleTemporariesOfDeadRunsAreRemoved() throws {
        let root = try tempDir()
        // A pid that cannot be running: beyond the kernel's pid_max.
        let stale = root + "/.run.tmp-\(OutputLock.hostName)-99999999"
        let foreignHost = root + "/.run.tmp-some-other-host-99999999"
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: foreignHost, withIntermediateDirectories: true)
        let o = try OutputDirectory(path: root + "/run", overwrite: false)
        o.discard()
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale))
        XCTAssertTrue(FileManager.default.fileExists(atPath: foreignHost))
    }

    func testArgumentNormalisation() {
        XCTAssertEqual(CLIArguments.normalized(["generate", "x", "--res", "-1", "--frames", "-5", "--cfg", "-nan"]),
                       ["generate", "x", "--res=-1", "--frames=-5", "--cfg=-nan"])
        XCTAssertEqual(CLIArguments.normalized(["generate", "--", "--res", "-1"]), ["generate", "--", "--res", "-1"])
        XCTAssertEqual(CLIArguments.normalized(["--quiet", "-q"]), ["--quiet", "-q"])
    }

    func testFailedRunLeavesNothing() throws {
        let root = try tempDir()
        do {
            let o = try OutputDirectory(path: root + "/never", overwrite: false)
            try o.write(Data("x".utf8), to: "video.mp4")
            o.discard()
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root), [])
    }

    func testOutputPathThatIsAFileOrUnwritable() throws {
        let root = try tempDir()
        try Data().write(to: URL(fileURLWithPath: root + "/file"))
        XCTAssertThrowsError(try OutputDirectory(path: root + "/file", overwrite: true))
        if getuid() != 0 {   // root ignores permissions
            try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: root)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: root) }
            XCTAssertThrowsError(try OutputDirectory(path: root + "/x", overwrite: false))
        }
    }

    func testSizeAndSlug() throws {
        XCTAssertEqual(FrameSize(argument: "320X512"), FrameSize(height: 320, width: 512))
        XCTAssertNil(FrameSize(argument: "320"))
        XCTAssertNil(FrameSize(argument: "0x64"))
        XCTAssertEqual(FrameSizeList(argument: "64x96, 128x192")?.sizes.count, 2)
        XCTAssertNil(FrameSizeList(argument: "64x96,,128x192"))
        XCTAssertEqual(OutputDirectory.slug("A red circle, moving right!"), "a-red-circle-moving-right")
        XCTAssertEqual(OutputDirectory.slug("日本"), "video")
    }

    func testSHA256() {
        var h = SHA256()
        h.update(Data("abc".utf8))
        XCTAssertEqual(h.finalize(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var e = SHA256()
        e.update(Data(String(repeating: "a", count: 1000).utf8))
        XCTAssertEqual(e.finalize(), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
