// Vectorised exp for softmax-style loops (Cephes-style: 2ⁿ·p(r), |rel. error| ≲ 2 ulp over the
// clamped range). Written with SIMD types and bit tricks only, so it vectorises on baseline x86-64.

import CVectorMath

typealias FloatV = SIMD16<Float>

/// Which build of the hot element-wise kernels runs (SiLU, GELU, GEGLU, softmax/attention exp and max,
/// norm statistics): 0 = this Swift code (baseline x86-64: a 16-lane exp is four SSE passes), 1 = the
/// AVX2+FMA build, 2 = the AVX-512 build of the same algorithm (Sources/CVectorMath), chosen by cpuid.
public enum ElementwiseISA {
    /// The best level this CPU supports.
    public static var best: Int { Int(fsvm_best_level()) }
    /// The level in use; setting it (tests) clamps to `best`, −1 restores the best.
    public static var level: Int {
        get { Int(fsvm_level()) }
        set { fsvm_set_level(Int32(newValue)) }
    }
    public static var name: String { ["baseline (Swift SIMD)", "avx2+fma", "avx-512"][level] }
}

@inline(__always)
func fastExp(_ xIn: FloatV) -> FloatV {
    let lo = FloatV(repeating: -87.33654), hi = FloatV(repeating: 88.37626)
    var x = xIn.replacing(with: lo, where: xIn .< lo)
    x = x.replacing(with: hi, where: x .> hi)
    // n = round(x·log2 e) through the 1.5·2²³ magic constant (round-to-nearest without a rounding op).
    let magic = FloatV(repeating: 12582912.0)
    let t = x * 1.44269504088896341 + magic
    let n = t - magic
    let r = x - n * 0.693359375 + n * 2.12194440e-4
    var p = FloatV(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    p = p * (r * r) + r + 1
    // 2ⁿ: the integer n sits in the low mantissa bits of t.
    let ni = unsafeBitCast(t, to: SIMD16<Int32>.self) &- 0x4B40_0000
    let pow2 = unsafeBitCast((ni &+ 127) &<< 23, to: FloatV.self)
    // Below the clamp exp underflows: return exact zeros (softmax of −∞ logits must give 0).
    return (p * pow2).replacing(with: 0, where: xIn .< lo)
}

/// In place: row[j] = exp(row[j] − shift) for j < n; returns the sum of the results.
@inline(__always)
func expShiftSum(_ row: UnsafeMutablePointer<Float>, _ n: Int, shift: Float) -> Float {
    if fsvm_level() > 0 { return fsvm_exp_shift_sum(row, n, shift) }
    let raw = UnsafeMutableRawPointer(row)
    var acc = FloatV.zero
    var j = 0
    let s = FloatV(repeating: shift)
    while j + 16 <= n {
        let e = fastExp(raw.loadUnaligned(fromByteOffset: j * 4, as: FloatV.self) - s)
        raw.storeBytes(of: e, toByteOffset: j * 4, as: FloatV.self)
        acc += e
        j += 16
    }
    var sum = acc.sum()
    if j < n {
        var tail = FloatV(repeating: -.infinity)
        for i in j..<n { tail[i - j] = row[i] }
        let e = fastExp(tail - s)
        for i in j..<n { row[i] = e[i - j]; sum += e[i - j] }
    }
    return sum
}

/// Maximum of row[0..<n] (−∞ for n = 0).
@inline(__always)
func rowMaximum(_ row: UnsafePointer<Float>, _ n: Int) -> Float {
    if fsvm_level() > 0 { return fsvm_row_max(row, n) }
    let raw = UnsafeRawPointer(row)
    var acc = FloatV(repeating: -.infinity)
    var j = 0
    while j + 16 <= n {
        let v = raw.loadUnaligned(fromByteOffset: j * 4, as: FloatV.self)
        acc = acc.replacing(with: v, where: v .> acc)
        j += 16
    }
    var m = acc.max()
    while j < n { m = Swift.max(m, row[j]); j += 1 }
    return m
}

/// erf through the rational approximation used by Eigen/XLA for float (x clamped to [−4, 4], where
/// erf is ±1 in single precision); a few ulp.
@inline(__always)
func fastErf(_ xIn: FloatV) -> FloatV {
    let lo = FloatV(repeating: -4), hi = FloatV(repeating: 4)
    var x = xIn.replacing(with: lo, where: xIn .< lo)
    x = x.replacing(with: hi, where: x .> hi)
    let x2 = x * x
    var p = FloatV(repeating: -2.72614225801306e-10)
    p = p * x2 + 2.77068142495902e-08
    p = p * x2 - 2.10102402082508e-06
    p = p * x2 - 5.69250639462346e-05
    p = p * x2 - 7.34990630326855e-04
    p = p * x2 - 2.95459980854025e-03
    p = p * x2 - 1.60960333262415e-02
    p = p * x
    var q = FloatV(repeating: -1.45660718464996e-05)
    q = q * x2 - 2.13374055278905e-04
    q = q * x2 - 1.68282697438203e-03
    q = q * x2 - 7.37332916720468e-03
    q = q * x2 - 1.42647390514189e-02
    return p / q
}

/// out[i] = f(x[i]) over n floats, 16 lanes at a time (the tail goes through a padded vector).
@inline(__always)
func mapVectorised(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int, _ f: (FloatV) -> FloatV) {
    let src = UnsafeRawPointer(x), dst = UnsafeMutableRawPointer(out)
    var i = 0
    while i + 16 <= n {
        dst.storeBytes(of: f(src.loadUnaligned(fromByteOffset: i * 4, as: FloatV.self)), toByteOffset: i * 4, as: FloatV.self)
        i += 16
    }
    if i < n {
        var v = FloatV.zero
        for j in i..<n { v[j - i] = x[j] }
        let r = f(v)
        for j in i..<n { out[j] = r[j - i] }
    }
}
