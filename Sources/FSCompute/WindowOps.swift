import FSTensor

/// Host reference of FreeScale's window gather / scatter-add (FreeScale.ScaleFusion's semantics).
public enum WindowOps {
    static func check(_ windows: [WindowRect], _ op: String) throws -> (wh: Int, ww: Int) {
        guard let first = windows.first else { throw FSError("\(op): no windows") }
        guard windows.allSatisfy({ $0.height == first.height && $0.width == first.width }) else {
            throw FSError("\(op): windows differ in size")
        }
        return (first.height, first.width)
    }

    /// x [B, h·w, C] → [nWin·B, wh·ww, C], window outer; positions outside the grid are zero.
    public static func gather(_ x: Tensor, height h: Int, width w: Int, windows: [WindowRect]) throws -> Tensor {
        let (wh, ww) = try check(windows, "gatherWindows")
        guard x.rank == 3, x.shape[1] == h * w else { throw FSError("gatherWindows: \(x.shape) is not [B, \(h)·\(w), C]") }
        let (b, c, n) = (x.shape[0], x.shape[2], wh * ww)
        var out = Tensor(zeros: [windows.count * b, n, c])
        for (wi, win) in windows.enumerated() {
            for bi in 0..<b {
                for i in 0..<wh {
                    let gy = win.top + i
                    for j in 0..<ww {
                        let gx = win.left + j
                        if gy < 0 || gy >= h || gx < 0 || gx >= w { continue }
                        let d = ((wi * b + bi) * n + i * ww + j) * c, s = ((bi * h + gy) * w + gx) * c
                        for e in 0..<c { out.data[d + e] = x.data[s + e] }
                    }
                }
            }
        }
        return out
    }

    /// value [B, h·w, C] + the windows' outputs y [nWin·B, wh·ww, C] at their grid positions.
    public static func scatterAdd(_ y: Tensor, into value: Tensor, height h: Int, width w: Int,
                                  windows: [WindowRect]) throws -> Tensor {
        let (wh, ww) = try check(windows, "scatterAddWindows")
        guard value.rank == 3, value.shape[1] == h * w, y.rank == 3, y.shape[2] == value.shape[2],
              y.shape[0] == windows.count * value.shape[0], y.shape[1] == wh * ww else {
            throw FSError("scatterAddWindows: y \(y.shape) does not fit value \(value.shape) with \(windows.count) windows")
        }
        let (b, c, n) = (value.shape[0], value.shape[2], wh * ww)
        var out = value
        for bi in 0..<b {
            for (wi, win) in windows.enumerated() {
                for i in 0..<wh {
                    let gy = win.top + i
                    if gy < 0 || gy >= h { continue }
                    for j in 0..<ww {
                        let gx = win.left + j
                        if gx < 0 || gx >= w { continue }
                        let s = ((wi * b + bi) * n + i * ww + j) * c, d = ((bi * h + gy) * w + gx) * c
                        for e in 0..<c { out.data[d + e] += y.data[s + e] }
                    }
                }
            }
        }
        return out
    }
}
