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

    /// Values converted to Float32 (F16/BF16/F64/integers/bool converted exactly or by rounding).
    public func floats() -> [Float] { fatalError("unimplemented") }
    public func doubles() -> [Double] { fatalError("unimplemented") }
    public func int64s() -> [Int64] { fatalError("unimplemented") }
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
