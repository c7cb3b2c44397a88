import Foundation
import FSTensor

/// A caching pool of device buffers: sizes rounded to a class (powers of two up to 1 MiB, then 2 MiB steps),
/// freed buffers kept per class and handed out again. All GPU work runs on one stream, so a buffer released
/// by the host may be reused at once: the next kernel that writes it is ordered after the last that read it.
/// The allocator is given as closures, so the bookkeeping is tested without a GPU.
public final class DeviceMemoryPool: @unchecked Sendable {
    public typealias Allocate = (Int) throws -> UInt64
    public typealias Free = (UInt64) -> Void

    let allocate: Allocate
    let free: Free
    let lock = NSLock()
    var cached: [Int: [UInt64]] = [:]
    public private(set) var bytesInUse = 0
    public private(set) var bytesCached = 0
    public private(set) var peakBytesInUse = 0

    nonisolated(unsafe) static var peak = 0
    static let peakLock = NSLock()
    /// The highest device memory in use by any pool of this process (run.json's gpu_peak_memory_bytes).
    public static var processPeakBytes: Int { peakLock.lock(); defer { peakLock.unlock() }; return peak }

    public init(allocate: @escaping Allocate, free: @escaping Free) {
        self.allocate = allocate; self.free = free
    }

    /// The size class of a request.
    public static func sizeClass(_ bytes: Int) -> Int {
        let n = Swift.max(bytes, 256)
        if n <= 1 << 20 { return 1 << (Int.bitWidth - (n - 1).leadingZeroBitCount) }
        let step = 2 << 20
        return (n + step - 1) / step * step
    }

    /// A buffer of at least `bytes`; returns the pointer and its class size.
    public func acquire(_ bytes: Int) throws -> (pointer: UInt64, size: Int) {
        let size = Self.sizeClass(bytes)
        lock.lock()
        if var list = cached[size], let p = list.popLast() {
            cached[size] = list
            bytesCached -= size
            note(size)
            lock.unlock()
            return (p, size)
        }
        lock.unlock()
        let p: UInt64
        do { p = try allocate(size) } catch {
            trim()   // out of memory: give the cache back and try once more
            p = try allocate(size)
        }
        lock.lock(); note(size); lock.unlock()
        return (p, size)
    }

    func note(_ size: Int) {
        bytesInUse += size
        if bytesInUse > peakBytesInUse { peakBytesInUse = bytesInUse }
        Self.peakLock.lock(); Self.peak = Swift.max(Self.peak, bytesInUse); Self.peakLock.unlock()
    }

    /// Returns a buffer to the cache.
    public func release(_ pointer: UInt64, size: Int) {
        lock.lock(); defer { lock.unlock() }
        cached[size, default: []].append(pointer)
        bytesInUse -= size
        bytesCached += size
    }

    /// Frees every cached buffer.
    public func trim() {
        lock.lock()
        let all = cached.values.flatMap { $0 }
        cached = [:]; bytesCached = 0
        lock.unlock()
        all.forEach(free)
    }
}
