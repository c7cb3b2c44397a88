import FSTensor

/// The object counter of the toy model's quality checks (tests and `fsvideo-bench`): connected components of
/// non-background pixels.
public enum ObjectCount {
    /// Objects in one frame: the background colour is the per-channel median of the border pixels; a
    /// pixel is foreground when its colour differs from it by more than `threshold` (sum of |Δ| over RGB
    /// in [0, 1] units); 4-connected components smaller than `minArea` × frame area are ignored.
    /// `ignoreEdgeStreaks`: also ignore edge streaks — components lying within the outer 10 % of the frame
    /// along one side and at least 4× longer (along that side) than thick. The toy model's shapes are
    /// compact; at 4× its training size it paints such bands along the top edge, which are not objects.
    public static func count(frame rgb: [Float], height h: Int, width w: Int, threshold: Float = 0.45,
                             minArea: Double = 0.004, ignoreEdgeStreaks: Bool = false) -> Int {
        precondition(rgb.count == 3 * h * w)
        let fg = foreground(frame: rgb, height: h, width: w, threshold: threshold)
        let minPixels = Swift.max(1, Int(minArea * Double(h * w)))
        return components(fg, height: h, width: w, minPixels: minPixels, ignoreEdgeStreaks: ignoreEdgeStreaks)
    }

    /// 4-connected components of the foreground mask `fg` [H·W] with at least `minPixels` pixels (and, with
    /// `ignoreEdgeStreaks`, not an edge streak): the one component counter of the toy quality checks.
    public static func components(_ fg: [Bool], height h: Int, width w: Int, minPixels: Int,
                                  ignoreEdgeStreaks: Bool = false) -> Int {
        precondition(fg.count == h * w)
        var seen = [Bool](repeating: false, count: h * w)
        var objects = 0
        var stack: [Int] = []
        for start in 0..<(h * w) where fg[start] && !seen[start] {
            var size = 0
            var (y0, y1, x0, x1) = (h, -1, w, -1)
            stack.append(start); seen[start] = true
            while let p = stack.popLast() {
                size += 1
                let y = p / w, x = p % w
                y0 = Swift.min(y0, y); y1 = Swift.max(y1, y); x0 = Swift.min(x0, x); x1 = Swift.max(x1, x)
                for (ny, nx) in [(y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)] where ny >= 0 && ny < h && nx >= 0 && nx < w {
                    let q = ny * w + nx
                    if fg[q] && !seen[q] { seen[q] = true; stack.append(q) }
                }
            }
            if size < minPixels { continue }
            if ignoreEdgeStreaks && isEdgeStreak(top: y0, bottom: y1, left: x0, right: x1, height: h, width: w) { continue }
            objects += 1
        }
        return objects
    }

    /// The background colour of one frame ([3, H, W] in [0, 1]): the per-channel median of the border pixels.
    static func borderMedian(frame rgb: [Float], height h: Int, width w: Int) -> [Float] {
        var bg = [Float](repeating: 0, count: 3)
        for c in 0..<3 {
            var border: [Float] = []
            for x in 0..<w { border.append(rgb[c * h * w + x]); border.append(rgb[c * h * w + (h - 1) * w + x]) }
            for y in 0..<h { border.append(rgb[c * h * w + y * w]); border.append(rgb[c * h * w + y * w + w - 1]) }
            border.sort()
            bg[c] = border[border.count / 2]
        }
        return bg
    }

    /// Foreground pixels of one frame: sum over RGB of |pixel − border median| above `threshold`.
    static func foreground(frame rgb: [Float], height h: Int, width w: Int, threshold: Float = 0.45) -> [Bool] {
        let bg = borderMedian(frame: rgb, height: h, width: w)
        var fg = [Bool](repeating: false, count: h * w)
        for p in 0..<(h * w) {
            var d: Float = 0
            for c in 0..<3 { d += abs(rgb[c * h * w + p] - bg[c]) }
            fg[p] = d > threshold
        }
        return fg
    }

    /// A bounding box (inclusive) inside the outer 10 % of the frame along one side, ≥ 4× longer than thick.
    static func isEdgeStreak(top: Int, bottom: Int, left: Int, right: Int, height h: Int, width w: Int) -> Bool {
        let bh = bottom - top + 1, bw = right - left + 1
        let marginH = Swift.max(1, h / 10), marginW = Swift.max(1, w / 10)
        let horizontal = (bottom < marginH || top >= h - marginH) && bw >= 4 * bh
        let vertical = (right < marginW || left >= w - marginW) && bh >= 4 * bw
        return horizontal || vertical
    }

    /// Median over frames of a video tensor [3, T, H, W] with values in [-1, 1].
    public static func medianCount(_ video: Tensor, ignoreEdgeStreaks: Bool = false) -> Int {
        medianCount(video: video.data, frames: video.shape[1], height: video.shape[2], width: video.shape[3],
                    ignoreEdgeStreaks: ignoreEdgeStreaks)
    }

    /// Median over frames of a video [3, T, H, W] with values in [-1, 1].
    public static func medianCount(video: [Float], frames t: Int, height h: Int, width w: Int,
                                   ignoreEdgeStreaks: Bool = false) -> Int {
        var counts: [Int] = []
        for f in 0..<t {
            var frame = [Float](repeating: 0, count: 3 * h * w)
            for c in 0..<3 {
                for p in 0..<(h * w) { frame[c * h * w + p] = (video[(c * t + f) * h * w + p] + 1) / 2 }
            }
            counts.append(count(frame: frame, height: h, width: w, ignoreEdgeStreaks: ignoreEdgeStreaks))
        }
        counts.sort()
        return counts[counts.count / 2]
    }
}
