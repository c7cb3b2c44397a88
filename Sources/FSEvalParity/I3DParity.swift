import Foundation
import FSCheckpoint
import FSEval
import FSTensor

/// Parity runner for `eval/i3d` fixtures (../shared/fixtures/eval/i3d.safetensors).
public enum I3DParity {
    public static func run(_ f: ParityFixture) throws -> ParityReport {
        var report = ParityReport(title: "I3D (InceptionI3d, eval BatchNorm, SAME padding) — \(f.path)")
        var config = I3DConfig()
        if let d = f.configJSON, let c = try? JSONDecoder().decode(I3DConfig.self, from: d) { config = c }
        let model = try I3D(f.params, config: config)
        let video = try f.input("video")
        var endpoints: [String: Tensor] = [:]
        let m5c = try model.mixed5c(video) { name, t in endpoints[name] = t }
        let feats = I3D.averagePool(m5c)
        let perT = try model.logitsPerTime(features: feats)
        try report.check("output/logits", got: I3D.timeMean(perT), fixture: f)
        try report.check("output/features", got: feats, fixture: f)
        if f.has("debug/logits_per_t") { try report.check("debug/logits_per_t", got: perT, fixture: f) }
        for name in I3D.endpointNames {
            guard let e = endpoints[name] else { continue }
            if f.has("debug/\(name)/channel_mean") {
                try report.check("debug/\(name)/channel_mean", got: channelMean(e), fixture: f)
            }
            for corner in ["tl", "br"] where f.has("debug/\(name)/corner_\(corner)") {
                try report.check("debug/\(name)/corner_\(corner)", got: corner3x3(e, bottomRight: corner == "br"), fixture: f)
            }
        }
        if f.has("output/piergiaj_logits") {
            let pier = try I3D(f.params, config: .piergiaj)
            try report.check("output/piergiaj_logits", got: pier(video), fixture: f)
        }
        return report
    }

    /// Mean over N, T, H, W of each channel.
    static func channelMean(_ x: Tensor) -> Tensor {
        let n = x.shape[0], c = x.shape[1], inner = x.count / (n * c)
        var out = Tensor(zeros: [c])
        for ch in 0..<c {
            var s = 0.0
            for b in 0..<n { let base = (b * c + ch) * inner; for i in 0..<inner { s += Double(x.data[base + i]) } }
            out.data[ch] = Float(s / Double(n * inner))
        }
        return out
    }

    /// Channels 0..7 and C−8..C−1, all time steps, spatial [0:3,0:3] or [−3:,−3:] → [N,16,T,3,3].
    static func corner3x3(_ x: Tensor, bottomRight: Bool) -> Tensor {
        let (n, c, t, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4])
        let chans = Array(0..<8) + Array((c - 8)..<c)
        let y0 = bottomRight ? h - 3 : 0, x0 = bottomRight ? w - 3 : 0
        var data = [Float]()
        for b in 0..<n { for ch in chans { for a in 0..<t { for y in 0..<3 { for z in 0..<3 {
            data.append(x.data[(((b * c + ch) * t + a) * h + y0 + y) * w + x0 + z])
        } } } } }
        return Tensor(shape: [n, 16, t, 3, 3], data: data)
    }
}
