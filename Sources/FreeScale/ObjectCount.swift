// A simple object counter for the toy model's quality check: connected components of non-background pixels.
import FSTensor

public enum ObjectCount {
    /// Objects in one frame: the background colour is the per-channel median of the border pixels; a
    /// pixel is foreground when its colour differs from it by more than `threshold` (sum of |Δ| over RGB
    /// in [0, 1] units); 4-connected components smaller than `minArea` × frame area are ignored.
    public static func count(frame rgb: [Float], height h: Int, width w: Int, threshold: Float = 0.45,
                             minArea: Double = 0.004) -> Int {
        precondition(rgb.count == 3 * h * w)
        var bg = [Float](repeating: 0, count: 3)
        for c in 0..<3 {
            var border: [Float] = []
            for x in 0..<w { border.append(rgb[c * h * w + x]); border.append(rgb[c * h * w + (h - 1) * w + x]) }
            for y in 0..<h { border.append(rgb[c * h * w + y * w]); border.append(rgb[c * h * w + y * w + w - 1]) }
            border.sort()
            bg[c] = border[border.count / 2]
        }
        var fg = [Bool](repeating: false, count: h * w)
        for p in 0..<(h * w) {
            var d: Float = 0
            for c in 0..<3 { d += abs(rgb[c * h * w + p] - bg[c]) }
            fg[p] = d > threshold
        }
        let minPixels = Swift.max(1, Int(minArea * Double(h * w)))
        var seen = [Bool](repeating: false, count: h * w)
        var objects = 0
        var stack: [Int] = []
        for start in 0..<(h * w) where fg[start] && !seen[start] {
            var size = 0
            stack.append(start); seen[start] = true
            while let p = stack.popLast() {
                size += 1
                let y = p / w, x = p % w
                for (ny, nx) in [(y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)] where ny >= 0 && ny < h && nx >= 0 && nx < w {
                    let q = ny * w + nx
                    if fg[q] && !seen[q] { seen[q] = true; stack.append(q) }
                }
            }
            if size >= minPixels { objects += 1 }
        }
        return objects
    }

    /// Median over frames of a video tensor [3, T, H, W] with values in [-1, 1].
    public static func medianCount(_ video: Tensor) -> Int {
        medianCount(video: video.data, frames: video.shape[1], height: video.shape[2], width: video.shape[3])
    }

    /// Median over frames of a video [3, T, H, W] with values in [-1, 1].
    public static func medianCount(video: [Float], frames t: Int, height h: Int, width w: Int) -> Int {
        var counts: [Int] = []
        for f in 0..<t {
            var frame = [Float](repeating: 0, count: 3 * h * w)
            for c in 0..<3 {
                for p in 0..<(h * w) { frame[c * h * w + p] = (video[(c * t + f) * h * w + p] + 1) / 2 }
            }
            counts.append(count(frame: frame, height: h, width: w))
        }
        counts.sort()
        return counts[counts.count / 2]
    }
}
