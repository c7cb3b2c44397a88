import FSTensor
import XCTest
@testable import FSVideo

final class TensorConversionTests: XCTestCase {
    /// A naive scalar reference of the model→uint8 step: clamp, (x+1)/2·255 in float32, then round (ties to
    /// even, torch.round) or truncate (torch `.to(torch.uint8)` as VideoCrafter's save_videos does).
    private func reference(_ x: Float, truncate: Bool) -> UInt8 {
        if x.isNaN { return 0 }
        let c: Float = x < -1 ? -1 : (x > 1 ? 1 : x)
        let y: Float = ((c + 1.0) / 2.0) * 255.0
        return truncate ? UInt8(Int(y)) : UInt8(Int(y.rounded(.toNearestOrEven)))
    }

    func testTensorToFramesMatchesScalarReference() throws {
        // Hand-picked edge cases plus a sweep.
        var values: [Float] = [-2, -1, -0.999, 0, 1.0 / 255, 0.5, 0.99, 1, 3, -.infinity, .infinity, .nan]
        for i in 0..<500 { values.append(Float(i) / 250 - 1.0) }
        while values.count % 6 != 0 { values.append(0.25) }
        // Shape [3, t=2, h=1, w=n/6]
        let w = values.count / 6
        let t = Tensor(shape: [3, 2, 1, w], data: values)
        for (q, trunc) in [(Quantization.round, false), (.truncate, true)] {
            let f = try Frames(tensor: t, quantization: q)
            XCTAssertEqual(f.shape, [2, 1, w, 3])
            for c in 0..<3 { for k in 0..<2 { for x in 0..<w {
                let v = values[(c * 2 + k) * w + x]
                XCTAssertEqual(f.pixels[((k * w) + x) * 3 + c], reference(v, truncate: trunc), "x=\(v) c=\(c) \(q)")
            } } }
        }
        // 0 → 127.5: rounds to 128 (ties to even), truncates to 127 as the reference writer does.
        let mid = Tensor(repeating: 0, shape: [1, 3, 1, 1, 1])
        XCTAssertEqual(try Frames(tensor: mid).pixels, [128, 128, 128])
        XCTAssertEqual(try Frames(tensor: mid, quantization: .truncate).pixels, [127, 127, 127])
    }

    func testFramesToTensorAndBack() throws {
        let clip = Clips.noise(t: 3, h: 5, w: 7, seed: 3)
        let t = clip.tensor()
        XCTAssertEqual(t.shape, [3, 3, 5, 7])
        // Channel-first layout and (x/255 − 0.5)·2.
        for c in 0..<3 { for k in 0..<3 { for y in 0..<5 { for x in 0..<7 {
            let byte = clip.pixels[((k * 5 + y) * 7 + x) * 3 + c]
            XCTAssertEqual(t[c, k, y, x], (Float(byte) / 255 - 0.5) * 2)
        } } } }
        XCTAssertEqual(try Frames(tensor: t), clip)
        XCTAssertEqual(try Frames(tensor: t, quantization: .truncate).pixels.count, clip.pixels.count)
        XCTAssertThrowsError(try Frames(tensor: Tensor(zeros: [4, 2, 2, 2])))
        XCTAssertThrowsError(try Frames(tensor: Tensor(zeros: [2, 3, 1, 2, 2])))
    }
}
