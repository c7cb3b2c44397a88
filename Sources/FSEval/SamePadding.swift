import FSTensor

/// TensorFlow "SAME" padding as pytorch-i3d computes it, and the max pool that uses it.
enum SamePadding {
    /// Padding (front, back) for one axis of size `size`: p = max(k − st, 0) if size % st == 0 else
    /// max(k − size % st, 0); the odd extra goes at the back.
    static func pad(size: Int, kernel: Int, stride: Int) -> (Int, Int) {
        let p = size % stride == 0 ? Swift.max(kernel - stride, 0) : Swift.max(kernel - size % stride, 0)
        return (p / 2, p - p / 2)
    }

    /// Front and back padding for (t, h, w) of x [N,C,T,H,W].
    static func pads(_ shape: [Int], kernel: [Int], stride: [Int]) -> (front: [Int], back: [Int]) {
        var f = [Int](), b = [Int]()
        for a in 0..<3 {
            let (p0, p1) = pad(size: shape[2 + a], kernel: kernel[a], stride: stride[a])
            f.append(p0); b.append(p1)
        }
        return (f, b)
    }

    /// MaxPool3dSamePadding: zero padding by the SAME rule (the reference pads with zeros, not −∞;
    /// harmless after ReLU), then max pooling in floor mode.
    static func maxPool3d(_ x: Tensor, kernel: [Int], stride: [Int]) -> Tensor {
        let (front, back) = pads(x.shape, kernel: kernel, stride: stride)
        let (n, c, t, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4])
        let to = (t + front[0] + back[0] - kernel[0]) / stride[0] + 1
        let ho = (h + front[1] + back[1] - kernel[1]) / stride[1] + 1
        let wo = (w + front[2] + back[2] - kernel[2]) / stride[2] + 1
        var out = Tensor(zeros: [n, c, to, ho, wo])
        x.data.withUnsafeBufferPointer { xp in
            out.data.withUnsafeMutableBufferPointer { op in
                let xpp = xp.baseAddress!, opp = op.baseAddress!
                ParallelFor.run(n * c) { r in
                    for nc in r {
                        let src = xpp + nc * t * h * w, dst = opp + nc * to * ho * wo
                        for a in 0..<to { for y in 0..<ho { for z in 0..<wo {
                            var m = -Float.infinity
                            var padded = false
                            for dt in 0..<kernel[0] {
                                let ti = a * stride[0] - front[0] + dt
                                if ti < 0 || ti >= t { padded = true; continue }
                                for dy in 0..<kernel[1] {
                                    let yi = y * stride[1] - front[1] + dy
                                    if yi < 0 || yi >= h { padded = true; continue }
                                    for dz in 0..<kernel[2] {
                                        let zi = z * stride[2] - front[2] + dz
                                        if zi < 0 || zi >= w { padded = true; continue }
                                        m = Swift.max(m, src[(ti * h + yi) * w + zi])
                                    }
                                }
                            }
                            if padded { m = Swift.max(m, 0) }
                            dst[(a * ho + y) * wo + z] = m
                        } } }
                    }
                }
            }
        }
        return out
    }
}
