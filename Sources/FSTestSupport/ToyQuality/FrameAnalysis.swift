import FSTensor

/// Naive helpers on a decoded video [3, F, H, W] in [-1, 1] (independent of FSVideo), for the toy
/// pipeline's "one compact object" test. Its rule (whole-frame median, max channel difference > 60 in
/// 8-bit units, components of ≥ 6 pixels) is the plain-generation test's own; `ObjectCount` is the
/// FreeScale benches' (border median, per-size area floor, optional edge streaks).
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
        var seen = [Bool](repeating: false, count: h * w)
        var count = 0
        for start in 0..<(h * w) where fg[start] && !seen[start] {
            var stack = [start], size = 0
            seen[start] = true
            while let p = stack.popLast() {
                size += 1
                let (y, x) = (p / w, p % w)
                for (dy, dx) in [(0, 1), (0, -1), (1, 0), (-1, 0)] {
                    let (ny, nx) = (y + dy, x + dx)
                    guard ny >= 0, ny < h, nx >= 0, nx < w else { continue }
                    let q = ny * w + nx
                    if fg[q] && !seen[q] { seen[q] = true; stack.append(q) }
                }
            }
            if size >= 6 { count += 1 }
        }
        return (count, Double(fg.filter { $0 }.count) / Double(h * w))
    }
}
