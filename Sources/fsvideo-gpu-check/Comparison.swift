import FSTensor

/// How far a device result is from the CPU reference: max |Δ| and max |Δ| / max |ref| (scale-free).
struct Comparison {
    let maxAbs: Double
    let relative: Double
    let finite: Bool

    init(_ got: Tensor, _ ref: Tensor) {
        var maxAbs = 0.0, maxRef = 0.0, finite = got.shape == ref.shape
        if finite {
            for i in 0..<got.count {
                let g = Double(got.data[i]), r = Double(ref.data[i])
                if !g.isFinite { finite = false; break }
                maxAbs = Swift.max(maxAbs, abs(g - r)); maxRef = Swift.max(maxRef, abs(r))
            }
        }
        self.maxAbs = finite ? maxAbs : .infinity
        self.relative = finite ? maxAbs / Swift.max(maxRef, 1e-12) : .infinity
        self.finite = finite
    }
}
