// Vectorised exp for softmax-style loops (Cephes-style: 2ⁿ·p(r), |rel. error| ≲ 2 ulp over the
// clamped range). Written with SIMD types and bit tricks only, so it vectorises on baseline x86-64.

typealias FloatV = SIMD16<Float>

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
    return p * pow2
}

/// In place: row[j] = exp(row[j] − shift) for j < n; returns the sum of the results.
@inline(__always)
func expShiftSum(_ row: UnsafeMutablePointer<Float>, _ n: Int, shift: Float) -> Float {
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
