import Foundation
import FSTensor

/// Element types a checkpoint may hold (safetensors names).
public enum DType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16", i64 = "I64", i32 = "I32", u8 = "U8", bool = "BOOL"

    public var byteSize: Int {
        switch self {
        case .f64, .i64: return 8
        case .f32, .i32: return 4
        case .f16, .bf16: return 2
        case .u8, .bool: return 1
        }
    }
}

/// One stored tensor: dtype, shape and its raw little-endian bytes (contiguous, row-major).
/// Conversion to Float32 happens on demand.
public struct StoredTensor: @unchecked Sendable {
    public let dtype: DType
    public let shape: [Int]
    /// Contiguous row-major bytes, `shape.product * dtype.byteSize` long.
    public let bytes: Data

    public init(dtype: DType, shape: [Int], bytes: Data) {
        self.dtype = dtype; self.shape = shape; self.bytes = bytes
    }

    public var elementCount: Int { shape.reduce(1, *) }

    /// Values converted to Float32 (F16/BF16 exactly; F64 and integers rounded to nearest).
    public func floats() -> [Float] {
        switch dtype {
        case .f32: return load(Float.self)
        case .f16: return load(UInt16.self).map { Float(Float16(bitPattern: $0)) }
        case .bf16: return load(UInt16.self).map { Float(bitPattern: UInt32($0) << 16) }
        case .f64: return load(Double.self).map { Float($0) }
        case .i64: return load(Int64.self).map { Float($0) }
        case .i32: return load(Int32.self).map { Float($0) }
        case .u8, .bool: return load(UInt8.self).map { Float($0) }
        }
    }

    /// Values converted to Float64 (exact for every dtype but I64 beyond 2^53).
    public func doubles() -> [Double] {
        switch dtype {
        case .f64: return load(Double.self)
        case .i64: return load(Int64.self).map { Double($0) }
        case .i32: return load(Int32.self).map { Double($0) }
        default: return floats().map(Double.init)
        }
    }

    /// Values as Int64 (floats truncated toward zero).
    public func int64s() -> [Int64] {
        switch dtype {
        case .i64: return load(Int64.self)
        case .i32: return load(Int32.self).map { Int64($0) }
        case .u8, .bool: return load(UInt8.self).map { Int64($0) }
        default: return doubles().map { $0.isFinite ? Int64(clamping: Int64(exactly: $0.rounded(.towardZero)) ?? 0) : 0 }
        }
    }

    /// Copies the bytes into an aligned array of `T` (the bytes may sit at any alignment in a mapped file).
    private func load<T>(_: T.Type) -> [T] {
        let n = Swift.min(elementCount, bytes.count / MemoryLayout<T>.stride)
        return [T](unsafeUninitializedCapacity: n) { buf, initialized in
            bytes.withUnsafeBytes { raw in
                if n > 0 { UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: raw.baseAddress!, byteCount: n * MemoryLayout<T>.stride) }
            }
            initialized = n
        }
    }

    public func tensor() -> Tensor { Tensor(shape: shape, data: floats()) }
}

/// key → tensor, as read from a `.safetensors` or PyTorch `.ckpt` file, plus file metadata.
public final class StateDict: @unchecked Sendable {
    public private(set) var tensors: [String: StoredTensor]
    public var metadata: [String: String]
    /// Where it came from (for error messages).
    public var source: String

    public init(tensors: [String: StoredTensor] = [:], metadata: [String: String] = [:], source: String = "") {
        self.tensors = tensors; self.metadata = metadata; self.source = source
    }

    public var keys: [String] { tensors.keys.sorted() }
    public subscript(key: String) -> StoredTensor? {
        get { tensors[key] }
        set { tensors[key] = newValue }
    }

    /// A view of the keys under `prefix` with the prefix stripped (e.g. `model.diffusion_model.`).
    public func view(prefix: String) -> StateDictView { StateDictView(base: self, prefix: prefix) }
}

/// The keys of a `StateDict` below a prefix, addressed without it. Views nest: `v.view("input_blocks.4.0.")`.
public struct StateDictView: @unchecked Sendable {
    public let base: StateDict
    public let prefix: String

    public init(base: StateDict, prefix: String) { self.base = base; self.prefix = prefix }

    public subscript(key: String) -> StoredTensor? { base[prefix + key] }
    public func view(_ sub: String) -> StateDictView { StateDictView(base: base, prefix: prefix + sub) }
    /// Keys under this view, prefix stripped.
    public var keys: [String] {
        base.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }
}
