import Foundation
import FSTensor

/// A video as 8-bit RGB frames: [T,H,W,3] bytes, row-major (what FSVideo decodes).
public struct RGBVideo: Sendable {
    public var frames: Int
    public var height: Int
    public var width: Int
    public var bytes: [UInt8]
    public var fps: Double

    public init(frames: Int, height: Int, width: Int, bytes: [UInt8], fps: Double = 8) {
        precondition(bytes.count == frames * height * width * 3, "RGBVideo: byte count does not match \(frames)x\(height)x\(width)x3")
        self.frames = frames; self.height = height; self.width = width; self.bytes = bytes; self.fps = fps
    }

    /// The first `n` frames.
    public func prefix(_ n: Int) -> RGBVideo {
        let k = Swift.min(n, frames)
        return RGBVideo(frames: k, height: height, width: width, bytes: Array(bytes[0..<(k * height * width * 3)]), fps: fps)
    }
}

/// FVD video preprocessing of common_metrics_on_video_quality (`fvd/videogpt/fvd.py` preprocess and
/// `fvd/styleganv/fvd.py` preprocess_single): short side to 224 (bilinear, align_corners=False, no
/// antialias), center crop 224×224, values mapped to [−1, 1]. Computed in Float64.
public enum FVDPreprocess {
    public static let resolution = 224

    /// Resize target (height, width). The ceil is of the floating-point product, as the reference
    /// computes it: 224/48·54 = 253.00000000000003 → 253 (not 252).
    public static func targetSize(height h: Int, width w: Int, resolution r: Int = resolution) -> (Int, Int) {
        let scale = Double(r) / Double(Swift.min(h, w))
        if h < w { return (r, Int((Double(w) * scale).rounded(.up))) }
        return (Int((Double(h) * scale).rounded(.up)), r)
    }

    /// preprocess()'s float→uint8 step: float32 multiply by 255, then truncation (0.5 → 127).
    public static func quantize(_ x: Float) -> UInt8 {
        let v = x * 255
        if !(v > 0) { return 0 }
        return v >= 255 ? 255 : UInt8(v)
    }

    /// Bilinear resize of one plane (torch F.interpolate, align_corners=False, antialias off) in Float64.
    static func resizePlane(_ src: (Int, Int) -> Double, inH: Int, inW: Int, outH: Int, outW: Int) -> [Double] {
        func taps(_ outN: Int, _ inN: Int) -> [(Int, Int, Double)] {
            let scale = Double(inN) / Double(outN)
            return (0..<outN).map { d in
                let s = Swift.max((Double(d) + 0.5) * scale - 0.5, 0)
                let i0 = Swift.min(Int(s), inN - 1)
                let i1 = Swift.min(i0 + 1, inN - 1)
                return (i0, i1, s - Double(i0))
            }
        }
        let ty = taps(outH, inH), tx = taps(outW, inW)
        var out = [Double](repeating: 0, count: outH * outW)
        for y in 0..<outH {
            let (y0, y1, ly) = ty[y]
            for x in 0..<outW {
                let (x0, x1, lx) = tx[x]
                let top = (1 - lx) * src(y0, x0) + lx * src(y0, x1)
                let bot = (1 - lx) * src(y1, x0) + lx * src(y1, x1)
                out[y * outW + x] = (1 - ly) * top + ly * bot
            }
        }
        return out
    }

    /// The I3D input for one video, [1,3,T,224,224] in [−1,1]: `(resize(x) − 0.5)·2` with x = pixel/255.
    /// (The videogpt and styleganv paths differ only by float rounding for 8-bit input.)
    public static func clip(_ v: RGBVideo, resolution r: Int = resolution) -> Tensor {
        let planes = resizedPlanes(v, resolution: r)
        let (th, tw) = targetSize(height: v.height, width: v.width, resolution: r)
        let y0 = (th - r) / 2, x0 = (tw - r) / 2
        var out = Tensor(zeros: [1, 3, v.frames, r, r])
        out.data.withUnsafeMutableBufferPointer { op in
            for c in 0..<3 { for t in 0..<v.frames {
                let p = planes[t * 3 + c]
                let base = (c * v.frames + t) * r * r
                for y in 0..<r { for x in 0..<r {
                    op[base + y * r + x] = Float((p[(y + y0) * tw + x + x0] - 0.5) * 2)
                } }
            } }
        }
        return out
    }

    /// Every frame's three channels resized to the target size (values pixel/255), index t·3 + c.
    static func resizedPlanes(_ v: RGBVideo, resolution r: Int) -> [[Double]] {
        let (th, tw) = targetSize(height: v.height, width: v.width, resolution: r)
        var planes = [[Double]](repeating: [], count: v.frames * 3)
        let (h, w) = (v.height, v.width)
        v.bytes.withUnsafeBufferPointer { bp in
            let bpp = bp.baseAddress!
            planes.withUnsafeMutableBufferPointer { pp in
                let ppp = pp.baseAddress!
                ParallelFor.forEach(v.frames * 3) { i in
                    let t = i / 3, c = i % 3
                    let frame = bpp + t * h * w * 3
                    ppp[i] = resizePlane({ y, x in Double(frame[(y * w + x) * 3 + c]) / 255 },
                                         inH: h, inW: w, outH: th, outW: tw)
                }
            }
        }
        return planes
    }

    /// First frame after /255 and the resize, before crop and shift: [3,th,tw] (debug).
    public static func resizedFirstFrame(_ v: RGBVideo, resolution r: Int = resolution) -> Tensor {
        let planes = resizedPlanes(v.prefix(1), resolution: r)
        let (th, tw) = targetSize(height: v.height, width: v.width, resolution: r)
        return Tensor(shape: [3, th, tw], data: planes.flatMap { $0.map(Float.init) })
    }
}
