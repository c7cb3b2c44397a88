import Foundation
import XCTest
@testable import FSVideo
import FSTensor

/// Bad input ends in one FSError line naming the problem, leaves no partial output and leaks no descriptors.
final class BadInputTests: XCTestCase {
    private func expectError(_ expected: String..., file: StaticString = #filePath, line: UInt = #line,
                             _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected an error containing '\(expected)'", file: file, line: line)
        } catch let e as FSError {
            XCTAssertTrue(expected.contains(where: { e.message.contains($0) }), "message '\(e.message)' lacks '\(expected)'", file: file, line: line)
            XCTAssertFalse(e.message.contains("\n"), "multi-line message", file: file, line: line)
        } catch {
            XCTFail("not an FSError: \(error)", file: file, line: line)
        }
    }

    func testUnreadableInputs() throws {
        let dir = try scratchDir()
        defer { removeDir(dir) }
        let clip = Clips.movingSquares(t: 20, h: 32, w: 48)
        var o = VideoWriterOptions(); o.preset = "ultrafast"
        try VideoWriter.write(clip, to: "\(dir)/good.mp4", options: o)
        var noFaststart = o; noFaststart.faststart = false
        try VideoWriter.write(clip, to: "\(dir)/moov_at_end.mp4", options: noFaststart)
        let good = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/good.mp4"))
        let atEnd = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/moov_at_end.mp4"))
        try good.prefix(good.count * 7 / 10).write(to: URL(fileURLWithPath: "\(dir)/cut_media.mp4"))
        try atEnd.prefix(atEnd.count * 7 / 10).write(to: URL(fileURLWithPath: "\(dir)/cut_index.mp4"))
        try "this is not a video\n".write(toFile: "\(dir)/text.mp4", atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: "\(dir)/empty.mp4", contents: Data())
        // Zero-frame videos: MP4 drops a track without samples (so the file has no video stream at all);
        // Matroska writes its header and track and then ends (libavformat, and ffprobe, stop at end of file).
        for ext in ["mp4", "mkv"] {
            let zero = try VideoWriter(path: "\(dir)/zero.\(ext)", width: 32, height: 32)
            zero.allowEmptyForTesting = true
            try zero.finish()
        }
        try FileManager.default.createDirectory(atPath: "\(dir)/nothing", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(dir)/mixed", withIntermediateDirectories: true)
        try PNGWriter.write(rgb: [UInt8](repeating: 0, count: 8 * 8 * 3), width: 8, height: 8, to: "\(dir)/mixed/1.png")
        try PNGWriter.write(rgb: [UInt8](repeating: 0, count: 8 * 6 * 3), width: 6, height: 8, to: "\(dir)/mixed/2.png")
        try "junk".write(toFile: "\(dir)/mixed/3.png", atomically: true, encoding: .utf8)

        let before = openFDs()
        for _ in 0..<3 {
            expectError("no such file") { _ = try VideoReader.read("\(dir)/missing.mp4") }
            expectError("no such file") { _ = try VideoReader.info("\(dir)/missing.mp4") }
            expectError("not a readable video") { _ = try VideoReader.read("\(dir)/text.mp4") }
            expectError("not a readable video") { _ = try VideoReader.read("\(dir)/empty.mp4") }
            expectError("truncated") { _ = try VideoReader.read("\(dir)/cut_media.mp4") }
            expectError("truncated") { _ = try VideoReader.read("\(dir)/cut_index.mp4") }
            expectError("no video frames") { _ = try VideoReader.read("\(dir)/zero.mp4") }
            expectError("no video frames") { _ = try VideoReader.read("\(dir)/zero.mkv") }
            expectError("no PNG or JPEG frames") { _ = try VideoReader.read("\(dir)/nothing") }
            expectError("but the first frame is") { _ = try VideoReader.read("\(dir)/mixed") }
            var o = VideoReadOptions(); o.size = (8, 8)
            expectError("3.png") { _ = try VideoReader.read("\(dir)/mixed", options: o) }
            o = VideoReadOptions(); o.stride = 0
            expectError("stride") { _ = try VideoReader.read("\(dir)/good.mp4", options: o) }
            // Good files still read fine in between.
            XCTAssertEqual(try VideoReader.read("\(dir)/good.mp4").count, 20)
        }
        XCTAssertEqual(openFDs(), before, "file descriptors leaked")
    }

    func testUnwritableOutputs() throws {
        let dir = try scratchDir()
        defer { removeDir(dir) }
        let clip = Clips.movingSquares(t: 4, h: 16, w: 16)
        let before = openFDs()
        expectError("does not exist") { try VideoWriter.write(clip, to: "\(dir)/no/such/dir/out.mp4") }
        expectError("cannot tell the container") { try VideoWriter.write(clip, to: "\(dir)/out.notavideo") }
        expectError("is a directory") { try VideoWriter.write(clip, to: dir) }
        expectError("no frames") { try VideoWriter.write(Frames(count: 0, height: 16, width: 16), to: "\(dir)/empty.mp4") }
        expectError("no frames") {
            let w = try VideoWriter(path: "\(dir)/empty2.mp4", width: 16, height: 16)
            try w.finish()
        }
        expectError("expected 16x16x3") {
            let w = try VideoWriter(path: "\(dir)/wrongsize.mp4", width: 16, height: 16)
            try w.append(frame: [UInt8](repeating: 0, count: 10))
        }
        expectError("preset") {
            var o = VideoWriterOptions(); o.preset = "warp-speed"
            try VideoWriter.write(clip, to: "\(dir)/preset.mp4", options: o)
        }
        expectError("no video encoder named") {
            var o = VideoWriterOptions(); o.encoder = "nope264"
            try VideoWriter.write(clip, to: "\(dir)/enc.mp4", options: o)
        }
        // A writer dropped before finish() leaves nothing behind.
        do {
            let w = try VideoWriter(path: "\(dir)/abandoned.mp4", width: 16, height: 16)
            try w.append(frame: clip.frame(0))
        }
        // An unwritable directory (root ignores permission bits, so fall back to read-only /sys).
        let ro = "\(dir)/readonly"
        try FileManager.default.createDirectory(atPath: ro, withIntermediateDirectories: true)
        chmod(ro, 0o555)
        defer { chmod(ro, 0o755) }
        let target = access(ro, W_OK) == 0 ? "/sys/fsvideo-test.mp4" : "\(ro)/out.mp4"
        expectError("not writable", "Permission denied", "Read-only") { try VideoWriter.write(clip, to: target) }
        expectError("not writable", "Permission denied", "Read-only") { try PNGWriter.write(rgb: clip.frame(0), width: 16, height: 16, to: target + ".png") }
        expectError("exists and is not a directory") {
            _ = FileManager.default.createFile(atPath: "\(dir)/afile", contents: Data())
            try PNGWriter.dumpFrames(clip, to: "\(dir)/afile")
        }
        XCTAssertEqual(listing(dir), ["afile", "readonly"], "partial outputs left behind")
        XCTAssertEqual(listing(ro), [])
        XCTAssertEqual(openFDs(), before, "file descriptors leaked")
    }

    /// A full disk: a per-process file-size limit (RLIMIT_FSIZE, write() then fails with EFBIG), and a
    /// 64 KiB tmpfs when this machine lets us mount one. One clear error, nothing left, no fd leaked.
    func testFullDisk() throws {
        let dir = try scratchDir()
        defer { removeDir(dir) }
        let clip = Clips.noise(t: 8, h: 96, w: 128)   // ≈ 300 KB of H.264 at CRF 10
        let before = openFDs()

        let oldHandler = signal(SIGXFSZ, SIG_IGN)
        var old = rlimit()
        getrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
        var small = old
        small.rlim_cur = 32 * 1024
        XCTAssertEqual(setrlimit(Int32(RLIMIT_FSIZE.rawValue), &small), 0)
        expectError("writing failed") { try VideoWriter.write(clip, to: "\(dir)/big.mp4") }
        expectError("write failed") {
            try PNGWriter.dumpFrames(clip, to: "\(dir)/frames")
        }
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
        signal(SIGXFSZ, oldHandler)
        XCTAssertEqual(openFDs(), before, "file descriptors leaked")
        // The frames folder this dump created is gone again, with the frames it managed to write.
        XCTAssertEqual(listing(dir), [], "partial output left behind")

        // tmpfs of 64 KiB (needs CAP_SYS_ADMIN; skipped quietly otherwise).
        let mnt = "\(dir)/tmpfs"
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
        if findTool("mount") != nil, getuid() == 0,
           (try? runTool("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt]))?.status == 0 {
            defer { _ = try? runTool("umount", [mnt]) }
            let beforeMount = openFDs()
            expectError("writing failed") { try VideoWriter.write(clip, to: "\(mnt)/big.mp4") }
            XCTAssertEqual(listing(mnt), [], "partial file left on the full tmpfs")
            // The small clip still fits afterwards: the failed write freed its space.
            try VideoWriter.write(Clips.gradient(t: 2, h: 16, w: 16), to: "\(mnt)/small.mp4")
            XCTAssertEqual(listing(mnt), ["small.mp4"])
            XCTAssertEqual(openFDs(), beforeMount, "file descriptors leaked")
        } else {
            print("testFullDisk: no tmpfs mount possible here; the RLIMIT_FSIZE case stands in")
        }
    }
}

/// Mutated copies of valid MP4, WebM, GIF and PNG files: every read ends in success or an FSError, never a
/// crash, hang or a different error type; no descriptors leak. FSVIDEO_FUZZ_COUNT=N runs N per format (default 50).
final class MutatedInputTests: XCTestCase {
    func testMutatedFilesNeverCrash() throws {
        let dir = try scratchDir()
        defer { removeDir(dir) }
        let clip = Clips.movingSquares(t: 6, h: 24, w: 32)
        var fast = VideoWriterOptions(); fast.preset = "ultrafast"
        try VideoWriter.write(clip, to: "\(dir)/a.mp4", options: fast)
        try VideoWriter.write(clip, to: "\(dir)/a.webm")
        try VideoWriter.write(clip, to: "\(dir)/a.gif")
        try PNGWriter.write(rgb: clip.frame(0), width: 32, height: 24, to: "\(dir)/a.png")
        var rng = SplitMix(seed: 2024)
        let before = openFDs()
        var outcomes = [String: Int]()
        for ext in ["mp4", "webm", "gif", "png"] {
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(dir)/a.\(ext)")))
            for k in 0..<(Int(ProcessInfo.processInfo.environment["FSVIDEO_FUZZ_COUNT"] ?? "") ?? 50) {
                var bytes = original
                switch k % 4 {
                case 0:  // flip a few bytes anywhere
                    for _ in 0..<(1 + Int(rng.next() % 8)) { bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(1 + rng.next() % 255) }
                case 1:  // truncate
                    bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
                case 2:  // corrupt the header region
                    for _ in 0..<4 { bytes[Int(rng.next() % UInt64(min(bytes.count, 256)))] = UInt8(truncatingIfNeeded: rng.next()) }
                default: // zero a run of bytes
                    let start = Int(rng.next() % UInt64(bytes.count))
                    for i in start..<min(bytes.count, start + 1 + Int(rng.next() % 64)) { bytes[i] = 0 }
                }
                let path = "\(dir)/m\(k).\(ext)"
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                do {
                    let f = try VideoReader.read(path)
                    XCTAssertGreaterThan(f.count, 0)
                    outcomes["read", default: 0] += 1
                } catch is FSError {
                    outcomes["error", default: 0] += 1
                } catch {
                    XCTFail("\(path): unexpected error type \(error)")
                }
                unlink(path)
            }
        }
        print("mutated inputs: \(outcomes)")
        XCTAssertEqual(openFDs(), before, "file descriptors leaked")
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
