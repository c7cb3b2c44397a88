import CBLAS
import Foundation
import FSTensor

/// Mean and covariance of a feature set, in Float64.
public struct FeatureStatistics: Sendable {
    public let count: Int
    public let dim: Int
    public let mean: [Double]
    /// `np.cov(x, rowvar=False)` (divides by N−1), row-major D×D; nil for a single sample.
    public let covariance: [Double]?

    /// Statistics stored earlier (e.g. a cached real set).
    public init(count: Int, dim: Int, mean: [Double], covariance: [Double]?) {
        precondition(mean.count == dim && (covariance == nil || covariance!.count == dim * dim), "FeatureStatistics: sizes do not match \(dim)")
        self.count = count; self.dim = dim; self.mean = mean; self.covariance = covariance
    }

    /// Features [N,D] row-major.
    public init(features x: [Double], count n: Int, dim d: Int) {
        precondition(x.count == n * d && n > 0, "FeatureStatistics: \(x.count) values for \(n)x\(d)")
        count = n; dim = d
        var mu = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mu[j] += x[i * d + j] } }
        for j in 0..<d { mu[j] /= Double(n) }
        mean = mu
        if n < 2 { covariance = nil; return }
        var c = [Double](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d { c[i * d + j] = x[i * d + j] - mu[j] } }
        var s = [Double](repeating: 0, count: d * d)
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(d), Int32(n),
                    1 / Double(n - 1), c, Int32(d), c, Int32(d), 0, &s, Int32(d))
        covariance = s
    }
}

/// The Fréchet distance between two Gaussian fits of feature sets, as common_metrics_on_video_quality
/// computes FVD: `styleganv` (numpy/scipy: `‖μa−μb‖² + tr(Σa + Σb − 2·sqrtm(Σa Σb))`, real part at the end)
/// and `videogpt` (tf-gan style: `tr(√(√Σa Σb √Σa))` through symmetric square roots). All Float64, LAPACK.
public enum Frechet {
    public struct Result: Sendable {
        public let meanTerm: Double
        /// Re(sqrtm(Σa Σb)) row-major (nil for the one-sample case).
        public let covmeanReal: [Double]?
        public let covmeanTrace: Double?
        public let distance: Double
    }

    public static func meanTerm(_ a: FeatureStatistics, _ b: FeatureStatistics) -> Double {
        zip(a.mean, b.mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }

    static func trace(_ m: [Double], _ d: Int) -> Double { (0..<d).reduce(0) { $0 + m[$1 * d + $1] } }

    /// The reference's `frechet_distance(feats_fake=a, feats_real=b)`: when the *first* set has a single
    /// row the distance is the mean term only (the reference checks only the first argument).
    public static func distance(_ a: FeatureStatistics, _ b: FeatureStatistics) throws -> Result {
        guard a.dim == b.dim else { throw FSError("Fréchet distance: feature dimensions differ (\(a.dim) vs \(b.dim))") }
        let m = meanTerm(a, b)
        guard let sa = a.covariance else { return Result(meanTerm: m, covmeanReal: nil, covmeanTrace: nil, distance: m) }
        guard let sb = b.covariance else {
            throw FSError("Fréchet distance: the second feature set has a single sample (its covariance is undefined)")
        }
        let d = a.dim
        let covmean = try sqrtmRealPart(product(sa, sb, d), d)
        let tr = trace(covmean, d)
        return Result(meanTerm: m, covmeanReal: covmean, covmeanTrace: tr,
                      distance: m + trace(sa, d) + trace(sb, d) - 2 * tr)
    }

    /// The videogpt (torch) variant; nil for a single-row set (the reference raises ZeroDivisionError).
    public static func distanceVideoGPT(_ a: FeatureStatistics, _ b: FeatureStatistics) throws -> Double? {
        guard let sa = a.covariance, let sb = b.covariance else { return nil }
        let d = a.dim
        let root = try symmetricSquareRoot(sa, d)
        let inner = product(product(root, sb, d), root, d)
        let s = try symmetricSquareRoot(inner, d)
        return trace(sa, d) + trace(sb, d) - 2 * trace(s, d) + meanTerm(a, b)
    }

    static func product(_ a: [Double], _ b: [Double], _ d: Int) -> [Double] {
        var c = [Double](repeating: 0, count: d * d)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(d), Int32(d), Int32(d), 1, a, Int32(d), b, Int32(d), 0, &c, Int32(d))
        return c
    }

    /// tf-gan's `_symmetric_matrix_square_root` (u·diag(s<1e−10 ? s : √s)·vᵀ from an SVD), evaluated through
    /// the eigen-decomposition of the symmetrised matrix: for Q Λ Qᵀ the SVD has s = |λ|, u = sign(λ)·q, v = q.
    static func symmetricSquareRoot(_ m: [Double], _ d: Int) throws -> [Double] {
        var a = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { a[i * d + j] = 0.5 * (m[i * d + j] + m[j * d + i]) } }
        let (vals, vecs) = try LAPACK.symmetricEigen(a, d)
        var out = [Double](repeating: 0, count: d * d)
        for k in 0..<d {
            let s = abs(vals[k])
            let f = (s < 1e-10 ? s : s.squareRoot()) * (vals[k] < 0 ? -1 : 1)
            let q = vecs[(k * d)..<((k + 1) * d)]
            for i in 0..<d {
                let qi = q[q.startIndex + i] * f
                if qi == 0 { continue }
                for j in 0..<d { out[i * d + j] += qi * q[q.startIndex + j] }
            }
        }
        return out
    }

    /// Re(sqrtm(A)) for a real square matrix A (row-major) by scipy's method: complex Schur form
    /// A = Z T Zᴴ, upper-triangular square root R of T (principal square roots on the diagonal,
    /// R_ij = (T_ij − Σ R_ik R_kj)/(R_ii + R_jj)), then Z R Zᴴ.
    public static func sqrtmRealPart(_ a: [Double], _ d: Int) throws -> [Double] {
        let (t, z) = try LAPACK.complexSchur(a, d)   // column-major complex n×n
        func T(_ i: Int, _ j: Int) -> Complex { t[j * d + i] }
        var r = [Complex](repeating: .zero, count: d * d)  // column-major
        for i in 0..<d { r[i * d + i] = T(i, i).sqrt }
        for j in 0..<d {
            for i in stride(from: j - 1, through: 0, by: -1) {
                var s = Complex.zero
                for k in (i + 1)..<j { s = s + r[k * d + i] * r[j * d + k] }
                let denom = r[i * d + i] + r[j * d + j]
                let num = T(i, j) - s
                if denom.re != 0 || denom.im != 0 { r[j * d + i] = num / denom }
                else if num.re == 0 && num.im == 0 { r[j * d + i] = .zero }
                else { throw FSError("matrix square root failed (singular Schur block); covariance too degenerate") }
            }
        }
        // X = Z R Zᴴ; only the real part is kept.
        var zr = [Complex](repeating: .zero, count: d * d)  // column-major Z·R
        for j in 0..<d { for k in 0...j {
            let rkj = r[j * d + k]
            for i in 0..<d { zr[j * d + i] = zr[j * d + i] + z[k * d + i] * rkj }
        } }
        var out = [Double](repeating: 0, count: d * d)   // row-major
        for i in 0..<d { for j in 0..<d {
            var s = 0.0
            for k in 0..<d {
                let p = zr[k * d + i], q = z[k * d + j]   // (Z R)_ik · conj(Z_jk)
                s += p.re * q.re + p.im * q.im
            }
            out[i * d + j] = s
        } }
        return out
    }
}

/// A minimal complex number for the Schur-based square root.
struct Complex: Sendable {
    var re: Double, im: Double
    static let zero = Complex(re: 0, im: 0)
    static func + (a: Complex, b: Complex) -> Complex { Complex(re: a.re + b.re, im: a.im + b.im) }
    static func - (a: Complex, b: Complex) -> Complex { Complex(re: a.re - b.re, im: a.im - b.im) }
    static func * (a: Complex, b: Complex) -> Complex {
        Complex(re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re)
    }
    static func / (a: Complex, b: Complex) -> Complex {
        let den = b.re * b.re + b.im * b.im
        return Complex(re: (a.re * b.re + a.im * b.im) / den, im: (a.im * b.re - a.re * b.im) / den)
    }
    /// Principal square root.
    var sqrt: Complex {
        let m = (re * re + im * im).squareRoot()
        let r = ((m + re) / 2).squareRoot()
        let i = ((m - re) / 2).squareRoot()
        return Complex(re: r, im: im < 0 || (im == 0 && im.sign == .minus) ? -i : i)
    }
}
