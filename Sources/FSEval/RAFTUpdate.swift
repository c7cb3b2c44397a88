import FSCheckpoint
import FSTensor

/// RAFT `BasicUpdateBlock`: motion encoder, SepConvGRU, flow head and the convex-upsampling mask head.
struct RAFTUpdateBlock {
    // BasicMotionEncoder
    let convc1, convc2, convf1, convf2, conv: RAFTConv
    // SepConvGRU: (1×5) then (5×1)
    let convz1, convr1, convq1, convz2, convr2, convq2: RAFTConv
    // FlowHead and mask
    let flow1, flow2, mask0, mask2: RAFTConv

    init(_ w: WeightLoader, hidden: Int = 128, context: Int = 128) {
        let p = "update_block."
        let corr = RAFTCorrelation.channels
        convc1 = RAFTConv(w, p + "encoder.convc1", inC: corr, outC: 256, kernel: 1)
        convc2 = RAFTConv(w, p + "encoder.convc2", inC: 256, outC: 192, kernel: 3)
        convf1 = RAFTConv(w, p + "encoder.convf1", inC: 2, outC: 128, kernel: 7)
        convf2 = RAFTConv(w, p + "encoder.convf2", inC: 128, outC: 64, kernel: 3)
        conv = RAFTConv(w, p + "encoder.conv", inC: 64 + 192, outC: 128 - 2, kernel: 3)
        let gin = hidden + context + 128
        convz1 = RAFTConv(w, p + "gru.convz1", inC: gin, outC: hidden, kernel: (1, 5))
        convr1 = RAFTConv(w, p + "gru.convr1", inC: gin, outC: hidden, kernel: (1, 5))
        convq1 = RAFTConv(w, p + "gru.convq1", inC: gin, outC: hidden, kernel: (1, 5))
        convz2 = RAFTConv(w, p + "gru.convz2", inC: gin, outC: hidden, kernel: (5, 1))
        convr2 = RAFTConv(w, p + "gru.convr2", inC: gin, outC: hidden, kernel: (5, 1))
        convq2 = RAFTConv(w, p + "gru.convq2", inC: gin, outC: hidden, kernel: (5, 1))
        flow1 = RAFTConv(w, p + "flow_head.conv1", inC: hidden, outC: 256, kernel: 3)
        flow2 = RAFTConv(w, p + "flow_head.conv2", inC: 256, outC: 2, kernel: 3)
        mask0 = RAFTConv(w, p + "mask.0", inC: hidden, outC: 256, kernel: 3)
        mask2 = RAFTConv(w, p + "mask.2", inC: 256, outC: 64 * 9, kernel: 1)
    }

    /// One GRU half: z = σ(convz[h,x]), r = σ(convr[h,x]), q = tanh(convq[r·h, x]), h = (1−z)·h + z·q.
    func gruStep(_ h: Tensor, _ x: Tensor, _ cz: RAFTConv, _ cr: RAFTConv, _ cq: RAFTConv) -> Tensor {
        let hx = concatChannels([h, x])
        let z = cz(hx).sigmoid, r = cr(hx).sigmoid
        let q = cq(concatChannels([r * h, x])).tanhed
        var out = h
        for i in 0..<out.count { out.data[i] = (1 - z.data[i]) * h.data[i] + z.data[i] * q.data[i] }
        return out
    }

    /// (net, inp, corr, flow) → (new net, mask·0.25 [1,576,H,W], delta flow [1,2,H,W]).
    func callAsFunction(net: Tensor, inp: Tensor, corr: Tensor, flow: Tensor) -> (Tensor, Tensor, Tensor) {
        let cor = convc2(convc1(corr).relu).relu
        let flo = convf2(convf1(flow).relu).relu
        let motion = concatChannels([conv(concatChannels([cor, flo])).relu, flow])
        let x = concatChannels([inp, motion])
        var h = gruStep(net, x, convz1, convr1, convq1)
        h = gruStep(h, x, convz2, convr2, convq2)
        let delta = flow2(flow1(h).relu)
        let mask = mask2(mask0(h).relu) * 0.25
        return (h, mask, delta)
    }
}

/// Elementwise product and scaling without depending on the FSTensor op set.
extension Tensor {
    static func * (a: Tensor, b: Tensor) -> Tensor {
        precondition(a.shape == b.shape)
        return Tensor(shape: a.shape, data: zip(a.data, b.data).map { $0 * $1 })
    }
}

/// Convex upsampling: full-res pixel (8y+dy, 8x+dx) = Σ_k softmax_k(mask[k·64 + dy·8 + dx, y, x]) ·
/// 8·flow[:, y+ky−1, x+kx−1] over the 3×3 neighbours k = ky·3 + kx (zero flow outside).
package func raftConvexUpsample(flow: Tensor, mask: Tensor) -> Tensor {
    let h = flow.shape[2], w = flow.shape[3], n = h * w
    var out = Tensor(zeros: [1, 2, 8 * h, 8 * w])
    let ow = 8 * w, on = 64 * n
    out.data.withUnsafeMutableBufferPointer { op in
        let o = op.baseAddress!
        ParallelFor.run(h) { rows in
            for y in rows { for x in 0..<w { for dy in 0..<8 { for dx in 0..<8 {
                var logits = [Double](repeating: 0, count: 9)
                var mx = -Double.infinity
                for k in 0..<9 {
                    logits[k] = Double(mask.data[(k * 64 + dy * 8 + dx) * n + y * w + x]); mx = Swift.max(mx, logits[k])
                }
                var sum = 0.0
                for k in 0..<9 { logits[k] = Foundation.exp(logits[k] - mx); sum += logits[k] }
                var u = 0.0, v = 0.0
                for k in 0..<9 {
                    let yy = y + k / 3 - 1, xx = x + k % 3 - 1
                    if yy < 0 || yy >= h || xx < 0 || xx >= w { continue }
                    let wk = logits[k] / sum
                    u += wk * 8 * Double(flow.data[yy * w + xx])
                    v += wk * 8 * Double(flow.data[n + yy * w + xx])
                }
                let idx = (8 * y + dy) * ow + 8 * x + dx
                o[idx] = Float(u); o[on + idx] = Float(v)
            } } } }
        }
    }
    return out
}

import Foundation
