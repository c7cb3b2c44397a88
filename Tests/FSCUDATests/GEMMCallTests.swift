import XCTest
import FSTensor
@testable import FSCUDA

/// The CUDA backend's GEMMs, checked without a GPU: each GEMMCall's column-major form is run through a
/// reference of cuBLASLt's semantics (column-major, op N/T, leading dimensions, strided batches) over host
/// buffers at the same byte addresses, and compared with the FSTensor op. The im2col and temporal-unfold
/// layouts are rebuilt here with the kernels' index formulas.
final class GEMMCallTests: XCTestCase {
    /// Host stand-ins for device buffers: base address, element size, values.
    struct Memory {
        var buffers: [(base: UInt64, size: Int, data: [Float])] = []
        mutating func add(_ base: UInt64, elementSize: Int, _ data: [Float]) { buffers.append((base, elementSize, data)) }
        func locate(_ address: UInt64) -> (Int, Int) {
            let i = buffers.lastIndex { $0.base <= address }!
            return (i, Int(address - buffers[i].base) / buffers[i].size)
        }
        func read(_ address: UInt64, _ offset: Int) -> Float {
            let (b, e) = locate(address); return buffers[b].data[e + offset]
        }
        mutating func write(_ address: UInt64, _ offset: Int, _ v: Float) {
            let (b, e) = locate(address); buffers[b].data[e + offset] = v
        }
        func data(at base: UInt64) -> [Float] { buffers.first { $0.base == base }!.data }
    }

    /// cuBLASLt's D = op(A)·op(B) (alpha 1, beta 0), column-major, per batch entry.
    func emulate(_ call: GEMMCall, _ mem: inout Memory) {
        let cm = call.columnMajor
        for i in 0..<call.batch {
            let a = cm.a.pointer + UInt64(i * cm.a.batchStride * 2), b = cm.b.pointer + UInt64(i * cm.b.batchStride * 2)
            let d = cm.d.pointer + UInt64(i * cm.d.batchStride * 4)
            for col in 0..<cm.n {
                for row in 0..<cm.m {
                    var s: Float = 0
                    for p in 0..<cm.k {
                        let av = mem.read(a, cm.a.transposed ? p + row * cm.a.ld : row + p * cm.a.ld)
                        let bv = mem.read(b, cm.b.transposed ? col + p * cm.b.ld : p + col * cm.b.ld)
                        s += av * bv
                    }
                    mem.write(d, row + col * cm.d.ld, s)
                }
            }
        }
    }

    var rng = SplitMix64(seed: 5)
    func rand(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(rng.next() >> 40) / Float(1 << 24) - 0.5 })
    }

    func assertClose(_ got: [Float], _ ref: Tensor, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, ref.count, what, file: file, line: line)
        let err = zip(got, ref.data).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(err, 1e-4, what, file: file, line: line)
    }

    func testLinear() {
        let x = rand([5, 7]), w = rand([3, 7])
        var mem = Memory()
        mem.add(0x1000, elementSize: 2, x.data); mem.add(0x2000, elementSize: 2, w.data)
        mem.add(0x3000, elementSize: 4, [Float](repeating: 0, count: 15))
        emulate(.linear(rows: 5, inFeatures: 7, outFeatures: 3, x: 0x1000, weight: 0x2000, out: 0x3000), &mem)
        assertClose(mem.data(at: 0x3000), linear(x, weight: w, bias: nil), "linear")
    }

    func testBatchedMatmulBothWays() {
        for transposeB in [false, true] {
            let a = rand([3, 4, 6]), b = transposeB ? rand([3, 5, 6]) : rand([3, 6, 5])
            var mem = Memory()
            mem.add(0x1000, elementSize: 2, a.data); mem.add(0x2000, elementSize: 2, b.data)
            mem.add(0x3000, elementSize: 4, [Float](repeating: 0, count: 60))
            emulate(.matmul(batch: 3, m: 4, n: 5, k: 6, transposeB: transposeB, a: 0x1000, b: 0x2000, out: 0x3000), &mem)
            assertClose(mem.data(at: 0x3000), matmul(a, b, transposeB: transposeB), "matmul transposeB \(transposeB)")
        }
    }

    func testConv2dThroughIm2colInTwoChunks() {
        for (stride, pad, dil) in [(2, 1, 1), (1, 2, 2)] { checkConv2d(stride: stride, pad: pad, dil: dil) }
    }

    func checkConv2d(stride: Int, pad: Int, dil: Int) {
        let (n, c, h, w, o, kh, kw) = (3, 2, 5, 6, 4, 3, 3)
        let x = rand([n, c, h, w]), wt = rand([o, c, kh, kw])
        let oh = (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1, ow = (w + 2 * pad - dil * (kw - 1) - 1) / stride + 1
        let k = c * kh * kw, p = oh * ow
        var mem = Memory()
        mem.add(0x1000, elementSize: 2, wt.data)
        mem.add(0x100000, elementSize: 4, [Float](repeating: 0, count: n * o * p))
        for (first, count) in [(0, 2), (2, 1)] {
            // fs_im2col_bf16's layout: cols[img][ch·kh·kw + ky·kw + kx][oy·ow + ox].
            var cols = [Float](repeating: 0, count: count * k * p)
            for img in 0..<count {
                for row in 0..<k {
                    let (ch, ky, kx) = (row / (kh * kw), (row / kw) % kh, row % kw)
                    for pos in 0..<p {
                        let (oy, ox) = (pos / ow, pos % ow)
                        let (iy, ix) = (oy * stride - pad + ky * dil, ox * stride - pad + kx * dil)
                        if iy >= 0 && iy < h && ix >= 0 && ix < w { cols[(img * k + row) * p + pos] = x[first + img, ch, iy, ix] }
                    }
                }
            }
            let colsBase: UInt64 = 0x10000 + UInt64(first) * 0x1000
            mem.add(colsBase, elementSize: 2, cols)
            mem.buffers.sort { $0.base < $1.base }
            emulate(.conv2d(images: count, firstImage: first, outChannels: o, k: k, positions: p,
                            weight: 0x1000, cols: colsBase, out: 0x100000), &mem)
        }
        assertClose(mem.data(at: 0x100000), conv2d(x, weight: wt, bias: nil, stride: stride, padding: pad, dilation: dil),
                    "conv2d stride \(stride) dilation \(dil)")
    }

    func testTemporalConvThroughUnfold() {
        let (n, c, t, h, w, o, k, pad) = (2, 3, 5, 2, 3, 4, 3, 1)
        let hw = h * w, tOut = t + 2 * pad - k + 1
        let x = rand([n, c, t, h, w]), wt = rand([o, c, k, 1, 1])
        // fs_temporal_unfold_bf16's layout: u[b][to][ch·k + tap][hw] = x[b, ch, to + tap − pad, hw] or 0.
        var u = [Float](repeating: 0, count: n * tOut * c * k * hw)
        for b in 0..<n { for to in 0..<tOut { for row in 0..<(c * k) { for j in 0..<hw {
            let ti = to + row % k - pad
            if ti >= 0 && ti < t { u[((b * tOut + to) * c * k + row) * hw + j] = x.data[((b * c + row / k) * t + ti) * hw + j] }
        } } } }
        var mem = Memory()
        mem.add(0x1000, elementSize: 2, wt.data); mem.add(0x10000, elementSize: 2, u)
        mem.add(0x100000, elementSize: 4, [Float](repeating: 0, count: n * o * tOut * hw))
        for b in 0..<n {
            emulate(.temporalConv(entry: b, outChannels: o, ck: c * k, frames: tOut, hw: hw,
                                  weight: 0x1000, unfolded: 0x10000, out: 0x100000), &mem)
        }
        assertClose(mem.data(at: 0x100000), temporalConv(x, weight: wt, bias: nil, padding: pad), "temporal conv")
    }

    func testAlignmentIsTheLargestCommonPowerOfTwo() {
        XCTAssertEqual(CUBLASLtGEMM.alignment(GEMMOperand(pointer: 0x10000, ld: 1024), elementSize: 2, batched: false), 256)
        XCTAssertEqual(CUBLASLtGEMM.alignment(GEMMOperand(pointer: 0x10000, ld: 36), elementSize: 2, batched: false), 8)
        XCTAssertEqual(CUBLASLtGEMM.alignment(GEMMOperand(pointer: 0x10004, ld: 64), elementSize: 4, batched: false), 4)
        XCTAssertEqual(CUBLASLtGEMM.alignment(GEMMOperand(pointer: 0x10000, ld: 64, batchStride: 6), elementSize: 2, batched: true), 4)
    }
}
