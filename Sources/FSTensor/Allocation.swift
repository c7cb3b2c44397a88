import Foundation

/// Large tensor buffers ask the kernel for transparent huge pages before they are first touched: a fresh
/// multi-megabyte allocation otherwise pays one page fault per 4 KB when the op writes its output, which
/// costs as much as a memory-bound op itself. Harmless where THP is unavailable (the call just fails).
let hugePageThresholdBytes = 8 << 20

@inline(__always)
func adviseHugePages(_ buf: UnsafeMutableBufferPointer<Float>) {
    let bytes = buf.count * MemoryLayout<Float>.stride
    guard bytes >= hugePageThresholdBytes, let base = buf.baseAddress else { return }
    let huge = 2 << 20
    let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: base) + bytes) & ~(huge - 1)
    guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(p, end - start, 14 /* MADV_HUGEPAGE */)
}

/// Keeps freed tensor memory in the process instead of unmapping it: glibc serves every allocation above
/// 32 MB with a fresh mmap and unmaps it on free, so each large op output would be page-faulted in
/// again (first touch runs at a fraction of memory bandwidth, most of a memory-bound op's time).
/// Large blocks therefore come from the heap and the heap is not trimmed. Applied once, on the first
/// tensor allocation.
#if os(Linux)
@_silgen_name("mallopt") private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
#endif

let allocatorConfigured: Bool = {
    #if os(Linux)
    _ = glibcMallopt(-4 /* M_MMAP_MAX */, 0)
    _ = glibcMallopt(-1 /* M_TRIM_THRESHOLD */, Int32.max)
    #endif
    return true
}()
