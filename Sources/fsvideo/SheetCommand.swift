import ArgumentParser
import Foundation
import FSTensor
import FSVideo
import FSCommandLine

struct SheetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sheet",
        abstract: "Write a contact sheet (grid of evenly spaced frames, labelled with frame numbers) of a video.")

    @Argument(help: "A video file or a folder of PNG/JPEG frames.")
    var video: String

    @Option(name: .long, help: "Output PNG file.")
    var out: String

    @Option(name: .long, help: "Number of frames shown.")
    var count: Int = 16

    @Option(name: .long, help: "Columns of the grid (default: near-square).")
    var columns: Int?

    @Option(name: .long, help: "Width of each tile in pixels (default: frame width, at most 256).")
    var tileWidth: Int?

    func run() throws {
        try FlagCheck.int(count, "--count", 1...4096)
        try FlagCheck.int(columns, "--columns", 1...4096)
        try FlagCheck.int(tileWidth, "--tile-width", 8...4096)
        try InputOutputGuard.requireExtension(out, ["png"], writes: "a PNG image")
        guard FileManager.default.fileExists(atPath: video) else { throw FSError("\(video): no such file or directory") }
        try InputOutputGuard.check(output: out, isDirectory: false, inputs: [video])
        let sheet = try ContactSheet(video: video, count: count, columns: columns, tileWidth: tileWidth)
        try sheet.writePNG(to: out)
        print("wrote \(out) (\(sheet.width)x\(sheet.height), frames \(sheet.frameIndices.map { String($0 + 1) }.joined(separator: " ")))")
    }
}
