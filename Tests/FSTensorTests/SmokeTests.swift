import XCTest
@testable import FSTensor

final class ShapeTests: XCTestCase {
    func testPermuteMatchesNaive() {
        let shape = [2, 3, 4, 5]
        let x = Tensor(shape: shape, data: (0..<120).map(Float.init))
        let y = x.permuted([2, 0, 3, 1])
        XCTAssertEqual(y.shape, [4, 2, 5, 3])
        for a in 0..<2 { for b in 0..<3 { for c in 0..<4 { for d in 0..<5 {
            XCTAssertEqual(y[c, a, d, b], x[a, b, c, d])
        } } } }
    }

    func testConcatAndSlice() {
        let a = Tensor(shape: [2, 2, 3], data: (0..<12).map(Float.init))
        let b = Tensor(shape: [2, 1, 3], data: (100..<106).map(Float.init))
        let c = Tensor.concat([a, b], axis: 1)
        XCTAssertEqual(c.shape, [2, 3, 3])
        XCTAssertEqual(c.slice(axis: 1, 2..<3).data, b.data)
        XCTAssertEqual(c.slice(axis: 1, 0..<2).data, a.data)
    }
}
