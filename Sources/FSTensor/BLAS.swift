import CBLAS
import Foundation

/// Thin access to OpenBLAS.
///
/// Threading policy (one rule for the whole package): OpenBLAS always runs single-threaded and fsvideo
/// owns all parallelism. A large GEMM issued from ordinary code is split into column (or row) blocks run
/// by `ParallelFor`, one single-threaded sgemm per core; code that issues many GEMMs from inside a
/// `ParallelFor` body marks the region with `BLAS.withSingleThread`, so those GEMMs run as they are.
/// The mark belongs to the thread that set it and to the `ParallelFor` workers it starts (they inherit it
/// for the body they run), so one thread's region never stops GEMM splitting on unrelated threads.
/// (OpenBLAS's own pool was used before, but its idle threads spin in `sched_yield` for a while after each
/// call; on 2 cores that spinning took about a fifth of the CPU samples of a toy-model generation, stolen
/// from the ParallelFor workers.)
public enum BLAS {
    /// Puts OpenBLAS in single-thread mode once per process (before the first GEMM).
    private static let configured: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// Threads a GEMM issued outside `withSingleThread` is split over.
    public static var threadCount: Int { ParallelFor.threadCount }

    /// Marks a parallel region whose GEMMs must not be split again (re-entrant).
    public static func withSingleThread<R>(_ body: () throws -> R) rethrows -> R {
        _ = configured
        let depth = SingleThreadRegion.depth
        SingleThreadRegion.depth = depth + 1
        defer { SingleThreadRegion.depth = depth }
        return try body()
    }

    /// True outside `withSingleThread` regions: a large GEMM issued now may be split over the cores.
    static var maySplit: Bool { SingleThreadRegion.depth == 0 }

    /// Multiply-adds below which a GEMM is not split.
    static let splitThreshold = 1 << 21

    /// Row-major C = alpha·op(A)·op(B) + beta·C on raw pointers (lda/ldb/ldc are row strides).
    @inline(__always)
    public static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            // BLAS leaves C scaled by beta; make that explicit for k = 0.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        _ = configured
        let workers = ParallelFor.threadCount
        if workers > 1 && m * n * k >= splitThreshold && Swift.max(m, n) >= 32 * workers && maySplit {
            // Split the larger side of C into one block per worker (multiples of 16 columns/rows).
            let alongN = n >= m
            let side = alongN ? n : m
            let block = ((side + workers - 1) / workers + 15) / 16 * 16
            let parts = (side + block - 1) / block
            withSingleThread {
                ParallelFor.run(parts) { r in
                    for p in r {
                        let lo = p * block, len = Swift.min(block, side - lo)
                        if alongN {
                            rawSgemm(transA, transB, m, len, k, alpha, a, lda, b + (transB ? lo * ldb : lo), ldb, beta, c + lo, ldc)
                        } else {
                            rawSgemm(transA, transB, len, n, k, alpha, a + (transA ? lo : lo * lda), lda, b, ldb, beta, c + lo * ldc, ldc)
                        }
                    }
                }
            }
            return
        }
        rawSgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    @inline(__always)
    static func rawSgemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                         _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                         _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Raw OpenBLAS sgemm with OpenBLAS's own `threads` (the benchmarks' baseline); single-thread mode is
    /// restored afterwards.
    public static func openBLASThreadedSgemm(threads: Int, m: Int, n: Int, k: Int, a: UnsafePointer<Float>,
                                             b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        _ = configured
        openblas_set_num_threads(Int32(threads))
        rawSgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
        openblas_set_num_threads(1)
    }
}
