import Foundation

/// Wall-clock time spent per stage of an evaluation (decoding vs each metric's network), for the
/// throughput figures of docs/benchmarks.md and the `timing` block of the JSON report.
public final class EvalTiming: @unchecked Sendable {
    public enum Stage: String, CaseIterable, Sendable {
        case decoding, fvd, dynamicDegree = "dynamic_degree", aestheticQuality = "aesthetic_quality"
    }
    public private(set) var seconds: [Stage: Double] = [:]
    public private(set) var calls: [Stage: Int] = [:]

    public init() {}

    public func measure<R>(_ stage: Stage, _ body: () throws -> R) rethrows -> R {
        let t0 = DispatchTime.now().uptimeNanoseconds
        defer {
            seconds[stage, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            calls[stage, default: 0] += 1
        }
        return try body()
    }
}

extension Optional where Wrapped == EvalTiming {
    /// Runs `body`, timing it when there is a timer.
    func measure<R>(_ stage: EvalTiming.Stage, _ body: () throws -> R) rethrows -> R {
        switch self {
        case .some(let t): return try t.measure(stage, body)
        case .none: return try body()
        }
    }
}
