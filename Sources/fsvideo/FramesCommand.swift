import ArgumentParser
import Foundation
import FreeScale
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
    var size: FrameSize?

    @Flag(help: "Replace an earlier `fsvideo frames` output folder (never a folder holding other files).")
    var overwrite = false

    func run() throws {
        try FlagCheck.int(every, "--every", 1...1_000_000)
        try FlagCheck.int(max, "--max", 1...10_000_000)
        try FlagCheck.size(size.map { [$0] } ?? [], "--size")
        var options = VideoReadOptions()
        options.stride = every
        options.maxFrames = max
        if let size { options.size = (size.height, size.width) }
        guard FileManager.default.fileExists(atPath: video) else { throw FSError("\(video): no such file or directory") }
        try InputOutputGuard.check(output: out, isDirectory: true, inputs: [video])
        let info = try VideoReader.info(video)
        let (h, w) = options.size ?? (info.height, info.width)
        let count = Swift.min(max ?? Int.max, (info.frameCount + every - 1) / every)
        // Everything goes into a temporary folder renamed into place at the end (never mixed with other files).
        let output = try OutputDirectory(path: out, overwrite: overwrite, kind: "frames", expectedBytes: count * h * w)
        defer { output.discard() }
        let dumper = try FrameDumper(directory: output.tempPath, frameCount: info.frameCount)
        var shape = (0, 0)
        // One frame in memory at a time; numbers are source frame numbers (with --every 2: 0001, 0003 …).
        try VideoReader.forEachFrame(video, options: options) { frame, index in
            try dumper.write(frame.pixels, width: frame.width, height: frame.height, index: index)
            shape = (frame.width, frame.height)
        }
        try output.commit()
        print("wrote \(dumper.written.count) frames (\(shape.0)x\(shape.1)) to \(output.publishedPath)")
    }
}
