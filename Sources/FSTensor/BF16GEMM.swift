import CBF16Kernels

/// A matrix stored once in bf16, packed in the panel layout the bf16 GEMM reads (CBF16Kernels.h):
/// as the left operand (`.rowsOfC`, panels of MR rows) or the right one (`.columnsOfC`, panels of NR columns).
public final class BF16Panels: @unchecked Sendable {
    public enum Role: Sendable { case rowsOfC, columnsOfC }
    public let role: Role
    /// Rows of C (left operand) or columns of C (right operand) this matrix produces.
    public let outer: Int
    /// The inner (reduction) dimension.
    public let k: Int
    let storage: UnsafeMutablePointer<UInt16>
    let count: Int

    /// Packs `matrix` given as [outer, k] row-major (a Linear weight [out, in], a conv weight [O, C·kh·kw]).
    public init(role: Role, outer: Int, k: Int, rowMajor matrix: UnsafePointer<Float>, ld: Int) {
        self.role = role; self.outer = outer; self.k = k
        count = fsbf16_packed_count(outer, k, role == .rowsOfC ? FSBF16_MR : FSBF16_NR)
        storage = .allocate(capacity: Swift.max(count, 1))
        if role == .rowsOfC {
            fsbf16_pack_a(matrix, ld, 0, outer, k, storage)       // A[i][kk] = m[i·ld + kk]
        } else {
            fsbf16_pack_b(matrix, ld, 1, k, outer, storage)       // B[kk][j] = m[j·ld + kk]
        }
    }

    deinit { storage.deallocate() }

    /// Bytes held.
    public var byteCount: Int { count * 2 }

    /// Words (uint16) from the start of the panels to row/column `index` (a multiple of the panel size).
    func offset(of index: Int) -> Int { index * ((k + 1) / 2) * 2 }

    /// The stored values as fp32 [outer, k] (exact: every bf16 is an fp32).
    public func unpacked() -> Tensor {
        let r = role == .rowsOfC ? Int(FSBF16_MR) : Int(FSBF16_NR)
        let kp = (k + 1) / 2
        return Tensor(shape: [outer, k]) { out in
            for i in 0..<outer {
                let panel = storage + (i / r) * kp * r * 2
                for kk in 0..<k {
                    let word = panel + ((kk / 2) * r + i % r) * 2
                    out[i * k + kk] = Float(bitPattern: UInt32(word[kk % 2]) << 16)
                }
            }
        }
    }
}

/// One operand of a bf16 GEMM: fp32 in memory (converted per block inside the call) or pre-packed bf16.
public enum BF16Operand {
    /// Element (row, col) of the logical operand is `p[row·ld + col]`, or `p[col·ld + row]` when `transposed`.
    case fp32(UnsafePointer<Float>, ld: Int, transposed: Bool)
    case packed(BF16Panels)
}

/// Row-major C = alpha·A·B + beta·C with bf16 inputs and fp32 accumulation (AVX512-BF16 when the CPU has
/// it, else a portable kernel). Threading follows `BLAS.sgemm`: outside `BLAS.withSingleThread` a large
/// product is split over the cores — along the side whose operand is fp32 (each worker converts only its
/// part), in whole panels.
public enum BF16GEMM {
    public static func gemm(m: Int, n: Int, k: Int, alpha: Float = 1, a: BF16Operand, b: BF16Operand,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if case .packed(let p) = a { precondition(p.role == .rowsOfC && p.outer >= m && p.k == k, "BF16GEMM: A panels do not fit") }
        if case .packed(let p) = b { precondition(p.role == .columnsOfC && p.outer >= n && p.k == k, "BF16GEMM: B panels do not fit") }
        let workers = ParallelFor.threadCount
        if workers > 1 && m * n * k >= BLAS.splitThreshold && BLAS.maySplit {
            var alongN: Bool
            switch (a, b) {
            case (.packed, .fp32): alongN = true
            case (.fp32, .packed): alongN = false
            default: alongN = n >= m
            }
            let side = alongN ? n : m
            let unit = alongN ? Int(FSBF16_NR) : Int(FSBF16_MR)
            if side >= 2 * unit {
                let block = ((side + workers - 1) / workers + unit - 1) / unit * unit
                let parts = (side + block - 1) / block
                BLAS.withSingleThread {
                    ParallelFor.run(parts) { r in
                        for p in r {
                            let lo = p * block, len = Swift.min(block, side - lo)
                            if alongN {
                                let (bs, bo) = shifted(b, by: lo, alongRows: false)
                                raw(m: m, n: len, k: k, alpha: alpha, a: a, aOffset: 0, b: bs, bOffset: bo,
                                    beta: beta, c: c + lo, ldc: ldc)
                            } else {
                                let (as_, ao) = shifted(a, by: lo, alongRows: true)
                                raw(m: len, n: n, k: k, alpha: alpha, a: as_, aOffset: ao, b: b, bOffset: 0,
                                    beta: beta, c: c + lo * ldc, ldc: ldc)
                            }
                        }
                    }
                }
                return
            }
        }
        raw(m: m, n: n, k: k, alpha: alpha, a: a, b: b, beta: beta, c: c, ldc: ldc)
    }

    /// The operand starting `lo` rows (of A) or columns (of B) further: a shifted fp32 pointer, or the
    /// packed panels with a row/column offset (`lo` is then a multiple of the panel size).
    static func shifted(_ op: BF16Operand, by lo: Int, alongRows: Bool) -> (BF16Operand, Int) {
        switch op {
        case .fp32(let p, let ld, let t):
            // A rows: A[i][kk] = t ? p[kk·ld + i] : p[i·ld + kk]. B columns: B[kk][j] = t ? p[j·ld + kk] : p[kk·ld + j].
            let step = alongRows ? (t ? 1 : ld) : (t ? ld : 1)
            return (.fp32(p + lo * step, ld: ld, transposed: t), 0)
        case .packed:
            return (op, lo)
        }
    }

    static func raw(m: Int, n: Int, k: Int, alpha: Float, a: BF16Operand, b: BF16Operand, beta: Float,
                    c: UnsafeMutablePointer<Float>, ldc: Int) {
        raw(m: m, n: n, k: k, alpha: alpha, a: a, aOffset: 0, b: b, bOffset: 0, beta: beta, c: c, ldc: ldc)
    }

    static func raw(m: Int, n: Int, k: Int, alpha: Float, a: BF16Operand, aOffset: Int, b: BF16Operand,
                    bOffset: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        func operand(_ op: BF16Operand, _ offset: Int) -> fsbf16_operand {
            switch op {
            case .fp32(let p, let ld, let t): return fsbf16_operand(f32: p, ld: ld, trans: t ? 1 : 0, packed: nil)
            case .packed(let panels): return fsbf16_operand(f32: nil, ld: 0, trans: 0, packed: panels.storage + panels.offset(of: offset))
            }
        }
        fsbf16_gemm(m, n, k, alpha, operand(a, aOffset), operand(b, bOffset), beta, c, ldc)
    }
}
