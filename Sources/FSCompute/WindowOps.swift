import FSTensor

/// FreeScale's window gather / scatter-add on the host: FSTensor's `gatherWindows` / `scatterAddWindows`,
/// with the shape checks thrown as errors instead of preconditions.
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
        _ = try check(windows, "gatherWindows")
        guard x.rank == 3, x.shape[1] == h * w else { throw FSError("gatherWindows: \(x.shape) is not [B, \(h)·\(w), C]") }
        return gatherWindows(x, gridHeight: h, gridWidth: w, windows: windows)
    }

    /// value [B, h·w, C] + the windows' outputs y [nWin·B, wh·ww, C] at their grid positions.
    public static func scatterAdd(_ y: Tensor, into value: Tensor, height h: Int, width w: Int,
                                  windows: [WindowRect]) throws -> Tensor {
        let (wh, ww) = try check(windows, "scatterAddWindows")
        guard value.rank == 3, value.shape[1] == h * w, y.rank == 3, y.shape[2] == value.shape[2],
              y.shape[0] == windows.count * value.shape[0], y.shape[1] == wh * ww else {
            throw FSError("scatterAddWindows: y \(y.shape) does not fit value \(value.shape) with \(windows.count) windows")
        }
        var out = value
        scatterAddWindows(y, into: &out, gridHeight: h, gridWidth: w, windows: windows)
        return out
    }
}
