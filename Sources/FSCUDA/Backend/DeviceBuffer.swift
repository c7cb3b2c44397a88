import FSCompute

/// A device allocation from the pool; returned to the pool when the last tensor using it goes away.
public final class DeviceBuffer: DeviceStorage {
    public let pointer: UInt64
    public let byteCount: Int
    let classSize: Int
    let pool: DeviceMemoryPool

    init(pool: DeviceMemoryPool, bytes: Int) throws {
        let (p, size) = try pool.acquire(bytes)
        self.pointer = p; self.byteCount = bytes; self.classSize = size; self.pool = pool
    }

    deinit { pool.release(pointer, size: classSize) }
}
