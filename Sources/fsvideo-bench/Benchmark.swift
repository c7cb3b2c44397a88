import Foundation
import FSTensor

/// Helpers shared by every `fsvideo-bench` command: wall-clock timing and the raw sgemm baseline
/// that each benchmark prints from its own run.
public enum Benchmark {
    /// Seconds taken by `body` (monotonic clock).
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Process CPU seconds (user + system, all threads) taken by `body`.
    public static func cpuSeconds(_ body: () throws -> Void) rethrows -> Double {
        func now() -> Double {
            var u = rusage()
            getrusage(RUSAGE_SELF.rawValue, &u)
            return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
        }
        let start = now()
        try body()
        return now() - start
    }

    /// When set, `bestSeconds` measures process CPU time instead of wall time (single-thread runs on a
    /// shared machine, where wall time mostly measures the neighbours).
    nonisolated(unsafe) public static var measureCPUTime = false

    /// Best (minimum) time of `repeats` runs after `warmup` untimed runs.
    public static func bestSeconds(repeats: Int = 3, warmup: Int = 1, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmup { try body() }
        var best = Double.infinity
        for _ in 0..<Swift.max(1, repeats) {
            best = Swift.min(best, measureCPUTime ? try cpuSeconds(body) : try seconds(body))
        }
        return best
    }

    /// Raw cblas_sgemm rate (GFLOP/s) on a size³ product with OpenBLAS's own threads: best of `repeats`.
    public static func sgemmBaselineGFLOPS(size: Int = 2048, repeats: Int = 3) -> Double {
        let a = [Float](repeating: 0.5, count: size * size)
        let b = [Float](repeating: 0.25, count: size * size)
        var c = [Float](repeating: 0, count: size * size)
        let t = bestSeconds(repeats: repeats) {
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        BLAS.openBLASThreadedSgemm(threads: ParallelFor.threadCount, m: size, n: size, k: size,
                                                   a: pa.baseAddress!, b: pb.baseAddress!, c: pc.baseAddress!)
                    }
                }
            }
        }
        return 2 * Double(size) * Double(size) * Double(size) / t / 1e9
    }

    /// Raw bf16 GEMM rate (GFLOP/s) on a size³ product (A pre-packed in bf16 as a weight is, B fp32 converted
    /// per block, fp32 C) split over `ParallelFor.threadCount` cores like every fsvideo GEMM: best of `repeats`.
    public static func bf16GEMMGFLOPS(size: Int = 2048, repeats: Int = 3) -> Double {
        let a = randomTensor([size, size], seed: 1), b = randomTensor([size, size], seed: 2)
        let pa = a.data.withUnsafeBufferPointer { BF16Panels(role: .rowsOfC, outer: size, k: size, rowMajor: $0.baseAddress!, ld: size) }
        var c = [Float](repeating: 0, count: size * size)
        let t = bestSeconds(repeats: repeats) {
            b.data.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BF16GEMM.gemm(m: size, n: size, k: size, a: .packed(pa), b: .fp32(pb.baseAddress!, ld: size, transposed: false),
                                  c: pc.baseAddress!, ldc: size)
                }
            }
        }
        return 2 * Double(size) * Double(size) * Double(size) / t / 1e9
    }

    /// fsvideo's own sgemm (`BLAS.sgemm`, split over the cores) on a size³ product: best of `repeats`.
    public static func splitSgemmGFLOPS(size: Int = 2048, repeats: Int = 3) -> Double {
        let a = randomTensor([size, size], seed: 1), b = randomTensor([size, size], seed: 2)
        var c = [Float](repeating: 0, count: size * size)
        let t = bestSeconds(repeats: repeats) {
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        BLAS.sgemm(transA: false, transB: false, m: size, n: size, k: size, a: pa.baseAddress!, lda: size,
                                   b: pb.baseAddress!, ldb: size, c: pc.baseAddress!, ldc: size)
                    }
                }
            }
        }
        return 2 * Double(size) * Double(size) * Double(size) / t / 1e9
    }

    /// A tensor of seeded pseudo-random values in [−scale, scale) (fast, for benchmark inputs).
    public static func randomTensor(_ shape: [Int], seed: UInt64 = 1, scale: Float = 1) -> Tensor {
        var s = seed &* 0x9E3779B97F4A7C15 | 1
        return Tensor(shape: shape) { buf in
            for i in 0..<buf.count {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17
                buf[i] = (Float(s >> 40) / Float(1 << 24) * 2 - 1) * scale
            }
        }
    }
}
