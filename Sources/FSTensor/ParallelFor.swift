import Foundation

/// Parallel-for over the machine's cores (Dispatch's `concurrentPerform`; the calling thread takes part).
///
/// OpenBLAS itself always runs single-threaded (BLAS.swift); a large GEMM splits itself over the cores
/// with `ParallelFor`. A body that issues GEMMs should run inside `BLAS.withSingleThread`, so they are
/// not split again; the workers running a body inherit the caller's `withSingleThread` state.
public enum ParallelFor {
    /// Number of worker threads (defaults to the active processor count; `FSVIDEO_THREADS` overrides).
    nonisolated(unsafe) public static var threadCount: Int = {
        if let s = ProcessInfo.processInfo.environment["FSVIDEO_THREADS"], let n = Int(s), n > 0 { return n }
        return Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Calls `body` on disjoint sub-ranges covering `0..<count`. Ranges are at least `minChunk` long.
    public static func run(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        if count <= 0 { return }
        let workers = Swift.min(threadCount, Swift.max(1, count / Swift.max(minChunk, 1)))
        if workers <= 1 { body(0..<count); return }
        let chunks = workers
        let regionDepth = SingleThreadRegion.depth
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = count * c / chunks, hi = count * (c + 1) / chunks
                if lo < hi { SingleThreadRegion.with(depth: regionDepth) { body(lo..<hi) } }
            }
        }
    }

    /// Calls `body(i)` for each i in `0..<count`, spread over the workers.
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        run(count) { r in for i in r { body(i) } }
    }
}
