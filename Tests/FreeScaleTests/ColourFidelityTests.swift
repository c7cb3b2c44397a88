import FSTensor
import XCTest
@testable import FreeScale

/// The colour measure of the toy quality check on drawn videos.
final class ColourFidelityTests: XCTestCase {
    /// A video [3, T, H, W] in [-1, 1]: background colour, and a box (top, left, size) of another colour
    /// (colours in 8-bit RGB).
    func video(_ bg: [Double], _ object: [Double]?, height h: Int, width w: Int, frames t: Int = 2,
               box: (Int, Int, Int) = (16, 32, 16)) -> Tensor {
        var data = [Float](repeating: 0, count: 3 * t * h * w)
        for c in 0..<3 {
            for f in 0..<t {
                for y in 0..<h {
                    for x in 0..<w {
                        let inBox = y >= box.0 && y < box.0 + box.2 && x >= box.1 && x < box.1 + box.2
                        let v = inBox ? (object ?? bg)[c] : bg[c]
                        data[((c * t + f) * h + y) * w + x] = Float(v / 255 * 2 - 1)
                    }
                }
            }
        }
        return Tensor(shape: [3, t, h, w], data: data)
    }

    func testBoxDownscaleUndoesNearestUpscale() {
        let v = video([0, 0, 0], [255, 0, 0], height: 64, width: 96)
        let up = resize(v, height: 256, width: 384, mode: .nearest)
        XCTAssertEqual(ColourFidelity.boxDownscale(up, height: 64, width: 96).data, v.data)
    }

    /// The regions are the base video's: a video that lost the object differs by the object's colour there.
    func testRegionsAreTheBaseVideosObjectAndBackground() throws {
        let base = video([0, 0, 0], [255, 0, 0], height: 64, width: 96)
        let lost = ColourFidelity.compare(video([0, 0, 0], nil, height: 128, width: 192), base: base)
        XCTAssertEqual(try XCTUnwrap(lost.object), 255, accuracy: 1e-3)
        XCTAssertEqual(lost.background, 0, accuracy: 1e-9)
        let plain = video([40, 40, 40], nil, height: 64, width: 96)
        XCTAssertNil(ColourFidelity.compare(plain, base: plain).object)
    }

    /// A same-layout video with a shifted object colour: pixel distance = shift × object area; object
    /// distance = the shift; an unchanged background gives 0.
    func testCompareMeasuresAColourShiftAtTheBaseSize() throws {
        let base = video([0, 0, 0], [255, 0, 0], height: 64, width: 96)
        let shifted = resize(video([0, 0, 0], [200, 0, 0], height: 64, width: 96), height: 128, width: 192, mode: .nearest)
        let c = ColourFidelity.compare(shifted, base: base)
        XCTAssertEqual(try XCTUnwrap(c.object), 55, accuracy: 0.01)
        XCTAssertEqual(c.background, 0, accuracy: 1e-9)
        XCTAssertEqual(c.pixel, 55 * 256 / (64 * 96), accuracy: 0.01)
        let same = ColourFidelity.compare(resize(base, height: 128, width: 192, mode: .nearest), base: base)
        XCTAssertEqual(same.pixel, 0, accuracy: 1e-9)
    }
}
