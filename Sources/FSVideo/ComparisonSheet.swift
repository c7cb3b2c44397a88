import Foundation
import FSTensor

extension ContactSheet {
    /// A side-by-side comparison of videos of one size: one row per video, in the order given, each showing the
    /// same `count` evenly spaced frames (labelled with their frame numbers), so a column compares one moment.
    public init(comparing paths: [String], count: Int = 8, tileWidth: Int? = nil) throws {
        guard !paths.isEmpty else { throw FSError("comparison sheet: no videos") }
        guard count >= 1 else { throw FSError("comparison sheet: frame count must be ≥ 1, got \(count)") }
        var tiles: Frames? = nil
        var indices: [Int] = []
        var perRow: Int? = nil
        for path in paths {
            let info = try VideoReader.info(path)
            let total = info.frameCountIsExact ? info.frameCount : try VideoReader.countFrames(path)
            var options = VideoReadOptions()
            options.frameIndices = Self.evenlySpaced(count: count, of: total)
            var row: [Int] = []
            try VideoReader.forEachFrame(path, options: options) { frame, index in
                if tiles == nil { tiles = Frames(count: 0, height: frame.height, width: frame.width, pixels: []) }
                guard frame.height == tiles!.height, frame.width == tiles!.width else {
                    throw FSError("comparison sheet: \(path) is \(frame.height)x\(frame.width), the first video \(tiles!.height)x\(tiles!.width)")
                }
                tiles!.append(frame: frame.pixels)
                row.append(index)
            }
            guard !row.isEmpty else { throw FSError("comparison sheet: \(path) has no frames") }
            if let n = perRow, n != row.count { throw FSError("comparison sheet: \(path) has \(row.count) frames to show, the first video \(n)") }
            perRow = row.count
            indices += row
        }
        try self.init(tiles: tiles!, indices: indices, columns: perRow!, tileWidth: tileWidth)
    }
}
