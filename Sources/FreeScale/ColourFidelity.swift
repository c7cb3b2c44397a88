// How well a higher-resolution video keeps its base video's colours, for the toy-model quality check
// (`bench freescale-toy`): the video is box-averaged back to the base size and compared with the base.
import Foundation
import FSTensor

/// Colour comparisons of videos [3, T, H, W] with values in [-1, 1] (clamped), in 8-bit RGB units.
public enum ColourFidelity {
    /// Mean colour of a video's object pixels (ObjectCount's foreground rule, pooled over frames; nil when
    /// no frame has any) and its background colour (the border median, averaged over frames), 8-bit RGB.
    public struct Colours: Sendable {
        public var object: [Double]?
        public var background: [Double]
    }

    /// The three figures of one comparison with the base video, 8-bit RGB Euclidean distances.
    public struct Comparison: Sendable {
        /// Mean over pixels and frames of |RGB(video scaled to the base size) − RGB(base)|.
        public var pixel: Double
        /// Distance between the object colours (nil when either video has no object pixels).
        public var object: Double?
        /// Distance between the background colours.
        public var background: Double
    }

    /// Compares `video` with `base` after averaging `video` over blocks down to the base size (the sizes
    /// must be integer multiples of the base's, as every FreeScale stage is).
    public static func compare(_ video: Tensor, base: Tensor) -> Comparison {
        let down = boxDownscale(video, height: base.shape[2], width: base.shape[3])
        let (a, b) = (colours(down), colours(base))
        let object: Double? = if let x = a.object, let y = b.object { distance(x, y) } else { nil }
        return Comparison(pixel: meanRGBDistance(down, base), object: object,
                          background: distance(a.background, b.background))
    }

    /// [3, T, H, W] → [3, T, height, width], each output pixel the mean of its k_h × k_w input block.
    public static func boxDownscale(_ v: Tensor, height: Int, width: Int) -> Tensor {
        let (planes, h, w) = (v.shape[0] * v.shape[1], v.shape[2], v.shape[3])
        precondition(v.rank == 4 && h % height == 0 && w % width == 0,
                     "ColourFidelity.boxDownscale: \(v.shape) onto \(height)x\(width)")
        let (kh, kw) = (h / height, w / width)
        if kh == 1 && kw == 1 { return v }
        var out = [Float](repeating: 0, count: planes * height * width)
        let scale = 1 / Float(kh * kw)
        for p in 0..<planes {
            for y in 0..<height {
                for x in 0..<width {
                    var s: Float = 0
                    for dy in 0..<kh {
                        let row = (p * h + y * kh + dy) * w + x * kw
                        for dx in 0..<kw { s += v.data[row + dx] }
                    }
                    out[(p * height + y) * width + x] = s * scale
                }
            }
        }
        return Tensor(shape: [v.shape[0], v.shape[1], height, width], data: out)
    }

    /// Mean over pixels and frames of the Euclidean RGB distance, 8-bit units (0…441).
    public static func meanRGBDistance(_ a: Tensor, _ b: Tensor) -> Double {
        precondition(a.shape == b.shape && a.rank == 4, "ColourFidelity.meanRGBDistance: \(a.shape) vs \(b.shape)")
        let n = a.shape[1] * a.shape[2] * a.shape[3]
        var sum = 0.0
        for p in 0..<n {
            var d2 = 0.0
            for c in 0..<3 { let d = byte(a.data[c * n + p]) - byte(b.data[c * n + p]); d2 += d * d }
            sum += d2.squareRoot()
        }
        return sum / Double(n)
    }

    /// Object and background colours of a video (see `Colours`).
    public static func colours(_ v: Tensor) -> Colours {
        let (t, h, w) = (v.shape[1], v.shape[2], v.shape[3])
        var object = [Double](repeating: 0, count: 3), objectPixels = 0
        var background = [Double](repeating: 0, count: 3)
        for f in 0..<t {
            var frame = [Float](repeating: 0, count: 3 * h * w)
            for c in 0..<3 {
                for p in 0..<(h * w) { frame[c * h * w + p] = (Swift.max(-1, Swift.min(1, v.data[(c * t + f) * h * w + p])) + 1) / 2 }
            }
            let bg = ObjectCount.borderMedian(frame: frame, height: h, width: w)
            for c in 0..<3 { background[c] += Double(bg[c]) * 255 / Double(t) }
            for (p, isObject) in ObjectCount.foreground(frame: frame, height: h, width: w).enumerated() where isObject {
                for c in 0..<3 { object[c] += Double(frame[c * h * w + p]) * 255 }
                objectPixels += 1
            }
        }
        return Colours(object: objectPixels == 0 ? nil : object.map { $0 / Double(objectPixels) }, background: background)
    }

    /// Euclidean distance of two colours.
    public static func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    }

    static func byte(_ x: Float) -> Double { Double((Swift.max(-1, Swift.min(1, x)) + 1) / 2 * 255) }
}
