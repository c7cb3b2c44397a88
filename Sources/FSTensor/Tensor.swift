/// A dense Float32 tensor: contiguous, row-major, with an explicit shape.
///
/// Value semantics (copy-on-write through the backing array). Layouts follow PyTorch:
/// images are NCHW, videos NCTHW, Linear weights [out, in].
///
/// Invariant: `data.count` is the product of `shape`. The shape is fixed at creation (`reshaped` makes a
/// new tensor); the values may be changed in place, but a change of `data` that alters its count traps.
public struct Tensor: @unchecked Sendable, CustomStringConvertible {
    public private(set) var shape: [Int]
    @usableFromInline var storage: [Float]

    /// The values, row-major. Mutable in place (`t.data[i] = v`, `t.data.withUnsafeMutableBufferPointer`);
    /// the element count must stay the same.
    @inlinable public var data: [Float] {
        get { storage }
        _modify {
            let n = storage.count
            yield &storage
            if storage.count != n { Tensor.countChanged(shape: shape, count: storage.count) }
        }
    }

    @usableFromInline static func countChanged(shape: [Int], count: Int) -> Never {
        preconditionFailure("Tensor: data of shape \(shape) changed to \(count) elements")
    }

    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count,
                     "Tensor: shape \(shape) needs \(shape.reduce(1, *)) elements, got \(data.count)")
        self.shape = shape
        self.storage = data
    }

    public init(zeros shape: [Int]) {
        self.shape = shape
        self.storage = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    public init(repeating value: Float, shape: [Int]) {
        self.shape = shape
        self.storage = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// A tensor whose storage is filled by `body` (uninitialised memory of `count` floats).
    public init(shape: [Int], unsafeUninitialized body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let n = shape.reduce(1, *)
        _ = allocatorConfigured
        self.shape = shape
        self.storage = [Float](unsafeUninitializedCapacity: n) { buf, initialized in
            adviseHugePages(buf)
            body(buf)
            initialized = n
        }
    }

    public var count: Int { storage.count }
    public var rank: Int { shape.count }

    public func dim(_ axis: Int) -> Int { shape[axis < 0 ? axis + shape.count : axis] }

    public func reshaped(_ newShape: [Int]) -> Tensor {
        var s = newShape
        if let i = s.firstIndex(of: -1) {
            let known = s.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
            s[i] = count / Swift.max(known, 1)
        }
        return Tensor(shape: s, data: storage)
    }

    public var description: String { "Tensor\(shape)" }

    /// Element access by multi-index (slow; for tests and small tensors).
    public subscript(_ index: Int...) -> Float {
        get { storage[flatIndex(index)] }
        set { storage[flatIndex(index)] = newValue }
    }

    @inline(__always)
    func flatIndex(_ index: [Int]) -> Int {
        var off = 0
        for (i, d) in zip(index, shape) { off = off * d + i }
        return off
    }

    public static func strides(of shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) { s[i] = acc; acc *= shape[i] }
        return s
    }
}

/// The single error type the compute and model layers throw for bad input: one line, naming the problem.
public struct FSError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
