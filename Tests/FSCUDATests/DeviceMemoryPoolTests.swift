import XCTest
@testable import FSCUDA

final class DeviceMemoryPoolTests: XCTestCase {
    func testSizeClasses() {
        XCTAssertEqual(DeviceMemoryPool.sizeClass(1), 256)
        XCTAssertEqual(DeviceMemoryPool.sizeClass(1000), 1024)
        XCTAssertEqual(DeviceMemoryPool.sizeClass(1 << 20), 1 << 20)
        XCTAssertEqual(DeviceMemoryPool.sizeClass((1 << 20) + 1), 2 << 20)
        XCTAssertEqual(DeviceMemoryPool.sizeClass(5 << 20), 6 << 20)
    }

    func testReuseAndPeak() throws {
        var next: UInt64 = 0x1000, allocations = 0, frees: [UInt64] = []
        let pool = DeviceMemoryPool(allocate: { _ in allocations += 1; next += 0x100000; return next },
                                    free: { frees.append($0) })
        let a = try pool.acquire(3000), b = try pool.acquire(3000)
        XCTAssertNotEqual(a.pointer, b.pointer)
        XCTAssertEqual(pool.bytesInUse, 8192)
        pool.release(a.pointer, size: a.size)
        let c = try pool.acquire(4096)
        XCTAssertEqual(c.pointer, a.pointer, "a freed buffer of the same class is reused")
        XCTAssertEqual(allocations, 2)
        pool.release(b.pointer, size: b.size); pool.release(c.pointer, size: c.size)
        XCTAssertEqual(pool.bytesInUse, 0)
        XCTAssertEqual(pool.peakBytesInUse, 8192)
        pool.trim()
        XCTAssertEqual(Set(frees), [a.pointer, b.pointer])
        XCTAssertEqual(pool.bytesCached, 0)
    }

    func testOutOfMemoryTrimsAndRetries() throws {
        var live = 0
        let pool = DeviceMemoryPool(allocate: { size in
            if live + size > 4096 { throw NSError(domain: "oom", code: 2) }
            live += size; return UInt64(live)
        }, free: { _ in live -= 2048 })
        let a = try pool.acquire(2048), b = try pool.acquire(2048)
        pool.release(a.pointer, size: a.size); pool.release(b.pointer, size: b.size)
        XCTAssertNoThrow(try pool.acquire(4096))
    }
}
