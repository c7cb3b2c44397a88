import CBLAS
import Foundation
import FSTensor

/// RAFT's all-pairs correlation pyramid (`CorrBlock`, 4 levels, radius 4) and its bilinear lookup.
///
/// Level 0 is `<fmap1[:, i], fmap2[:, j]> / √C` for every pixel pair; levels 1…3 are 2×2 average pools
/// over the image-2 axes (floor). Each level is stored as [H·W (image-1 pixel), h_l, w_l].
package struct RAFTCorrelation {
    package static let levels = 4
    static let radius = 4
    static var channels: Int { levels * (2 * radius + 1) * (2 * radius + 1) }

    let height: Int, width: Int
    /// Per level: (h_l, w_l, values [H·W · h_l · w_l]) when materialised; empty otherwise.
    var pyramid: [(h: Int, w: Int, data: [Float])] = []
    /// On-the-fly mode: image-1 features [H·W, C] and the pooled image-2 features per level [h_l·w_l, C]
    /// (average pooling commutes with the dot product, so level l = ⟨f1, pool_l(f2)⟩/√C).
    var features1: [Float] = []
    var pooled2: [(h: Int, w: Int, data: [Float])] = []
    let channelCount: Int

    /// Pyramids larger than this are never materialised (bytes).
    nonisolated(unsafe) static var materialiseLimit = 1 << 30

    /// Whether the pyramid for `pixels` = (H/8)·(W/8) positions is stored whole.
    static func materialises(pixels n: Int) -> Bool {
        Double(n) * Double(n) * 4 * (1 + 0.25 + 0.0625 + 0.015625) <= Double(materialiseLimit)
    }

    /// fmap1, fmap2: [1,C,H,W]. `materialise` nil = decide by size.
    init(_ fmap1: Tensor, _ fmap2: Tensor, materialise: Bool? = nil) {
        let c = fmap1.shape[1], h = fmap1.shape[2], w = fmap1.shape[3], n = h * w
        height = h; width = w; channelCount = c
        if materialise ?? RAFTCorrelation.materialises(pixels: n) {
            buildPyramid(fmap1, fmap2)
        } else {
            features1 = RAFTCorrelation.transposed(fmap1.data, c, n)
            var level = (h: h, w: w, data: RAFTCorrelation.transposed(fmap2.data, c, n))
            pooled2 = [level]
            for _ in 1..<RAFTCorrelation.levels {
                let ph = level.h / 2, pw = level.w / 2
                var next = [Float](repeating: 0, count: ph * pw * c)
                for y in 0..<ph { for x in 0..<pw {
                    let a = ((2 * y) * level.w + 2 * x) * c, b = a + c, d = a + level.w * c, e = d + c, o = (y * pw + x) * c
                    for k in 0..<c { next[o + k] = (level.data[a + k] + level.data[b + k] + level.data[d + k] + level.data[e + k]) * 0.25 }
                } }
                level = (ph, pw, next)
                pooled2.append(level)
            }
        }
    }

    static func transposed(_ x: [Float], _ rows: Int, _ cols: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * cols)
        for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = x[r * cols + c] } }
        return out
    }

    mutating func buildPyramid(_ fmap1: Tensor, _ fmap2: Tensor) {
        let c = fmap1.shape[1], h = fmap1.shape[2], w = fmap1.shape[3], n = h * w
        var level0 = [Float](repeating: 0, count: n * n)
        fmap1.data.withUnsafeBufferPointer { f1 in
            fmap2.data.withUnsafeBufferPointer { f2 in
                level0.withUnsafeMutableBufferPointer { l0 in
                    BLAS.sgemm(transA: true, transB: false, m: n, n: n, k: c, alpha: 1 / Float(c).squareRoot(),
                               a: f1.baseAddress!, lda: n, b: f2.baseAddress!, ldb: n, c: l0.baseAddress!, ldc: n)
                }
            }
        }
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

    /// Level sizes.
    var levelSizes: [(h: Int, w: Int)] { (pyramid.isEmpty ? pooled2.map { ($0.h, $0.w) } : pyramid.map { ($0.h, $0.w) }) }

    /// Correlation features at `coords` ([1,2,H,W], channel 0 = x, 1 = y) → [1,324,H,W]. Channel
    /// l·81 + a·9 + b samples level l at (x/2^l + a − 4, y/2^l + b − 4): the window offsets are added after
    /// scaling and the outer index a moves x (the reference stacks meshgrid(dy, dx) onto (x, y)).
    /// Bilinear with zeros outside (grid_sample, align_corners=True).
    func lookup(_ coords: Tensor) -> Tensor {
        let n = height * width, r = RAFTCorrelation.radius, win = 2 * r + 1
        let c = channelCount, norm = 1 / Double(c).squareRoot()
        let onTheFly = pyramid.isEmpty
        var out = Tensor(zeros: [1, RAFTCorrelation.channels, height, width])
        out.data.withUnsafeMutableBufferPointer { op in
            let o = op.baseAddress!
            ParallelFor.run(n, minChunk: 16) { pixels in
                var local = [Double](repeating: 0, count: (win + 1) * (win + 1))
                for p in pixels {
                    let cx = Double(coords.data[p]), cy = Double(coords.data[n + p])
                    for l in 0..<RAFTCorrelation.levels {
                        let scale = Double(1 << l)
                        let (lh, lw) = levelSizes[l]
                        let bx = Int((cx / scale).rounded(.down)) - r, by = Int((cy / scale).rounded(.down)) - r
                        // The (2r+2)² correlation values the bilinear taps can touch (zeros outside the map).
                        for j in 0...win { for i in 0...win {
                            let x = bx + i, y = by + j
                            var v = 0.0
                            if x >= 0 && x < lw && y >= 0 && y < lh {
                                if onTheFly {
                                    var s: Float = 0
                                    features1.withUnsafeBufferPointer { f1 in
                                        pooled2[l].data.withUnsafeBufferPointer { f2 in
                                            let a = f1.baseAddress! + p * c, b = f2.baseAddress! + (y * lw + x) * c
                                            for k in 0..<c { s += a[k] * b[k] }
                                        }
                                    }
                                    v = Double(s) * norm
                                } else {
                                    v = Double(pyramid[l].data[(p * lh + y) * lw + x])
                                }
                            }
                            local[j * (win + 1) + i] = v
                        } }
                        // Offsets are whole pixels, so every tap shares the centre's fractional part.
                        let fx = cx / scale - (cx / scale).rounded(.down), fy = cy / scale - (cy / scale).rounded(.down)
                        for a in 0..<win {
                            for b in 0..<win {
                                let t = b * (win + 1) + a
                                let v = (1 - fy) * ((1 - fx) * local[t] + fx * local[t + 1])
                                    + fy * ((1 - fx) * local[t + win + 1] + fx * local[t + win + 2])
                                o[(l * win * win + a * win + b) * n + p] = Float(v)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Level l as [H·W, 1, h_l, w_l] (debug comparisons).
    func levelTensor(_ l: Int) -> Tensor? {
        pyramid.isEmpty ? nil : Tensor(shape: [height * width, 1, pyramid[l].h, pyramid[l].w], data: pyramid[l].data)
    }
}
