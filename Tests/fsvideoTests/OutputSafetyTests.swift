import Foundation
import FSVideo
import XCTest

/// Concurrent runs and interrupted batches, with the real binary and the built-in toy model.
final class OutputSafetyTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "fsvideo-safety-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: root) }

    func leftovers(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.contains(".tmp-") || $0.hasSuffix(".lock") || $0.contains(".old-") }
    }

    /// Four runs started together into the same --out: exactly one publishes, the others fail with one line
    /// and exit 2; the published result is complete and nothing is left behind.
    func testConcurrentRunsIntoOneOutput() throws {
        let out = root + "/same"
        let runs = try (0..<4).map { k in
            try CLIProcess.start(["generate", "a red circle moving right on a black background", "--frames", "2", "--steps", "4",
                                  "--seed", "\(k)", "--out", out, "--quiet"], cwd: root)
        }
        let results = runs.map { CLIProcess.finish($0, timeout: 120) }
        let ok = results.filter { $0.status == 0 }
        XCTAssertEqual(ok.count, 1, results.map { "\($0.status): \($0.err)" }.joined(separator: "\n"))
        for r in results where r.status != 0 {
            XCTAssertEqual(r.status, 2)
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
            XCTAssertTrue(r.err.contains("another fsvideo run") || r.err.contains("not empty"), r.err)
        }
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: out)),
                       [".fsvideo-output.json", "video.mp4", "run.json", "contact_sheet.png"])
        XCTAssertEqual(try VideoReader.info(out + "/video.mp4").frameCount, 2)
        XCTAssertEqual(leftovers(root), [])
    }

    /// Four runs started together with default names: four distinct published outputs.
    func testConcurrentDefaultNamesAreDistinct() throws {
        let runs = try (0..<4).map { _ in
            try CLIProcess.start(["generate", "a blue square", "--frames", "2", "--steps", "2", "--quiet"], cwd: root)
        }
        let results = runs.map { CLIProcess.finish($0, timeout: 120) }
        XCTAssertEqual(results.map(\.status), [0, 0, 0, 0], results.map(\.err).joined(separator: "\n"))
        let dirs = try FileManager.default.contentsOfDirectory(atPath: root + "/outputs").filter { !$0.hasPrefix(".") }
        XCTAssertEqual(dirs.count, 4, "\(dirs)")
        XCTAssertTrue(dirs.allSatisfy { $0.contains("-a-blue-square-s123-") }, "\(dirs)")
        XCTAssertEqual(leftovers(root + "/outputs"), [])
    }

    /// SIGINT during a 3-prompt batch after the first item is published: the first item stays intact, no
    /// temporary remains, exit 130; a re-run completes only the missing items.
    func testInterruptedBatchKeepsFinishedItemsAndResumes() throws {
        let prompts = root + "/prompts.txt"
        try Data("a red circle moving right on a black background\na blue square moving left on a gray background\na green triangle staying still on a white background\n".utf8)
            .write(to: URL(fileURLWithPath: prompts))
        let out = root + "/batch"
        let args = ["generate", "--prompt-file", prompts, "--frames", "8", "--steps", "40", "--out", out, "--quiet"]
        let run = try CLIProcess.start(args, cwd: root)
        let first = out + "/001-a-red-circle-moving-right-on-a-b"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: first + "/run.json") && run.process.isRunning && Date() < deadline { usleep(10_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: first + "/run.json"), "the first item was never published")
        kill(run.process.processIdentifier, SIGINT)
        let r = CLIProcess.finish(run, timeout: 60)
        XCTAssertEqual(r.status, 130, r.err)
        XCTAssertTrue(r.err.contains("interrupted by SIGINT"), r.err)
        XCTAssertEqual(leftovers(root), [])
        XCTAssertEqual(leftovers(out), [])
        let batchFiles: Set<String> = ["batch.json", "manifests"]
        let published = try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") && !batchFiles.contains($0) }
        XCTAssertTrue(published.contains("001-a-red-circle-moving-right-on-a-b"))
        XCTAssertLessThan(published.count, 3, "the batch finished before the signal: \(published)")
        XCTAssertEqual(try VideoReader.info(first + "/video.mp4").frameCount, 8)
        let firstVideo = CLIProcess.snapshot(first)

        let again = try CLIProcess.run(args, cwd: root, timeout: 300)
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertTrue(again.out.contains("\(3 - published.count) new, \(published.count) already done"), again.out)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") && !batchFiles.contains($0) }.count, 3)
        XCTAssertEqual(CLIProcess.snapshot(first), firstVideo, "the finished item was rewritten")
        XCTAssertEqual(leftovers(out), [])
    }

    /// A full and a read-only file system (real tmpfs mounts) fail before any sampling, with one line.
    func testFullAndReadOnlyFileSystemsFailBeforeWork() throws {
        let full = root + "/full", readOnly = root + "/ro"
        for (dir, options) in [(full, "size=256k"), (readOnly, "ro,size=1M")] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let m = Process()
            m.executableURL = URL(fileURLWithPath: "/bin/mount")
            m.arguments = ["-t", "tmpfs", "-o", options, "tmpfs", dir]
            m.standardError = FileHandle.nullDevice
            guard (try? m.run()) != nil else { throw XCTSkip("cannot run mount: skipping the full/read-only file system test") }
            m.waitUntilExit()
            guard m.terminationStatus == 0 else { throw XCTSkip("tmpfs cannot be mounted here (not root, or no mount permission): skipping") }
        }
        defer {
            for dir in [full, readOnly] {
                let u = Process()
                u.executableURL = URL(fileURLWithPath: "/bin/umount")
                u.arguments = [dir]
                try? u.run(); u.waitUntilExit()
            }
        }
        // Fill the small file system to the brim.
        let filler = FileManager.default.createFile(atPath: full + "/filler", contents: Data(count: 250 * 1024))
        XCTAssertTrue(filler)
        var clip = Frames(count: 4, height: 64, width: 96)
        for i in 0..<clip.pixels.count { clip.pixels[i] = UInt8(i % 251) }
        try VideoWriter.write(clip, to: root + "/clip.mp4")
        let cases: [([String], String)] = [
            (["generate", "a red circle", "--frames", "16", "--res", "128x192", "--out", full + "/run"], "not enough free space"),
            (["generate", "a red circle", "--frames", "16", "--out", readOnly + "/run"], "Read-only file system"),
            (["eval", "--fake", root + "/clip.mp4", "--metrics", "dynamic_degree", "--json", readOnly + "/scores.json"], "not writable"),
            (["frames", root + "/clip.mp4", "--out", readOnly + "/frames"], "not writable"),
            (["frames", root + "/clip.mp4", "--out", full + "/frames"], "not enough free space"),
            (["sheet", root + "/clip.mp4", "--out", readOnly + "/s.png"], "not writable"),
        ]
        for (args, needle) in cases {
            let r = try CLIProcess.run(args, cwd: root, timeout: 60)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
            XCTAssertTrue(r.err.contains(needle), "\(args): \(r.err)")
            XCTAssertLessThan(r.seconds, 20, "\(args) failed only after \(r.seconds) s")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: full), ["filler"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: readOnly), [])
    }
}
