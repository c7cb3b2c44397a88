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
        var options = VideoReadOptions()
        if let m = max { options.maxFrames = m }
        if let s = size { options.size = try parseSize(s, flag: "--size") }
        // Read every frame up to --max·--every, then keep every N-th so file numbers match source frames.
        if let m = max { options.maxFrames = (m - 1) * every + 1 }
        let frames = try VideoReader.read(video, options: options)
        let paths = try PNGWriter.dumpFrames(frames, to: out, every: every)
        print("wrote \(paths.count) frames (\(frames.width)x\(frames.height)) to \(out)")
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
