import FSTensor

/// Naive helpers on a decoded video [3, F, H, W] in [-1, 1] (independent of FSVideo), for the toy
/// pipeline's "one compact object" test: its foreground rule (whole-frame median, max channel difference
/// > 60 in 8-bit units) is the plain-generation test's own; the components are counted by `ObjectCount`
/// (whose own rule, for the FreeScale benches, is the border median and a per-size area floor).
public enum FrameAnalysis {
    /// uint8 RGB of frame f: clamp, (x+1)/2·255, round.
    public static func rgb(_ v: Tensor, frame f: Int) -> [[UInt8]] {
        let (t, h, w) = (v.shape[1], v.shape[2], v.shape[3])
        return (0..<(h * w)).map { p in
            (0..<3).map { c in
                let x = v.data[((c * t + f) * h * w) + p]
                return UInt8(((Swift.min(Swift.max(x, -1), 1) + 1) / 2 * 255).rounded())
            }
        }
    }

    /// (objects, foreground fraction): pixels farther than 60 (max channel difference) from the frame's
    /// median colour are foreground; 4-connected components of ≥ 6 pixels are objects.
    public static func objects(_ v: Tensor, frame f: Int) -> (count: Int, foreground: Double) {
        let (h, w) = (v.shape[2], v.shape[3])
        let px = rgb(v, frame: f)
        let median = (0..<3).map { c in px.map { Int($0[c]) }.sorted()[px.count / 2] }
        let fg = px.map { p in (0..<3).map { abs(Int(p[$0]) - median[$0]) }.max()! > 60 }
        let count = ObjectCount.components(fg, height: h, width: w, minPixels: 6)
        return (count, Double(fg.filter { $0 }.count) / Double(h * w))
    }
}
