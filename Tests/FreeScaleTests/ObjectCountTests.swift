import XCTest
@testable import FreeScale

/// The toy quality check's object counter on drawn frames.
final class ObjectCountTests: XCTestCase {
    let h = 64, w = 96

    /// A grey frame [3·H·W] in [0, 1] with white rectangles (top, left, height, width).
    func frame(_ boxes: [(Int, Int, Int, Int)]) -> [Float] {
        var f = [Float](repeating: 0.4, count: 3 * h * w)
        for (t, l, bh, bw) in boxes {
            for c in 0..<3 { for y in t..<(t + bh) { for x in l..<(l + bw) { f[(c * h + y) * w + x] = 1 } } }
        }
        return f
    }

    func count(_ boxes: [(Int, Int, Int, Int)], streaks: Bool = false) -> Int {
        ObjectCount.count(frame: frame(boxes), height: h, width: w, ignoreEdgeStreaks: streaks)
    }

    func testCountsSeparateShapesAndIgnoresSpecks() {
        XCTAssertEqual(count([]), 0)
        XCTAssertEqual(count([(20, 20, 12, 12)]), 1)
        XCTAssertEqual(count([(20, 10, 12, 12), (20, 60, 12, 12)]), 2)
        XCTAssertEqual(count([(20, 20, 12, 12), (50, 70, 2, 2)]), 1, "a 4-pixel speck is below 0.4 % of the frame")
    }

    func testEdgeStreaksAreObjectsOnlyInTheStrictCount() {
        let band = (1, 0, 3, 96)           // full-width band along the top edge
        XCTAssertEqual(count([(30, 40, 12, 12), band]), 2)
        XCTAssertEqual(count([(30, 40, 12, 12), band], streaks: true), 1)
        let sideStreak = (10, 92, 40, 3)   // along the right edge
        XCTAssertEqual(count([(30, 40, 12, 12), sideStreak], streaks: true), 1)
    }

    func testCompactShapesAtTheEdgeAndInnerStripesStillCount() {
        // A shape touching the top edge is compact, not a streak.
        XCTAssertEqual(count([(0, 40, 12, 12), (30, 10, 12, 12)], streaks: true), 2)
        // Thin stripes away from the edges (a fragmented shape) are still separate components.
        XCTAssertEqual(count([(20, 40, 24, 3), (20, 46, 24, 3)], streaks: true), 2)
        // A band that is not elongated enough (3 rows × 10 columns) counts.
        XCTAssertEqual(count([(1, 40, 3, 10), (30, 10, 12, 12)], streaks: true), 2)
    }
}
