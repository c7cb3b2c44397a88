import Foundation

// Gaussian kernel and separable blur. The kernel follows FreeScale's reference construction:
// x = arange(size) − (size − 1)/2, g = exp(−x²/(2σ²)), normalised to sum 1.

/// Normalised 1-D Gaussian taps (size odd), as torch/FreeScale build them.
public func gaussianKernel1D(size: Int, sigma: Float) -> [Float] {
    precondition(size >= 1 && sigma > 0, "gaussianKernel1D: size \(size), sigma \(sigma)")
    let center = Float(size - 1) / 2
    let g = (0..<size).map { i -> Float in let x = Float(i) - center; return expf(-(x * x) / (2 * sigma * sigma)) }
    let sum = g.reduce(0, +)
    return g.map { $0 / sum }
}

/// Separable Gaussian blur along each of `axes` with zero padding (size/2 each side).
public func gaussianBlur(_ x: Tensor, kernelSize: Int, sigma: Float, axes: [Int]) -> Tensor {
    let kernel = gaussianKernel1D(size: kernelSize, sigma: sigma)
    var y = x
    for axis in axes {
        let ax = axis < 0 ? axis + x.rank : axis
        precondition(ax >= 0 && ax < x.rank, "gaussianBlur: axis \(axis) out of range for \(x.shape)")
        y = convolve1D(y, kernel: kernel, axis: ax)
    }
    return y
}

/// Correlation with `kernel` (odd length, centred) along `axis`, zero padding, same size.
func convolve1D(_ x: Tensor, kernel: [Float], axis: Int) -> Tensor {
    let len = x.shape[axis]
    let inner = x.shape[(axis + 1)...].reduce(1, *)
    let outer = x.count / Swift.max(len * inner, 1)
    let half = kernel.count / 2
    return Tensor(shape: x.shape) { out in
        x.data.withUnsafeBufferPointer { px in
            kernel.withUnsafeBufferPointer { kp in
                ParallelFor.run(outer * len, minChunk: Swift.max(1, 8192 / Swift.max(inner, 1))) { r in
                    for row in r {
                        let o = row / len, i = row % len
                        let d = out.baseAddress! + row * inner
                        d.initialize(repeating: 0, count: inner)
                        for t in 0..<kp.count {
                            let si = i + t - half
                            if si < 0 || si >= len { continue }
                            let s = px.baseAddress! + (o * len + si) * inner
                            let wt = kp[t]
                            for j in 0..<inner { d[j] += wt * s[j] }
                        }
                    }
                }
            }
        }
    }
}
