import Foundation
import FSTensor

/// VBench's dynamic degree decision (vbench/dynamic_degree.py), as a pure function of per-pair flows.
public enum DynamicDegree {
    /// Frame sampling interval: max(1, round(fps / 8)) with Python's round (half to even).
    public static func interval(fps: Double) -> Int { Swift.max(1, Int((fps / 8).rounded(.toNearestOrEven))) }

    /// Indices of the frames kept: 0, interval, 2·interval, … (no cap on the count).
    public static func sampledIndices(frameCount: Int, fps: Double) -> [Int] {
        Array(stride(from: 0, to: frameCount, by: interval(fps: fps)))
    }

    /// Motion threshold from the *unpadded* frame size: 6·min(H, W)/256.
    public static func threshold(height: Int, width: Int) -> Double { 6.0 * (Double(Swift.min(height, width)) / 256.0) }

    /// Pairs above the threshold needed: round(4·N/16), half to even (round(2.5) = 2, round(0.5) = 0).
    public static func countNeeded(sampledFrames n: Int) -> Int { Int((4 * (Double(n) / 16.0)).rounded(.toNearestOrEven)) }

    /// int(h·w·0.05) over the padded flow size.
    public static func cutIndex(height: Int, width: Int) -> Int { Int(Double(height * width) * 0.05) }

    /// VBench `get_score`: mean of the `cut_index` largest flow magnitudes √(u²+v²) (magnitudes in float32,
    /// as numpy computes them), over the whole (padded) flow [2,H,W]. Returned rounded to float32 like `.item()`.
    public static func topFivePercentMean(flow: Tensor) -> Double {
        precondition(flow.rank >= 3 && flow.dim(-3) == 2, "flow must be [...,2,H,W]")
        let h = flow.dim(-2), w = flow.dim(-1), n = h * w
        var rad = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let u = flow.data[i], v = flow.data[n + i]
            rad[i] = (u * u + v * v).squareRoot()
        }
        let k = cutIndex(height: h, width: w)
        guard k > 0 else { return .nan }   // numpy: mean of an empty slice
        rad.sort(by: >)
        var s = 0.0
        for i in 0..<k { s += Double(rad[i]) }
        return Double(Float(s / Double(k)))
    }

    /// VBench `check_move`: counts pairs with score > threshold (strict) and is true as soon as the count
    /// reaches `countNeeded`; false when the loop ends (so a video without pairs is static).
    public static func isDynamic(scores: [Double], threshold: Double, countNeeded: Int) -> Bool {
        var count = 0
        for s in scores {
            if s > threshold { count += 1 }
            if count >= countNeeded { return true }
        }
        return false
    }

    /// The dimension score: fraction of dynamic videos.
    public static func score(_ flags: [Bool]) -> Double {
        flags.isEmpty ? .nan : Double(flags.filter { $0 }.count) / Double(flags.count)
    }
}
