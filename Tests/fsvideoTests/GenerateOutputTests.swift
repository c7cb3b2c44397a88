import Foundation
@testable import fsvideo
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
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: URL(fileURLWithPath: out + "/keep.txt"))
        XCTAssertThrowsError(try OutputDirectory(path: out, overwrite: false)) { e in
            XCTAssertTrue((e as? FSError)?.message.contains("not empty") == true, "\(e)")
        }
        let o = try OutputDirectory(path: out, overwrite: true)
        try o.write(Data("new".utf8), to: "run.json")
        // Nothing appears at the output path before commit.
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/run.json"))
        try o.commit()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["run.json"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root), ["run"])   // no temporaries left
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
        XCTAssertTrue(try GenerateCommand.parseSize("320x512") == (320, 512))
        XCTAssertThrowsError(try GenerateCommand.parseSize("320"))
        XCTAssertThrowsError(try GenerateCommand.parseSize("0x64"))
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
