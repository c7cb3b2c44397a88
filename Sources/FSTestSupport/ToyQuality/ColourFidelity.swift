// How well a higher-resolution video keeps its base video's colours, for the toy-model quality check
// (`fsvideo-bench freescale-toy`): the video is box-averaged back to the base size and compared with the base.
import Foundation
import FSTensor

/// Colour comparisons of videos [3, T, H, W] with values in [-1, 1] (clamped), in 8-bit RGB units.
public enum ColourFidelity {
    /// The three figures of one comparison with the base video, 8-bit RGB Euclidean distances. The regions
    /// are the base video's: its object pixels (ObjectCount's foreground rule, per frame) and the rest.
    public struct Comparison: Sendable {
        /// Mean over pixels and frames of |RGB(video scaled to the base size) − RGB(base)|.
        public var pixel: Double
        /// |mean colour of the video over the base's object pixels − the base's object colour| (nil when the
        /// base has no object pixels).
        public var object: Double?
        /// The same over the base's background pixels.
        public var background: Double
    }

    /// Compares `video` with `base` after averaging `video` over blocks down to the base size (the sizes
    /// must be integer multiples of the base's, as every FreeScale stage is).
    public static func compare(_ video: Tensor, base: Tensor) -> Comparison {
        let down = boxDownscale(video, height: base.shape[2], width: base.shape[3])
        let (t, h, w) = (base.shape[1], base.shape[2], base.shape[3])
        // sums[region][0 = base, 1 = video][channel], region 0 = object, 1 = background
        var sums = [[[Double]]](repeating: [[Double]](repeating: [0, 0, 0], count: 2), count: 2)
        var counts = [0, 0]
        for f in 0..<t {
            let frames = [base, down].map { frame($0, f) }
            for (p, isObject) in ObjectCount.foreground(frame: frames[0], height: h, width: w).enumerated() {
                let region = isObject ? 0 : 1
                counts[region] += 1
                for v in 0..<2 { for c in 0..<3 { sums[region][v][c] += Double(frames[v][c * h * w + p]) * 255 } }
            }
        }
        func regionDistance(_ r: Int) -> Double? {
            counts[r] == 0 ? nil : distance(sums[r][0].map { $0 / Double(counts[r]) }, sums[r][1].map { $0 / Double(counts[r]) })
        }
        return Comparison(pixel: meanRGBDistance(down, base), object: regionDistance(0), background: regionDistance(1) ?? 0)
    }

    /// Frame f of a video [3, T, H, W] as [3, H, W] in [0, 1] (clamped).
    static func frame(_ v: Tensor, _ f: Int) -> [Float] {
        let (t, h, w) = (v.shape[1], v.shape[2], v.shape[3])
        var out = [Float](repeating: 0, count: 3 * h * w)
        for c in 0..<3 {
            for p in 0..<(h * w) { out[c * h * w + p] = (Swift.max(-1, Swift.min(1, v.data[(c * t + f) * h * w + p])) + 1) / 2 }
        }
        return out
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

    /// Euclidean distance of two colours.
    public static func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    }

    static func byte(_ x: Float) -> Double { Double((Swift.max(-1, Swift.min(1, x)) + 1) / 2 * 255) }
}
