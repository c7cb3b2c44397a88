// Gather and scatter of token windows on a 2-D token grid: tokens [B, H·W, C], token y·W + x.

/// A rectangle of a token grid, in grid coordinates. It may reach outside the grid: positions outside
/// read as zero tokens when gathered and are dropped when scattered back.
public struct GridWindow: Equatable, Sendable {
    public var top: Int
    public var left: Int
    public var height: Int
    public var width: Int
    public init(top: Int, left: Int, height: Int, width: Int) {
        self.top = top; self.left = left; self.height = height; self.width = width
    }
}

/// The tokens of same-size `windows` of `x [B, h·w, C]`, side by side: `[windows·B, wh·ww, C]`, window
/// outer (row `k·B + b` is window k of batch entry b), tokens row-major inside a window, zero outside the grid.
public func gatherWindows(_ x: Tensor, gridHeight h: Int, gridWidth w: Int, windows: [GridWindow]) -> Tensor {
    precondition(x.rank == 3 && x.shape[1] == h * w, "gatherWindows: \(x.shape) is not a \(h)x\(w) token grid")
    let b = x.shape[0], c = x.shape[2]
    guard let first = windows.first else { return Tensor(zeros: [0, 0, c]) }
    let wh = first.height, ww = first.width, n = wh * ww
    precondition(windows.allSatisfy { $0.height == wh && $0.width == ww }, "gatherWindows: windows differ in size")
    return Tensor(shape: [windows.count * b, n, c]) { dst in
        x.data.withUnsafeBufferPointer { src in
            ParallelFor.run(windows.count * b) { r in
                for item in r {
                    let win = windows[item / b], bi = item % b
                    for i in 0..<wh {
                        let gy = win.top + i
                        for j in 0..<ww {
                            let gx = win.left + j
                            let d = dst.baseAddress! + (item * n + i * ww + j) * c
                            if gy < 0 || gy >= h || gx < 0 || gx >= w {
                                d.initialize(repeating: 0, count: c)
                            } else {
                                d.initialize(from: src.baseAddress! + ((bi * h + gy) * w + gx) * c, count: c)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Adds window tokens `y [windows·B, wh·ww, C]` (the layout of `gatherWindows`) into `grid` (B·h·w·C
/// values, token-major, e.g. `[B, h·w, C]` or `[B, h, w, C]`) at their grid positions; positions outside
/// the grid are dropped. Each batch entry is summed by one worker, windows in order, so the result does
/// not depend on the thread count.
public func scatterAddWindows(_ y: Tensor, into grid: inout Tensor, gridHeight h: Int, gridWidth w: Int,
                              windows: [GridWindow]) {
    guard let first = windows.first else { return }
    let wh = first.height, ww = first.width, n = wh * ww
    precondition(y.rank == 3 && y.shape[1] == n && y.shape[0] % windows.count == 0,
                 "scatterAddWindows: \(y.shape) does not hold \(windows.count) windows of \(wh)x\(ww)")
    let c = y.shape[2], b = y.shape[0] / windows.count
    precondition(grid.count == b * h * w * c, "scatterAddWindows: grid \(grid.shape) is not \(b)x\(h)x\(w)x\(c)")
    y.data.withUnsafeBufferPointer { src in
        grid.data.withUnsafeMutableBufferPointer { dst in
            ParallelFor.run(b) { r in
                for bi in r {
                    for (wi, win) in windows.enumerated() {
                        for i in 0..<wh {
                            let gy = win.top + i
                            if gy < 0 || gy >= h { continue }
                            for j in 0..<ww {
                                let gx = win.left + j
                                if gx < 0 || gx >= w { continue }
                                let s = src.baseAddress! + ((wi * b + bi) * n + i * ww + j) * c
                                let d = dst.baseAddress! + ((bi * h + gy) * w + gx) * c
                                for e in 0..<c { d[e] += s[e] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How many of `windows` cover each grid position (`h·w` counts, row-major).
public func windowCoverage(gridHeight h: Int, gridWidth w: Int, windows: [GridWindow]) -> [Float] {
    var count = [Float](repeating: 0, count: h * w)
    for win in windows {
        for i in 0..<win.height {
            let gy = win.top + i
            if gy < 0 || gy >= h { continue }
            for j in 0..<win.width {
                let gx = win.left + j
                if gx >= 0 && gx < w { count[gy * w + gx] += 1 }
            }
        }
    }
    return count
}

/// Rows `positions` of `x [B, N, C]` → `[B, positions.count, C]`.
public func gatherRows(_ x: Tensor, _ positions: [Int]) -> Tensor {
    precondition(x.rank == 3, "gatherRows: \(x.shape) is not [B, N, C]")
    let b = x.shape[0], nIn = x.shape[1], c = x.shape[2], n = positions.count
    precondition(positions.allSatisfy { $0 >= 0 && $0 < nIn }, "gatherRows: a position is outside 0..<\(nIn)")
    return Tensor(shape: [b, n, c]) { dst in
        x.data.withUnsafeBufferPointer { src in
            for bi in 0..<b {
                for (i, p) in positions.enumerated() {
                    (dst.baseAddress! + (bi * n + i) * c).initialize(from: src.baseAddress! + (bi * nIn + p) * c, count: c)
                }
            }
        }
    }
}

/// Writes `y [B, positions.count, C]` into rows `positions` of `out [B, N, C]` (the inverse of `gatherRows`).
public func scatterRows(_ y: Tensor, into out: inout Tensor, _ positions: [Int]) {
    precondition(y.rank == 3 && out.rank == 3 && y.shape[0] == out.shape[0] && y.shape[2] == out.shape[2]
                 && y.shape[1] == positions.count, "scatterRows: \(y.shape) into \(out.shape)")
    let b = out.shape[0], nOut = out.shape[1], c = out.shape[2], n = positions.count
    precondition(positions.allSatisfy { $0 >= 0 && $0 < nOut }, "scatterRows: a position is outside 0..<\(nOut)")
    y.data.withUnsafeBufferPointer { src in
        out.data.withUnsafeMutableBufferPointer { dst in
            for bi in 0..<b {
                for (i, p) in positions.enumerated() {
                    (dst.baseAddress! + (bi * nOut + p) * c).update(from: src.baseAddress! + (bi * n + i) * c, count: c)
                }
            }
        }
    }
}
