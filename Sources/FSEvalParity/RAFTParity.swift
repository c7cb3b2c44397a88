import Foundation
import FSCheckpoint
import FSEval
import FSTensor

/// Parity runner for `eval/raft` fixtures (weights under `param/module.`, as in `raft-things.pth`).
public enum RAFTParity {
    public static func run(_ f: ParityFixture) throws -> ParityReport {
        var report = ParityReport(title: "RAFT (standard, 20 iterations, test_mode) — \(f.path)")
        let model = try RAFT(f.stateDict.view(prefix: "param/module."))
        let im1 = try f.input("image1"), im2 = try f.input("image2")
        var encoded: RAFT.Encoded?
        var iters: [Int: RAFT.Iteration] = [:]
        let (low, up) = try model(im1, im2, iterations: 20, trace: { encoded = $0 }, onIteration: { if $0.index <= 2 { iters[$0.index] = $0 } })
        try report.check("output/flow_low", got: low, fixture: f)
        try report.check("output/flow_up", got: up, fixture: f)
        if let e = encoded {
            for (name, t) in [("fmap1", e.fmap1), ("fmap2", e.fmap2), ("cnet", e.cnet), ("net", e.net), ("inp", e.inp)]
            where f.has("debug/\(name)") { try report.check("debug/\(name)", got: t, fixture: f) }
            for l in 0..<RAFTCorrelation.levels where f.has("debug/corr_pyramid_\(l)") {
                if let level = e.corrLevel(l) { try report.check("debug/corr_pyramid_\(l)", got: level, fixture: f) }
            }
        }
        if let i1 = iters[1] {
            let checks: [(String, Tensor)] = [
                ("debug/corr_lookup_iter1", i1.corr), ("debug/net_iter1", i1.net), ("debug/up_mask_iter1", i1.mask),
                ("debug/delta_flow_iter1", i1.delta), ("debug/flow_low_iter1", i1.flowLow),
                ("debug/flow_up_iter1", raftConvexUpsample(flow: i1.flowLow, mask: i1.mask)),
            ]
            for (name, t) in checks where f.has(name) { try report.check(name, got: t, fixture: f) }
        }
        if let i2 = iters[2] {
            if f.has("debug/corr_lookup_iter2") { try report.check("debug/corr_lookup_iter2", got: i2.corr, fixture: f) }
            if f.has("debug/flow_in_iter2") { try report.check("debug/flow_in_iter2", got: i2.flowIn, fixture: f) }
        }
        if f.has("input/pad_image1") {
            let p1 = try f.input("pad_image1"), p2 = try f.input("pad_image2")
            let padder = RAFTPadder(height: p1.shape[2], width: p1.shape[3])
            let q1 = padder.pad(p1), q2 = padder.pad(p2)
            try report.check("debug/pad_image1_padded", got: q1, fixture: f)
            try report.check("debug/pad_image2_padded", got: q2, fixture: f)
            let (pl, pu) = try model(q1, q2, iterations: 20)
            try report.check("output/pad_flow_low", got: pl, fixture: f)
            try report.check("output/pad_flow_up", got: pu, fixture: f)
            try report.check("output/pad_flow_up_unpadded", got: padder.unpad(pu), fixture: f)
            try report.check("output/pad_top5_mean", got: [DynamicDegree.topFivePercentMean(flow: pu)], fixture: f)
        }
        return report
    }
}
