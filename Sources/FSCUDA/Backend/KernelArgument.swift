/// One kernel parameter, packed the way cuLaunchKernel reads it (a pointer to each value).
enum KernelArgument {
    case pointer(UInt64)
    case int32(Int32)
    case int64(Int64)
    case float(Float)

    static func int(_ v: Int) -> KernelArgument { .int32(Int32(v)) }
    static func long(_ v: Int) -> KernelArgument { .int64(Int64(v)) }

    /// Calls `body` with the `void **params` array; the storage lives for the call only
    /// (cuLaunchKernel copies the values before it returns).
    static func withPacked<R>(_ args: [KernelArgument], _ body: (UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws -> R) rethrows -> R {
        let storage = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(args.count, 1) * 8, alignment: 8)
        let params = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: Swift.max(args.count, 1))
        defer { storage.deallocate(); params.deallocate() }
        for (i, a) in args.enumerated() {
            let slot = storage + i * 8
            switch a {
            case .pointer(let p): slot.storeBytes(of: p, as: UInt64.self)
            case .int32(let v): slot.storeBytes(of: v, as: Int32.self)
            case .int64(let v): slot.storeBytes(of: v, as: Int64.self)
            case .float(let v): slot.storeBytes(of: v, as: Float.self)
            }
            params[i] = slot
        }
        return try body(params)
    }
}
