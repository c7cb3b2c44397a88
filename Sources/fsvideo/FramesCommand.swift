import ArgumentParser
import Foundation
import FSTensor
import FSVideo

struct FramesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frames",
        abstract: "Dump a video's frames as PNG files (DIR/0001.png …, numbered by source frame).")

    @Argument(help: "A video file (MP4, WebM, GIF, AVI, …) or a folder of PNG/JPEG frames.")
    var video: String

    @Option(name: .long, help: "Output folder (created if missing).")
    var out: String

    @Option(name: .long, help: "Keep every N-th frame.")
    var every: Int = 1

    @Option(name: .long, help: "Stop after this many frames.")
    var max: Int?

    @Option(name: .long, help: "Resize frames to HxW.")
    var size: String?

    func run() throws {
        guard every >= 1 else { throw FSError("--every must be ≥ 1, got \(every)") }
        if let m = max, m < 1 { throw FSError("--max must be ≥ 1, got \(m)") }
        var options = VideoReadOptions()
        options.stride = every
        options.maxFrames = max
        if let s = size { options.size = try parseSize(s, flag: "--size") }
        let info = try VideoReader.info(video)
        let dumper = try FrameDumper(directory: out, frameCount: info.frameCount)
        var shape = (0, 0)
        do {
            // One frame in memory at a time; numbers are source frame numbers (with --every 2: 0001, 0003 …).
            try VideoReader.forEachFrame(video, options: options) { frame, index in
                try dumper.write(frame.pixels, width: frame.width, height: frame.height, index: index)
                shape = (frame.width, frame.height)
            }
        } catch {
            dumper.removeWritten()
            throw error
        }
        print("wrote \(dumper.written.count) frames (\(shape.0)x\(shape.1)) to \(out)")
    }
}

/// Parses "HxW" (e.g. 320x512).
func parseSize(_ text: String, flag: String) throws -> (height: Int, width: Int) {
    let parts = text.lowercased().split(separator: "x")
    guard parts.count == 2, let h = Int(parts[0]), let w = Int(parts[1]), h > 0, w > 0 else {
        throw FSError("\(flag) must look like HxW (e.g. 320x512), got '\(text)'")
    }
    return (h, w)
}
