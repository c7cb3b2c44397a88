import CBLAS
import Foundation

/// Thin access to OpenBLAS and its thread pool.
///
/// Threading policy (one rule for the whole package): a GEMM issued from ordinary (non-parallel) code
/// runs with OpenBLAS's own threads; work that issues many independent GEMMs from inside a
/// `ParallelFor` body wraps the whole parallel region in `BLAS.withSingleThread`, so each worker's
/// sgemm runs single-threaded on its own core and the two pools never oversubscribe the cores.
public enum BLAS {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var singleThreadDepth = 0
    nonisolated(unsafe) private static var savedThreads = 1

    /// Number of threads OpenBLAS uses for a call made outside `withSingleThread`.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Runs `body` with OpenBLAS restricted to one thread (re-entrant; restores the previous count).
    public static func withSingleThread<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        if singleThreadDepth == 0 {
            savedThreads = Int(openblas_get_num_threads())
            if savedThreads != 1 { openblas_set_num_threads(1) }
        }
        singleThreadDepth += 1
        lock.unlock()
        defer {
            lock.lock()
            singleThreadDepth -= 1
            if singleThreadDepth == 0 && savedThreads != 1 { openblas_set_num_threads(Int32(savedThreads)) }
            lock.unlock()
        }
        return try body()
    }

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
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
