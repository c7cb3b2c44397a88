import Foundation
import FSDiffusion
import FSPipeline
import FSTensor
import XCTest

/// `BatchedSampling`: items with their own prompts and seeds denoised together give each item's batch-1
/// result within float tolerance, in any order and any group size.
final class BatchedSamplingTests: XCTestCase {
    func testGroupOfThreeEqualsItemsAlone() throws {
        let model = try ToyModel.load()
        let items = [("a red circle moving right on a black background", UInt64(1)),
                     ("a blue square moving left on a gray background", 2), ("a green triangle on white", 3)]
        let runs = try items.map { try TextToVideo(model: model, settings: ToyModel.settings($0.0, steps: 4, frames: 4, seed: $0.1)) }
        let together = try BatchedSampling.generate(runs)
        let reversed = try BatchedSampling.generate(runs.reversed())
        for (k, item) in items.enumerated() {
            let alone = try TextToVideo(model: model, settings: ToyModel.settings(item.0, steps: 4, frames: 4, seed: item.1)).generate()
            XCTAssertEqual(together[k].shape, alone.shape)
            let d1 = zip(together[k].data, alone.data).map { abs($0 - $1) }.max() ?? 0
            let d2 = zip(reversed[2 - k].data, alone.data).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(d1, 1e-3, "item \(k): batch of 3 vs alone")
            XCTAssertLessThan(d2, 1e-3, "item \(k): reversed batch vs alone")
        }
        // A group of one is exactly the plain run.
        let one = try BatchedSampling.generate([runs[0]])
        XCTAssertEqual(one[0].data, try TextToVideo(model: model, settings: ToyModel.settings(items[0].0, steps: 4, frames: 4, seed: 1)).generate().data)
        // Items that cannot share a sampler are refused.
        var other = try ToyModel.settings("x", steps: 6, frames: 4, seed: 1)
        other.steps = 6
        XCTAssertThrowsError(try BatchedSampling.generate([runs[0], try TextToVideo(model: model, settings: other)]))
    }
}
