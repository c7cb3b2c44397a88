@testable import FSTensor
import XCTest

/// The window gather/scatter kernels against plain index loops.
final class GridWindowsTests: XCTestCase {
    // A 5x7 grid, 3 batch entries, 4 channels; 2x3 windows, some reaching outside the grid.
    let (b, h, w, c) = (3, 5, 7, 4)
    let windows = [GridWindow(top: -1, left: -2, height: 2, width: 3), GridWindow(top: 0, left: 0, height: 2, width: 3),
                   GridWindow(top: 2, left: 3, height: 2, width: 3), GridWindow(top: 4, left: 5, height: 2, width: 3)]

    /// Value of token (y, x) of batch entry bi, channel e, or 0 outside the grid.
    func token(_ x: Tensor, _ bi: Int, _ y: Int, _ xx: Int, _ e: Int) -> Float {
        y < 0 || y >= h || xx < 0 || xx >= w ? 0 : x.data[((bi * h + y) * w + xx) * c + e]
    }

    func testGatherWindowsMatchesLoop() {
        var rng = SeededRandom(1)
        let x = rng.tensor([b, h * w, c])
        let g = gatherWindows(x, gridHeight: h, gridWidth: w, windows: windows)
        XCTAssertEqual(g.shape, [windows.count * b, 6, c])
        for (k, win) in windows.enumerated() {
            for bi in 0..<b { for i in 0..<2 { for j in 0..<3 { for e in 0..<c {
                XCTAssertEqual(g.data[(((k * b + bi) * 6) + i * 3 + j) * c + e],
                               token(x, bi, win.top + i, win.left + j, e))
            } } } }
        }
    }

    func testScatterAddWindowsMatchesLoop() {
        var rng = SeededRandom(2)
        let y = rng.tensor([windows.count * b, 6, c])
        var grid = rng.tensor([b, h, w, c])
        var expected = grid.data
        for (k, win) in windows.enumerated() {
            for bi in 0..<b { for i in 0..<2 { for j in 0..<3 {
                let gy = win.top + i, gx = win.left + j
                if gy < 0 || gy >= h || gx < 0 || gx >= w { continue }
                for e in 0..<c { expected[((bi * h + gy) * w + gx) * c + e] += y.data[(((k * b + bi) * 6) + i * 3 + j) * c + e] }
            } } }
        }
        scatterAddWindows(y, into: &grid, gridHeight: h, gridWidth: w, windows: windows)
        XCTAssertEqual(grid.data, expected)
    }

    func testCoverageCountsWindowsInsideTheGrid() {
        let count = windowCoverage(gridHeight: h, gridWidth: w, windows: windows)
        for y in 0..<h { for x in 0..<w {
            let n = windows.filter { y >= $0.top && y < $0.top + $0.height && x >= $0.left && x < $0.left + $0.width }.count
            XCTAssertEqual(count[y * w + x], Float(n), "(\(y), \(x))")
        } }
    }

    func testGatherAndScatterRowsAreInverse() {
        var rng = SeededRandom(3)
        let x = rng.tensor([b, h * w, c])
        let positions = [0, 9, 2, 34, 17]
        let g = gatherRows(x, positions)
        XCTAssertEqual(g.shape, [b, positions.count, c])
        for bi in 0..<b { for (i, p) in positions.enumerated() { for e in 0..<c {
            XCTAssertEqual(g.data[(bi * positions.count + i) * c + e], x.data[(bi * h * w + p) * c + e])
        } } }
        var out = Tensor(zeros: x.shape)
        scatterRows(g, into: &out, positions)
        for bi in 0..<b { for p in 0..<(h * w) { for e in 0..<c {
            let v = out.data[(bi * h * w + p) * c + e]
            XCTAssertEqual(v, positions.contains(p) ? x.data[(bi * h * w + p) * c + e] : 0)
        } } }
    }
}
