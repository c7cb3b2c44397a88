import Foundation
import FSTensor

/// lvdm `timestep_embedding(t, dim)`: half = dim/2, freqs_k = exp(−ln(10000)·k/half),
/// `[cos(t·freqs), sin(t·freqs)]` (cos first). Built in double precision and rounded once.
public func timestepEmbedding(_ values: [Double], dim: Int) -> Tensor {
    let half = dim / 2
    var out = Tensor(zeros: [values.count, dim])
    for (i, t) in values.enumerated() {
        for k in 0..<half {
            let freq = exp(-log(10000.0) * Double(k) / Double(half))
            let arg = t * freq
            out.data[i * dim + k] = Float(cos(arg))
            out.data[i * dim + half + k] = Float(sin(arg))
        }
        // odd dim: lvdm pads one zero column (never the case for VideoCrafter2)
    }
    return out
}

/// `time_embed` / `fps_embedding`: Linear(mc, 4mc) → SiLU → Linear(4mc, 4mc).
struct EmbeddingMLP {
    let l0: LinearLayer, l2: LinearLayer
    init(_ w: WeightScope, modelChannels: Int) {
        // The timestep embedding stays fp32 in bf16 mode.
        l0 = LinearLayer(w.with(.fp32), "0", in: modelChannels, out: 4 * modelChannels)
        l2 = LinearLayer(w.with(.fp32), "2", in: 4 * modelChannels, out: 4 * modelChannels)
    }
    func callAsFunction(_ x: Tensor) -> Tensor { l2(silu(l0(x))) }
}
