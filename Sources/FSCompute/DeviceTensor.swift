import FSTensor

/// Where a tensor's storage lives.
public enum DeviceKind: String, Sendable, CaseIterable {
    case cpu, cuda
}

/// The element type of a device tensor: activations are fp32 everywhere; GPU weights are bf16.
public enum DeviceDType: String, Sendable {
    case fp32, bf16
    public var byteSize: Int { self == .fp32 ? 4 : 2 }
}

/// A backend's storage for one tensor (host memory, or a device buffer returned to its pool on release).
public protocol DeviceStorage: AnyObject {
    var byteCount: Int { get }
}

/// A tensor living on a device: shape + dtype + the backend's storage. Made and read only through
/// the backend that owns it (`upload`, `download`, the ops).
public final class DeviceTensor: CustomStringConvertible {
    public let shape: [Int]
    public let dtype: DeviceDType
    public let device: DeviceKind
    public let storage: DeviceStorage

    public init(shape: [Int], dtype: DeviceDType, device: DeviceKind, storage: DeviceStorage) {
        self.shape = shape; self.dtype = dtype; self.device = device; self.storage = storage
    }

    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }
    public var description: String { "DeviceTensor(\(device.rawValue), \(dtype.rawValue), \(shape))" }
}

/// Host storage: the CPU backend's tensors are plain FSTensor tensors.
public final class HostStorage: DeviceStorage {
    public let tensor: Tensor
    public init(_ tensor: Tensor) { self.tensor = tensor }
    public var byteCount: Int { tensor.count * 4 }
}
