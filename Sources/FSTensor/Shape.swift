// Layout operations: permute, slicing along an axis, concatenation.

extension Tensor {
    /// Returns the tensor with its axes reordered (like torch `permute(...).contiguous()`).
    public func permuted(_ perm: [Int]) -> Tensor {
        precondition(perm.count == rank && Set(perm).count == rank, "permuted: bad permutation \(perm)")
        if perm == Array(0..<rank) { return self }
        let newShape = perm.map { shape[$0] }
        let srcStrides = Tensor.strides(of: shape)
        let permStrides = perm.map { srcStrides[$0] }
        let n = count
        // Collapse to a loop over the last axis for speed.
        let last = newShape.last ?? 1
        let lastStride = permStrides.last ?? 1
        let outer = n / Swift.max(last, 1)
        let outerShape = Array(newShape.dropLast())
        let outerStrides = Array(permStrides.dropLast())
        return Tensor(shape: newShape) { dst in
            data.withUnsafeBufferPointer { src in
                ParallelFor.run(outer, minChunk: 64) { range in
                    var idx = [Int](repeating: 0, count: outerShape.count)
                    // initialise idx for range.lowerBound
                    var rem = range.lowerBound
                    for a in stride(from: outerShape.count - 1, through: 0, by: -1) {
                        idx[a] = rem % outerShape[a]; rem /= outerShape[a]
                    }
                    var base = 0
                    for a in 0..<outerShape.count { base += idx[a] * outerStrides[a] }
                    for o in range {
                        let d = o * last
                        var s = base
                        for j in 0..<last { dst[d + j] = src[s]; s += lastStride }
                        // increment idx
                        var a = outerShape.count - 1
                        while a >= 0 {
                            idx[a] += 1; base += outerStrides[a]
                            if idx[a] < outerShape[a] { break }
                            base -= outerStrides[a] * outerShape[a]; idx[a] = 0; a -= 1
                        }
                    }
                }
            }
        }
    }

    /// `x[..., range, ...]` along `axis` (copy).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let ax = axis < 0 ? axis + rank : axis
        let outer = shape[..<ax].reduce(1, *)
        let inner = shape[(ax + 1)...].reduce(1, *)
        let len = range.count
        var newShape = shape; newShape[ax] = len
        return Tensor(shape: newShape) { dst in
            data.withUnsafeBufferPointer { src in
                for o in 0..<outer {
                    let s = (o * shape[ax] + range.lowerBound) * inner
                    let d = o * len * inner
                    (dst.baseAddress! + d).update(from: src.baseAddress! + s, count: len * inner)
                }
            }
        }
    }

    /// Splits into `n` equal chunks along `axis` (like torch `chunk`).
    public func chunked(_ n: Int, axis: Int) -> [Tensor] {
        let ax = axis < 0 ? axis + rank : axis
        let size = shape[ax] / n
        return (0..<n).map { slice(axis: ax, ($0 * size)..<(($0 + 1) * size)) }
    }

    /// Concatenation along `axis` (like torch `cat`).
    public static func concat(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty)
        let r = parts[0].rank
        let ax = axis < 0 ? axis + r : axis
        let outer = parts[0].shape[..<ax].reduce(1, *)
        let inners = parts.map { $0.shape[ax...].reduce(1, *) }
        let total = inners.reduce(0, +)
        var newShape = parts[0].shape
        newShape[ax] = parts.map { $0.shape[ax] }.reduce(0, +)
        for p in parts {
            precondition(p.rank == r && Array(p.shape[..<ax]) == Array(parts[0].shape[..<ax])
                         && Array(p.shape[(ax + 1)...]) == Array(parts[0].shape[(ax + 1)...]),
                         "concat: shapes \(parts.map(\.shape)) differ off axis \(ax)")
        }
        return Tensor(shape: newShape) { dst in
            var off = 0
            for (p, inner) in zip(parts, inners) {
                p.data.withUnsafeBufferPointer { src in
                    for o in 0..<outer {
                        (dst.baseAddress! + o * total + off).update(from: src.baseAddress! + o * inner, count: inner)
                    }
                }
                off += inner
            }
        }
    }
}
