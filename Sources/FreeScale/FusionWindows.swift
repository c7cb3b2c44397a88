// Window layout of FreeScale's local attention branch (the reference's `get_views`, per axis).
import FSTensor

/// Where the local windows of scale fusion lie on a token grid (`GridWindow`s, possibly jittered).
public enum FusionWindows {
    /// Un-jittered window starts along one axis of `length` tokens: stride = window/2, count
    /// `int((length − window)/stride − 1e-6) + 2` when length > window, a window running past the end
    /// is shifted back inside.
    public static func starts(length: Int, window: Int) -> [Int] {
        precondition(window >= 1 && window <= length, "FusionWindows: window \(window) vs length \(length)")
        let stride = Swift.max(1, window / 2)
        let count = length > window ? Int(Double(length - window) / Double(stride) - 1e-6) + 2 : 1
        return (0..<count).map { k in
            var s = k * stride
            if s + window > length { s = length - window }
            return Swift.max(0, s)
        }
    }

    /// The jitter range r = window/8 (also the zero padding the reference adds on each side).
    public static func jitterRange(window: Int) -> Int { window / 8 }

    /// Allowed jitter interval for a window at `start` (one-sided at the grid's edges, none if the window
    /// spans the whole axis), as the reference draws it.
    public static func jitterBounds(start: Int, window: Int, length: Int) -> ClosedRange<Int> {
        let r = jitterRange(window: window)
        let atStart = start == 0, atEnd = start + window == length
        switch (atStart, atEnd) {
        case (false, false): return -r...r
        case (true, false): return -r...0
        case (false, true): return 0...r
        case (true, true): return 0...0
        }
    }

    /// The 2-D window layout (row-major, height outer) for a grid, with jitter offsets drawn from `rng`
    /// when given (one draw per axis per window, identical for every frame and guidance branch).
    public static func layout(gridHeight h: Int, gridWidth w: Int, windowHeight wh: Int, windowWidth ww: Int,
                              rng: inout SplitMix64?) -> [GridWindow] {
        let hs = starts(length: h, window: wh), ws = starts(length: w, window: ww)
        var out: [GridWindow] = []
        out.reserveCapacity(hs.count * ws.count)
        for top in hs {
            for left in ws {
                var t = top, l = left
                if rng != nil {
                    let bw = jitterBounds(start: left, window: ww, length: w)
                    let bh = jitterBounds(start: top, window: wh, length: h)
                    l += rng!.nextInt(in: bw)
                    t += rng!.nextInt(in: bh)
                }
                out.append(GridWindow(top: t, left: l, height: wh, width: ww))
            }
        }
        return out
    }
}

