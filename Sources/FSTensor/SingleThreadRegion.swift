#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The calling thread's nesting depth of `BLAS.withSingleThread` regions, in thread-specific storage
/// (one pthread key; reading it is one `pthread_getspecific`, cheap enough for every GEMM call).
/// `ParallelFor` copies the depth of the thread that starts a loop into the workers running its body.
enum SingleThreadRegion {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key, nil)
        precondition(status == 0, "SingleThreadRegion: pthread_key_create failed (\(status))")
        return key
    }()

    /// The depth on this thread (0 outside every region).
    static var depth: Int {
        get { Int(bitPattern: pthread_getspecific(key)) }
        set { pthread_setspecific(key, UnsafeRawPointer(bitPattern: newValue)) }
    }

    /// Runs `body` with this thread's depth set to `depth` (restored afterwards).
    @inline(__always)
    static func with<R>(depth: Int, _ body: () throws -> R) rethrows -> R {
        let saved = self.depth
        if saved == depth { return try body() }
        self.depth = depth
        defer { self.depth = saved }
        return try body()
    }
}
