import Foundation
import FSCheckpoint
import FSTensor

/// RAFT (princeton-vl, standard model) as VBench runs it: `small=False`, no mixed precision, the
/// all-pairs correlation (`alternate_corr=False`), eval mode, weights from `raft-things.pth`.
public final class RAFT {
    let fnet: RAFTEncoder
    let cnet: RAFTEncoder
    let update: RAFTUpdateBlock
    public static let hiddenDim = 128, contextDim = 128

    /// What one iteration produced (for parity traces).
    public struct Iteration {
        public let index: Int          // 1-based
        public let corr: Tensor        // [1,324,H/8,W/8] fed to the update block
        public let flowIn: Tensor      // [1,2,H/8,W/8] fed to the update block
        public let net: Tensor         // GRU state after the update
        public let mask: Tensor        // 0.25·mask logits [1,576,H/8,W/8]
        public let delta: Tensor       // [1,2,H/8,W/8]
        public let flowLow: Tensor     // coords1 − coords0 after the update
    }

    /// Intermediate values of the encoders (for parity traces).
    public struct Encoded {
        public let fmap1, fmap2, cnet, net, inp: Tensor
        let corr: RAFTCorrelation
        public func corrLevel(_ l: Int) -> Tensor? { corr.levelTensor(l) }
    }

    /// Binds the weights of `view` (keys as `RAFT.state_dict()`: pass the checkpoint's `module.` view for
    /// `raft-things.pth`). `num_batches_tracked` counters are ignored; every other problem is reported at once.
    public convenience init(_ view: StateDictView) throws {
        let w = WeightLoader(view, what: "RAFT")
        w.ignoredKeyPrefixes = view.keys.filter { $0.hasSuffix("num_batches_tracked") }
        self.init(loader: w)
        try w.finish()
    }

    init(loader w: WeightLoader) {
        fnet = RAFTEncoder(w, "fnet", batchNorm: false)
        cnet = RAFTEncoder(w, "cnet", batchNorm: true)
        update = RAFTUpdateBlock(w)
    }

    /// Smallest frame RAFT handles: the level-3 correlation map must be at least 2×2, otherwise the
    /// reference's bilinear sampler divides by zero and returns NaN flow.
    public static let minimumSide = 128

    /// Whether the correlation pyramid for frames of `height`×`width` is stored whole (otherwise each lookup
    /// computes its correlations from pooled features). Pyramids above 1 GB are never stored.
    public static func materialisesCorrelation(height: Int, width: Int) -> Bool {
        RAFTCorrelation.materialises(pixels: (height / 8) * (width / 8))
    }

    /// Encoders and correlation pyramid. image1, image2: [1,3,H,W] RGB in [0,255], H and W multiples of 8.
    public func encode(_ image1: Tensor, _ image2: Tensor) throws -> Encoded {
        guard image1.rank == 4, image1.shape == image2.shape, image1.shape[0] == 1, image1.shape[1] == 3 else {
            throw FSError("RAFT: frames must both be [1,3,H,W], got \(image1.shape) and \(image2.shape)")
        }
        let h = image1.shape[2], w = image1.shape[3]
        guard h % 8 == 0, w % 8 == 0 else { throw FSError("RAFT: frame size \(w)x\(h) must be a multiple of 8 (pad with RAFTPadder)") }
        guard h >= RAFT.minimumSide, w >= RAFT.minimumSide else {
            throw FSError("RAFT: frames of \(w)x\(h) are too small: the reference needs at least \(RAFT.minimumSide)x\(RAFT.minimumSide) (smaller inputs give NaN flow)")
        }
        let i1 = image1.mapped { 2 * ($0 / 255) - 1 }, i2 = image2.mapped { 2 * ($0 / 255) - 1 }
        let f1 = fnet(i1), f2 = fnet(i2)
        let c = cnet(i1)
        let net = c.channels(0..<RAFT.hiddenDim).tanhed
        let inp = c.channels(RAFT.hiddenDim..<(RAFT.hiddenDim + RAFT.contextDim)).relu
        return Encoded(fmap1: f1, fmap2: f2, cnet: c, net: net, inp: inp, corr: RAFTCorrelation(f1, f2))
    }

    /// `model(image1, image2, iters, test_mode=True)`: (flow_low [1,2,H/8,W/8], flow_up [1,2,H,W]).
    public func callAsFunction(_ image1: Tensor, _ image2: Tensor, iterations: Int = 20,
                               trace: ((Encoded) -> Void)? = nil,
                               onIteration: ((Iteration) -> Void)? = nil) throws -> (flowLow: Tensor, flowUp: Tensor) {
        let e = try encode(image1, image2)
        trace?(e)
        let h8 = e.fmap1.shape[2], w8 = e.fmap1.shape[3], n = h8 * w8
        // coords_grid: channel 0 = x (column), channel 1 = y (row).
        var coords0 = Tensor(zeros: [1, 2, h8, w8])
        for y in 0..<h8 { for x in 0..<w8 { coords0.data[y * w8 + x] = Float(x); coords0.data[n + y * w8 + x] = Float(y) } }
        var flow = Tensor(zeros: [1, 2, h8, w8])   // coords1 − coords0
        var net = e.net
        var mask = Tensor(zeros: [1, 576, h8, w8])
        for it in 1...Swift.max(1, iterations) {
            var coords1 = coords0
            for i in 0..<coords1.count { coords1.data[i] += flow.data[i] }
            let corr = e.corr.lookup(coords1)
            let (newNet, m, delta) = update(net: net, inp: e.inp, corr: corr, flow: flow)
            let flowIn = flow
            net = newNet; mask = m
            // coords1 += delta, flow = coords1 − coords0 (kept as the difference; same values).
            for i in 0..<coords1.count { coords1.data[i] += delta.data[i]; flow.data[i] = coords1.data[i] - coords0.data[i] }
            onIteration?(Iteration(index: it, corr: corr, flowIn: flowIn, net: net, mask: mask, delta: delta, flowLow: flow))
        }
        return (flow, raftConvexUpsample(flow: flow, mask: mask))
    }
}

/// RAFT's `InputPadder` (mode 'sintel', as VBench uses it): replicate padding to multiples of 8 with
/// left = pw/2, right = pw − pw/2, top = ph/2, bottom = ph − ph/2.
public struct RAFTPadder: Sendable {
    public let height: Int, width: Int
    public let left: Int, right: Int, top: Int, bottom: Int

    public init(height: Int, width: Int) {
        self.height = height; self.width = width
        let ph = (((height / 8) + 1) * 8 - height) % 8, pw = (((width / 8) + 1) * 8 - width) % 8
        left = pw / 2; right = pw - pw / 2; top = ph / 2; bottom = ph - ph / 2
    }

    public var paddedHeight: Int { height + top + bottom }
    public var paddedWidth: Int { width + left + right }

    /// x [N,C,H,W] → [N,C,H+ph,W+pw] with edge replication.
    public func pad(_ x: Tensor) -> Tensor {
        let n = x.shape[0] * x.shape[1], ph = paddedHeight, pw = paddedWidth
        var out = Tensor(zeros: [x.shape[0], x.shape[1], ph, pw])
        for p in 0..<n { for y in 0..<ph {
            let sy = Swift.min(Swift.max(y - top, 0), height - 1)
            for xx in 0..<pw {
                let sx = Swift.min(Swift.max(xx - left, 0), width - 1)
                out.data[(p * ph + y) * pw + xx] = x.data[(p * height + sy) * width + sx]
            }
        } }
        return out
    }

    /// Crops a padded [N,C,Hp,Wp] tensor back to [N,C,H,W].
    public func unpad(_ x: Tensor) -> Tensor {
        let n = x.shape[0] * x.shape[1], ph = x.shape[2], pw = x.shape[3]
        var out = Tensor(zeros: [x.shape[0], x.shape[1], height, width])
        for p in 0..<n { for y in 0..<height { for xx in 0..<width {
            out.data[(p * height + y) * width + xx] = x.data[(p * ph + y + top) * pw + xx + left]
        } } }
        return out
    }
}
