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
