import CCUDA
import FSTensor

/// Row-major GEMMs through cuBLASLt: bf16 A and B, fp32 C/D, fp32 accumulation (CUBLAS_COMPUTE_32F),
/// optional bias epilogue, strided batches. cuBLASLt is column-major, so C[M,N] = op(A)·op(B) is computed
/// as Cᵀ[N,M] = op(B)ᵀ·op(A)ᵀ: the operands swap and each row-major buffer is read as its column-major transpose.
final class CUBLASLtGEMM {
    unowned let context: CUDAContext
    let lt: ccuda_cublaslt
    let handle: cublasLtHandle_t
    let workspace: DeviceBuffer
    static let workspaceBytes = 32 << 20

    typealias Operand = GEMMOperand

    init(context: CUDAContext) throws {
        self.context = context
        guard let lt = context.runtime.cublasLt else { throw FSError("cuBLASLt is not available: \(context.runtime.cublasLtProbe)") }
        self.lt = lt
        var h: cublasLtHandle_t? = nil
        try CUDACheck.cublas(lt.cublasLtCreate!(&h), "cublasLtCreate")
        guard let h else { throw FSError("cuBLASLt: no handle") }
        handle = h
        workspace = try context.allocate(Self.workspaceBytes)
    }

    deinit { _ = lt.cublasLtDestroy!(handle) }

    /// c[b] (fp32, [M, N], ldc) = op(a[b]) [M, K] · op(b[b]) [K, N] (+ beta·c) (+ bias [N] when given), for `batch` items.
    func run(m: Int, n: Int, k: Int, a: Operand, b: Operand, c: Operand, batch: Int = 1, beta: Float = 0,
             bias: UInt64? = nil) throws {
        try run(GEMMCall(m: m, n: n, k: k, a: a, b: b, c: c, batch: batch), beta: beta, bias: bias)
    }

    func run(_ call: GEMMCall, beta: Float = 0, bias: UInt64? = nil) throws {
        try context.makeCurrent()
        let (m, n, k, a, b, c, batch) = (call.m, call.n, call.k, call.a, call.b, call.c, call.batch)
        let cm = call.columnMajor   // D' (n × m, ld c.ld) = A' · B' with A' = the b buffer, B' = the a buffer
        var desc: cublasLtMatmulDesc_t? = nil
        try CUDACheck.cublas(lt.cublasLtMatmulDescCreate!(&desc, Int32(CCUDA_COMPUTE_32F), Int32(CCUDA_R_32F)), "matmul desc")
        defer { _ = lt.cublasLtMatmulDescDestroy!(desc) }
        try setAttribute(desc, Int32(CCUDA_MATMUL_DESC_TRANSA), Int32(cm.a.transposed ? CCUDA_OP_T : CCUDA_OP_N))
        try setAttribute(desc, Int32(CCUDA_MATMUL_DESC_TRANSB), Int32(cm.b.transposed ? CCUDA_OP_T : CCUDA_OP_N))
        if let bias {
            try setAttribute(desc, Int32(CCUDA_MATMUL_DESC_EPILOGUE), UInt32(CCUDA_EPILOGUE_BIAS))
            try setAttribute(desc, Int32(CCUDA_MATMUL_DESC_BIAS_POINTER), bias)
        }
        let la = try layout(Int32(CCUDA_R_16BF), rows: cm.a.rows, cols: cm.a.cols, ld: cm.a.ld, batch: batch, stride: cm.a.batchStride)
        defer { _ = lt.cublasLtMatrixLayoutDestroy!(la) }
        let lb = try layout(Int32(CCUDA_R_16BF), rows: cm.b.rows, cols: cm.b.cols, ld: cm.b.ld, batch: batch, stride: cm.b.batchStride)
        defer { _ = lt.cublasLtMatrixLayoutDestroy!(lb) }
        let lc = try layout(Int32(CCUDA_R_32F), rows: cm.d.rows, cols: cm.d.cols, ld: cm.d.ld, batch: batch, stride: cm.d.batchStride)
        defer { _ = lt.cublasLtMatrixLayoutDestroy!(lc) }

        var pref: cublasLtMatmulPreference_t? = nil
        try CUDACheck.cublas(lt.cublasLtMatmulPreferenceCreate!(&pref), "matmul preference")
        defer { _ = lt.cublasLtMatmulPreferenceDestroy!(pref) }
        var wsBytes = UInt64(Self.workspaceBytes)
        try CUDACheck.cublas(lt.cublasLtMatmulPreferenceSetAttribute!(pref, Int32(CCUDA_PREF_MAX_WORKSPACE_BYTES), &wsBytes, 8),
                             "workspace preference")
        // Offsets into buffers (image chunks, batch entries) may be less aligned than cuBLASLt's default 256 bytes.
        for (attr, op, size) in [(CCUDA_PREF_MIN_ALIGNMENT_A_BYTES, b, 2), (CCUDA_PREF_MIN_ALIGNMENT_B_BYTES, a, 2),
                                 (CCUDA_PREF_MIN_ALIGNMENT_C_BYTES, c, 4), (CCUDA_PREF_MIN_ALIGNMENT_D_BYTES, c, 4)] {
            var align = Self.alignment(op, elementSize: size, batched: batch > 1)
            try CUDACheck.cublas(lt.cublasLtMatmulPreferenceSetAttribute!(pref, Int32(attr), &align, 4), "alignment preference")
        }
        var heuristic = ccuda_matmul_heuristic()
        var found: Int32 = 0
        try CUDACheck.cublas(lt.cublasLtMatmulAlgoGetHeuristic!(handle, desc, la, lb, lc, lc, pref, 1, &heuristic, &found),
                             "algorithm heuristic for \(m)x\(n)x\(k)")
        guard found > 0 else { throw FSError("cuBLASLt: no algorithm for a \(m)x\(n)x\(k) bf16 GEMM") }
        var alpha: Float = 1, betaValue = beta
        try CUDACheck.cublas(lt.cublasLtMatmul!(handle, desc, &alpha,
                                                UnsafeRawPointer(bitPattern: UInt(b.pointer)), la,
                                                UnsafeRawPointer(bitPattern: UInt(a.pointer)), lb, &betaValue,
                                                UnsafeRawPointer(bitPattern: UInt(c.pointer)), lc,
                                                UnsafeMutableRawPointer(bitPattern: UInt(c.pointer)), lc,
                                                &heuristic.algo, UnsafeMutableRawPointer(bitPattern: UInt(workspace.pointer)),
                                                Self.workspaceBytes, context.stream),
                             "bf16 GEMM \(m)x\(n)x\(k)")
    }

    /// The largest power of two (≤ 256) dividing the operand's address, row pitch and batch stride in bytes.
    static func alignment(_ op: Operand, elementSize: Int, batched: Bool) -> UInt32 {
        var bits = op.pointer | UInt64(op.ld * elementSize) | 256
        if batched && op.batchStride != 0 { bits |= UInt64(op.batchStride * elementSize) }
        return UInt32(1) << UInt32(bits.trailingZeroBitCount)
    }

    func setAttribute<T: BitwiseCopyable>(_ desc: cublasLtMatmulDesc_t?, _ attr: Int32, _ value: T) throws {
        let status = withUnsafeBytes(of: value) { lt.cublasLtMatmulDescSetAttribute!(desc, attr, $0.baseAddress, $0.count) }
        try CUDACheck.cublas(status, "matmul attribute \(attr)")
    }

    func layout(_ type: Int32, rows: Int, cols: Int, ld: Int, batch: Int, stride: Int) throws -> cublasLtMatrixLayout_t? {
        var l: cublasLtMatrixLayout_t? = nil
        try CUDACheck.cublas(lt.cublasLtMatrixLayoutCreate!(&l, type, UInt64(rows), UInt64(cols), Int64(ld)), "matrix layout")
        if batch > 1 {
            var count = Int32(batch), offset = Int64(stride)
            try CUDACheck.cublas(lt.cublasLtMatrixLayoutSetAttribute!(l, Int32(CCUDA_LAYOUT_BATCH_COUNT), &count, 4), "batch count")
            try CUDACheck.cublas(lt.cublasLtMatrixLayoutSetAttribute!(l, Int32(CCUDA_LAYOUT_STRIDED_BATCH_OFFSET), &offset, 8),
                                 "batch stride")
        }
        return l
    }
}
