import Foundation
@testable import FSTensor
import XCTest

/// `BLAS.withSingleThread` marks only the thread that entered it and the ParallelFor workers it starts.
final class ThreadingTests: XCTestCase {
    func testSingleThreadRegionIsPerThreadAndInheritedByWorkers() {
        XCTAssertTrue(BLAS.maySplit)
        BLAS.withSingleThread {
            XCTAssertFalse(BLAS.maySplit)
            // Another thread is not inside this region.
            let other = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var otherMaySplit = false
            Thread.detachNewThread { otherMaySplit = BLAS.maySplit; other.signal() }
            other.wait()
            XCTAssertTrue(otherMaySplit)
            // Workers of a ParallelFor started inside the region are.
            let lock = NSLock()
            var seen: [Bool] = []
            let threads = ParallelFor.threadCount
            ParallelFor.threadCount = max(2, threads)
            defer { ParallelFor.threadCount = threads }
            ParallelFor.run(64) { _ in
                let s = BLAS.maySplit
                lock.lock(); seen.append(s); lock.unlock()
            }
            XCTAssertFalse(seen.isEmpty)
            XCTAssertFalse(seen.contains(true))
            BLAS.withSingleThread { XCTAssertFalse(BLAS.maySplit) }
            XCTAssertFalse(BLAS.maySplit)
        }
        XCTAssertTrue(BLAS.maySplit)
        // Workers outside any region may split.
        let lock = NSLock()
        var seen: [Bool] = []
        ParallelFor.run(64) { _ in
            let s = BLAS.maySplit
            lock.lock(); seen.append(s); lock.unlock()
        }
        XCTAssertFalse(seen.contains(false))
    }
}

/// `Tensor`'s element count always matches its shape.
final class TensorInvariantTests: XCTestCase {
    func testInPlaceChangesKeepTheShape() {
        var t = Tensor(zeros: [2, 3])
        t.data[4] = 7
        t.data.withUnsafeMutableBufferPointer { $0[0] = 1 }
        XCTAssertEqual(t.shape, [2, 3])
        XCTAssertEqual(t[0, 0], 1); XCTAssertEqual(t[1, 1], 7)
        t.data = [Float](repeating: 2, count: 6)
        XCTAssertEqual(t.data, [Float](repeating: 2, count: 6))
        XCTAssertEqual(t.reshaped([3, -1]).shape, [3, 2])
    }
}
