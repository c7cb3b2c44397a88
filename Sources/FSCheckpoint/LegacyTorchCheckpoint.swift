import Foundation
import FSTensor

/// PyTorch's legacy (pre-1.6, non-zip) `torch.save` format, still common for older weights such as the
/// I3D and RAFT files evaluation needs. The file is a sequence of pickles followed by raw storages:
///
///     pickle(magic 0x1950a86a20f9469cfc6c)  pickle(protocol 1001)  pickle(sys_info)
///     pickle(object, storages as persistent ids)  pickle([storage keys])
///     for each key in that order: int64 element count, then the storage's raw bytes
///
/// The object pickle goes through the same allow-list `Unpickler` as zip checkpoints.
enum LegacyTorchCheckpoint {
    /// The magic number as pickled by protocol 2: PROTO 2, LONG1 of 10 bytes.
    static let magic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]

    static func looksLegacy(_ data: Data) -> Bool {
        data.count >= magic.count && data.prefix(magic.count).elementsEqual(magic)
    }

    static func read(data: Data, source: String) throws -> StateDict {
        let unpickler = Unpickler(source: source)
        var offset = magic.count
        func next() throws -> Unpickler.Value {
            var used = 0
            let v = try unpickler.load(data[(data.startIndex + offset)...], consumed: &used)
            offset += used
            return v
        }
        guard case .int(let protocolVersion) = try next(), protocolVersion == 1001 else {
            throw FSError("\(source): unsupported legacy PyTorch checkpoint protocol")
        }
        if case .dict(let info) = try next(),
           let le = info.items.first(where: { if case .string("little_endian") = $0.key { return true }; return false }),
           case .bool(false) = le.value {
            throw FSError("\(source): big-endian checkpoints are not supported")
        }
        let top = try next()
        guard case .list(let keyList) = try next() else { throw FSError("\(source): legacy checkpoint has no storage key list") }
        // Raw storages follow, in key-list order: an int64 element count, then the bytes.
        var views: [String: Unpickler.StorageRef] = [:]
        TorchCheckpoint.collectStorages(top, into: &views)
        var storages: [String: Data] = [:]
        for item in keyList.items {
            guard case .string(let key) = item else { throw FSError("\(source): bad storage key in legacy checkpoint") }
            guard offset <= data.count - 8 else { throw FSError("\(source): legacy checkpoint is truncated (storage \(key))") }
            var n: UInt64 = 0
            for i in 0..<8 { n |= UInt64(data[data.startIndex + offset + i]) << (8 * UInt64(i)) }
            offset += 8
            guard let ref = views[key] else { throw FSError("\(source): storage \(key) is not referenced by any tensor") }
            guard n == UInt64(ref.numel), let bytes = Int(exactly: n).map({ $0 * ref.dtype.byteSize }),
                  bytes <= data.count - offset else {
                throw FSError("\(source): legacy checkpoint is truncated or corrupt (storage \(key))")
            }
            storages[key] = data[(data.startIndex + offset)..<(data.startIndex + offset + bytes)]
            offset += bytes
        }
        return try TorchCheckpoint.stateDict(from: top, source: source) { ref in
            guard let s = storages[ref.key] else { throw FSError("\(source): storage \(ref.key) is missing") }
            return s
        }
    }
}
