import CBLAS
import FSTensor

/// Thin wrappers over the LAPACK routines OpenBLAS provides (Fortran ABI, column-major).
enum LAPACK {
    /// Eigenvalues (ascending) and eigenvectors (column k = values k·n ..< (k+1)·n) of a symmetric matrix.
    static func symmetricEigen(_ m: [Double], _ n: Int) throws -> ([Double], [Double]) {
        var a = m   // symmetric: row- and column-major agree
        var w = [Double](repeating: 0, count: n)
        var nn = Int32(n), lda = Int32(n), info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var wq = [Double](repeating: 0, count: 1), iq = [Int32](repeating: 0, count: 1)
        var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "L"))
        dsyevd_(&jobz, &uplo, &nn, &a, &lda, &w, &wq, &lwork, &iq, &liwork, &info)
        lwork = Int32(wq[0]); liwork = iq[0]
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &nn, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
        if info != 0 { throw FSError("LAPACK dsyevd failed (info \(info))") }
        return (w, a)
    }

    /// Complex Schur decomposition A = Z T Zᴴ of a real row-major matrix; T and Z column-major.
    static func complexSchur(_ m: [Double], _ n: Int) throws -> ([Complex], [Complex]) {
        var a = [Double](repeating: 0, count: 2 * n * n)   // interleaved complex, column-major
        for i in 0..<n { for j in 0..<n { a[2 * (j * n + i)] = m[i * n + j] } }
        var vs = [Double](repeating: 0, count: 2 * n * n)
        var w = [Double](repeating: 0, count: 2 * n)
        var rwork = [Double](repeating: 0, count: n)
        var bwork = [Int32](repeating: 0, count: n)
        var nn = Int32(n), lda = Int32(n), ldvs = Int32(n), sdim: Int32 = 0, info: Int32 = 0, lwork: Int32 = -1
        var jobvs = CChar(UInt8(ascii: "V")), sort = CChar(UInt8(ascii: "N"))
        var wq = [Double](repeating: 0, count: 2)
        zgees_(&jobvs, &sort, nil, &nn, &a, &lda, &sdim, &w, &vs, &ldvs, &wq, &lwork, &rwork, &bwork, &info)
        lwork = Swift.max(Int32(wq[0]), Int32(2 * n))
        var work = [Double](repeating: 0, count: 2 * Int(lwork))
        zgees_(&jobvs, &sort, nil, &nn, &a, &lda, &sdim, &w, &vs, &ldvs, &work, &lwork, &rwork, &bwork, &info)
        if info != 0 { throw FSError("LAPACK zgees failed (info \(info))") }
        func unpack(_ x: [Double]) -> [Complex] { (0..<(n * n)).map { Complex(re: x[2 * $0], im: x[2 * $0 + 1]) } }
        return (unpack(a), unpack(vs))
    }
}
