import CBLAS
import Foundation
import FSTensor

/// RAFT's all-pairs correlation pyramid (`CorrBlock`, 4 levels, radius 4) and its bilinear lookup.
///
/// Level 0 is `<fmap1[:, i], fmap2[:, j]> / √C` for every pixel pair; levels 1…3 are 2×2 average pools
/// over the image-2 axes (floor). Each level is stored as [H·W (image-1 pixel), h_l, w_l].
struct RAFTCorrelation {
    static let levels = 4
    static let radius = 4
    static var channels: Int { levels * (2 * radius + 1) * (2 * radius + 1) }

    let height: Int, width: Int
    /// Per level: (h_l, w_l, values [H·W · h_l · w_l]).
    var pyramid: [(h: Int, w: Int, data: [Float])]

    /// fmap1, fmap2: [1,C,H,W].
    init(_ fmap1: Tensor, _ fmap2: Tensor) {
        let c = fmap1.shape[1], h = fmap1.shape[2], w = fmap1.shape[3], n = h * w
        height = h; width = w
        var level0 = [Float](repeating: 0, count: n * n)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(n), Int32(n), Int32(c),
                    1 / Float(c).squareRoot(), fmap1.data, Int32(n), fmap2.data, Int32(n), 0, &level0, Int32(n))
        pyramid = [(h, w, level0)]
        for _ in 1..<RAFTCorrelation.levels {
            let prev = pyramid[pyramid.count - 1]
            let ph = prev.h / 2, pw = prev.w / 2
            var next = [Float](repeating: 0, count: n * ph * pw)
            prev.data.withUnsafeBufferPointer { src in
                next.withUnsafeMutableBufferPointer { dst in
                    let s = src.baseAddress!, d = dst.baseAddress!
                    ParallelFor.run(n, minChunk: 64) { rows in
                        for i in rows {
                            let si = s + i * prev.h * prev.w, di = d + i * ph * pw
                            for y in 0..<ph { for x in 0..<pw {
                                let a = si + 2 * y * prev.w + 2 * x
                                di[y * pw + x] = (a[0] + a[1] + a[prev.w] + a[prev.w + 1]) * 0.25
                            } }
                        }
                    }
                }
            }
            pyramid.append((ph, pw, next))
        }
    }

    /// Correlation features at `coords` ([1,2,H,W], channel 0 = x, 1 = y) → [1,324,H,W]. Channel
    /// l·81 + a·9 + b samples level l at (x/2^l + a − 4, y/2^l + b − 4): the window offsets are added after
    /// scaling and the outer index a moves x (the reference stacks meshgrid(dy, dx) onto (x, y)).
    /// Bilinear with zeros outside (grid_sample, align_corners=True).
    func lookup(_ coords: Tensor) -> Tensor {
        let n = height * width, r = RAFTCorrelation.radius, win = 2 * r + 1
        var out = Tensor(zeros: [1, RAFTCorrelation.channels, height, width])
        out.data.withUnsafeMutableBufferPointer { op in
            let o = op.baseAddress!
            ParallelFor.run(n, minChunk: 16) { pixels in
                for p in pixels {
                    let cx = Double(coords.data[p]), cy = Double(coords.data[n + p])
                    for (l, level) in pyramid.enumerated() {
                        let scale = Double(1 << l)
                        let lh = level.h, lw = level.w
                        level.data.withUnsafeBufferPointer { lp in
                            let m = lp.baseAddress! + p * lh * lw
                            func at(_ y: Int, _ x: Int) -> Double {
                                (x >= 0 && x < lw && y >= 0 && y < lh) ? Double(m[y * lw + x]) : 0
                            }
                            for a in 0..<win {
                                let x = cx / scale + Double(a - r)
                                let x0 = Int(x.rounded(.down)), fx = x - Double(x0)
                                for b in 0..<win {
                                    let y = cy / scale + Double(b - r)
                                    let y0 = Int(y.rounded(.down)), fy = y - Double(y0)
                                    let v = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1))
                                        + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1))
                                    o[(l * win * win + a * win + b) * n + p] = Float(v)
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Level l as [H·W, 1, h_l, w_l] (debug comparisons).
    func levelTensor(_ l: Int) -> Tensor {
        Tensor(shape: [height * width, 1, pyramid[l].h, pyramid[l].w], data: pyramid[l].data)
    }
}
