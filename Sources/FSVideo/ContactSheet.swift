import Foundation
import FSTensor

/// A grid of evenly spaced frames of a clip, each labelled with its 1-based frame number (as in frames/0001.png).
public struct ContactSheet {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]
    /// 0-based indices of the frames shown, in reading order.
    public var frameIndices: [Int]

    /// `count` frame indices spread evenly from the first frame to the last.
    public static func evenlySpaced(count n: Int, of total: Int) -> [Int] {
        let k = min(n, total)
        guard k > 1 else { return total > 0 ? [0] : [] }
        return (0..<k).map { Int((Double($0 * (total - 1)) / Double(k - 1)).rounded()) }
    }

    /// Lays out up to `count` frames in `columns` columns (default: a near-square grid), each scaled to
    /// `tileWidth` pixels wide (default: the frame width, at most 256), 4-pixel gaps on a dark background.
    public init(frames: Frames, count: Int = 16, columns: Int? = nil, tileWidth: Int? = nil) throws {
        guard frames.count > 0 else { throw FSError("contact sheet: the clip has no frames") }
        guard count >= 1 else { throw FSError("contact sheet: frame count must be ≥ 1, got \(count)") }
        let indices = Self.evenlySpaced(count: count, of: frames.count)
        try self.init(tiles: frames.selecting(indices), indices: indices, columns: columns, tileWidth: tileWidth)
    }

    /// The sheet of a video file or frame folder, decoding only the frames shown.
    public init(video path: String, count: Int = 16, columns: Int? = nil, tileWidth: Int? = nil) throws {
        guard count >= 1 else { throw FSError("contact sheet: frame count must be ≥ 1, got \(count)") }
        let info = try VideoReader.info(path)
        let total = info.frameCountIsExact ? info.frameCount : try VideoReader.countFrames(path)
        var options = VideoReadOptions()
        options.frameIndices = Self.evenlySpaced(count: count, of: total)
        var tiles: Frames? = nil
        var indices: [Int] = []
        try VideoReader.forEachFrame(path, options: options) { frame, index in
            if tiles == nil { tiles = Frames(count: 0, height: frame.height, width: frame.width, pixels: []) }
            tiles!.append(frame: frame.pixels)
            indices.append(index)
        }
        try self.init(tiles: tiles!, indices: indices, columns: columns, tileWidth: tileWidth)
    }

    /// Lays out `tiles` (frame k labelled with source index indices[k] + 1).
    init(tiles frames: Frames, indices: [Int], columns: Int?, tileWidth: Int?) throws {
        if let c = columns, c < 1 { throw FSError("contact sheet: columns must be ≥ 1, got \(c)") }
        if let w = tileWidth, w < 8 || w > 4096 { throw FSError("contact sheet: tile width must be 8…4096, got \(w)") }
        precondition(frames.count == indices.count && frames.count > 0)
        let cols = columns.map { min($0, indices.count) } ?? Int(Double(indices.count).squareRoot().rounded(.up))
        let rows = (indices.count + cols - 1) / cols
        let tw = tileWidth ?? min(frames.width, 256)
        let th = max(1, Int((Double(frames.height) * Double(tw) / Double(frames.width)).rounded()))
        let gap = 4
        width = cols * tw + (cols + 1) * gap
        height = rows * th + (rows + 1) * gap
        var img = [UInt8](repeating: 32, count: width * height * 3)
        let scale = max(1, th / 48)
        for (k, idx) in indices.enumerated() {
            let tile = try RGBImage.resize(frames.frame(k), width: frames.width, height: frames.height,
                                           toWidth: tw, toHeight: th, interpolation: .area)
            let ox = gap + (k % cols) * (tw + gap), oy = gap + (k / cols) * (th + gap)
            for y in 0..<th {
                let d = ((oy + y) * width + ox) * 3
                for x in 0..<(tw * 3) { img[d + x] = tile[y * tw * 3 + x] }
            }
            // Label: white digits on a black box in the tile's top-left corner.
            let label = "\(idx + 1)"
            let lw = BitmapFont.width(of: label, scale: scale) + 2 * scale
            let lh = BitmapFont.glyphHeight * scale + 2 * scale
            for y in oy..<min(oy + lh, oy + th) {
                for x in ox..<min(ox + lw, ox + tw) {
                    let o = (y * width + x) * 3
                    img[o] = 0; img[o + 1] = 0; img[o + 2] = 0
                }
            }
            BitmapFont.draw(label, x: ox + scale, y: oy + scale, scale: scale, color: (255, 255, 255),
                            into: &img, width: width, height: height)
        }
        pixels = img
        frameIndices = indices
    }

    /// Writes the sheet as a PNG (through a temporary).
    public func writePNG(to path: String) throws {
        try PNGWriter.write(rgb: pixels, width: width, height: height, to: path)
    }
}
