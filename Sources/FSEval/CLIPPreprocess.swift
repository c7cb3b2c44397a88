import Foundation
import FSTensor

/// VBench's `clip_transform(224)` for the aesthetic dimension (vbench/utils.py), applied to decoded
/// RGB frames converted to float32 (`torch.Tensor(buffer)`): torchvision `Resize(224, BICUBIC,
/// antialias=False)` on the short side, `CenterCrop(224)`, `/255`, `Normalize(CLIP mean, std)`.
/// Sample positions and cubic weights are derived in Float64; the sums are accumulated in Float64.
public enum CLIPPreprocess {
    public static let resolution = 224
    /// OpenAI CLIP normalisation constants (float32 in the reference).
    public static let mean: [Float] = [0.48145466, 0.4578275, 0.40821073]
    public static let std: [Float] = [0.26862954, 0.26130258, 0.27577711]

    /// torchvision `_compute_resized_output_size` for an int size: short side → 224, long side
    /// `int(224 * long / short)` (truncated, on purpose: rounding moves scores by up to 9e-3).
    public static func resizedSize(height h: Int, width w: Int, size: Int = resolution) -> (height: Int, width: Int) {
        if w <= h { return (size * h / w, size) }
        return (size, size * w / h)
    }

    /// `CenterCrop`: `int(round((n - crop) / 2.0))` with Python's round-half-to-even (44.5 → 44, on purpose).
    public static func cropOffset(_ n: Int, crop: Int = resolution) -> Int {
        Int((Double(n - crop) / 2).rounded(.toNearestOrEven))
    }

    /// Taps and weights of torch's bicubic (A = −0.75, align_corners=False, no antialias) along one axis.
    /// `src = scale·(i + 0.5) − 0.5` is deliberately not clamped (cubic mode), taps are clamped to the edge.
    static func cubicTaps(input nIn: Int, output nOut: Int) -> (index: [Int], weight: [Double]) {
        let a = -0.75
        func cc1(_ x: Double) -> Double { ((a + 2) * x - (a + 3)) * x * x + 1 }
        func cc2(_ x: Double) -> Double { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
        let scale = Double(nIn) / Double(nOut)
        var index = [Int](repeating: 0, count: nOut * 4), weight = [Double](repeating: 0, count: nOut * 4)
        for i in 0..<nOut {
            let src = scale * (Double(i) + 0.5) - 0.5
            let i0 = Swift.min(Int(src.rounded(.down)), nIn - 1)
            let t = Swift.min(Swift.max(src - Double(i0), 0), 1)
            let w = [cc2(t + 1), cc1(t), cc1(1 - t), cc2(2 - t)]
            for k in 0..<4 {
                index[i * 4 + k] = Swift.min(Swift.max(i0 - 1 + k, 0), nIn - 1)
                weight[i * 4 + k] = w[k]
            }
        }
        return (index, weight)
    }

    /// Bicubic resize of one RGB uint8 frame (HWC) to [3, outH, outW] on the 0…255 scale, unclamped
    /// (the reference resizes a float32 tensor, so overshoot goes through to the network, on purpose).
    public static func resize(frame: UnsafeBufferPointer<UInt8>, height h: Int, width w: Int,
                              outHeight oh: Int, outWidth ow: Int) -> [Double] {
        let (xi, xw) = cubicTaps(input: w, output: ow)
        let (yi, yw) = cubicTaps(input: h, output: oh)
        var rows = [Double](repeating: 0, count: 3 * h * ow)   // horizontal pass: [3, h, ow]
        for y in 0..<h {
            for x in 0..<ow {
                for c in 0..<3 {
                    var s = 0.0
                    for k in 0..<4 { s += xw[x * 4 + k] * Double(frame[(y * w + xi[x * 4 + k]) * 3 + c]) }
                    rows[(c * h + y) * ow + x] = s
                }
            }
        }
        var out = [Double](repeating: 0, count: 3 * oh * ow)
        for c in 0..<3 {
            for y in 0..<oh {
                for k in 0..<4 {
                    let src = (c * h + yi[y * 4 + k]) * ow, wk = yw[y * 4 + k], dst = (c * oh + y) * ow
                    for x in 0..<ow { out[dst + x] += wk * rows[src + x] }
                }
            }
        }
        return out
    }

    /// One frame → [3, 224, 224] pixel values: resize, crop, `/255`, `(x − mean) / std` in float32.
    public static func pixelValues(frame: UnsafeBufferPointer<UInt8>, height h: Int, width w: Int,
                                   into dst: UnsafeMutablePointer<Float>) {
        let (oh, ow) = resizedSize(height: h, width: w)
        let r = resize(frame: frame, height: h, width: w, outHeight: oh, outWidth: ow)
        let top = cropOffset(oh), left = cropOffset(ow), n = resolution
        for c in 0..<3 {
            for y in 0..<n {
                for x in 0..<n {
                    let v = Float(r[(c * oh + top + y) * ow + left + x]) / 255
                    dst[(c * n + y) * n + x] = (v - mean[c]) / std[c]
                }
            }
        }
    }

    /// Frames `range` of a video → [count, 3, 224, 224].
    public static func pixelValues(_ v: RGBVideo, frames range: Range<Int>) -> Tensor {
        let n = resolution, frameBytes = v.height * v.width * 3
        return Tensor(shape: [range.count, 3, n, n]) { out in
            v.bytes.withUnsafeBufferPointer { all in
                ParallelFor.forEach(range.count) { i in
                    let t = range.lowerBound + i
                    let frame = UnsafeBufferPointer(rebasing: all[(t * frameBytes)..<((t + 1) * frameBytes)])
                    pixelValues(frame: frame, height: v.height, width: v.width, into: out.baseAddress! + i * 3 * n * n)
                }
            }
        }
    }

    /// Frame 0 after the resize, before the crop: [3, h', w'] on the 0…255 scale (for the parity check).
    public static func resizedFirstFrame(_ v: RGBVideo) -> Tensor {
        let (oh, ow) = resizedSize(height: v.height, width: v.width)
        let r = v.bytes.withUnsafeBufferPointer {
            resize(frame: UnsafeBufferPointer(rebasing: $0[0..<(v.height * v.width * 3)]), height: v.height, width: v.width,
                   outHeight: oh, outWidth: ow)
        }
        return Tensor(shape: [3, oh, ow], data: r.map { Float($0) })
    }
}
