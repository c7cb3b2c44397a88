import Foundation
import FSTensor

/// PyTorch's zip checkpoint format (`torch.save`, `.ckpt` / `.pt` / `.pth`): `<dir>/data.pkl` describes
/// the objects, `<dir>/data/<key>` hold the raw little-endian storages. Tensors are strided views of
/// storages (several may share one); they are materialised contiguous here.
public enum TorchCheckpoint {
    public static func read(data: Data, source: String) throws -> StateDict {
        let zip = try ZipArchive(data: data, source: source)
        guard let pkl = zip.names.first(where: { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }) else {
            if zip.names.contains(where: { $0.hasSuffix("constants.pkl") || $0.contains("/code/") }) {
                throw FSError("\(source): is a TorchScript archive, not a state-dict checkpoint")
            }
            throw FSError("\(source): zip archive has no data.pkl (not a PyTorch checkpoint)")
        }
        let root = String(pkl.dropLast("data.pkl".count))
        if let bo = try? zip.contents(of: root + "byteorder"), String(decoding: bo, as: UTF8.self) != "little" {
            throw FSError("\(source): big-endian checkpoints are not supported")
        }
        let top = try Unpickler(source: source).load(try zip.contents(of: pkl))
        var storages: [String: Data] = [:]
        return try stateDict(from: top, source: source) { s in
            if let cached = storages[s.key] { return cached }
            let storage = try zip.contents(of: root + "data/" + s.key)
            storages[s.key] = storage
            return storage
        }
    }

    /// The tensors of an unpickled checkpoint (`{"state_dict": …}` wrappers unwrapped), materialised
    /// from their storages; `storage` hands out a storage's bytes by its persistent id.
    static func stateDict(from top: Unpickler.Value, source: String,
                          storage: (Unpickler.StorageRef) throws -> Data) throws -> StateDict {
        if case .object(let root) = top {
            return try flattenedTorchScript(root, source: source, storage: storage)
        }
        guard case .dict(var dict) = top else { throw FSError("\(source): checkpoint does not hold a dictionary") }
        // Lightning / VideoCrafter checkpoints wrap the weights: {"state_dict": OrderedDict, "epoch": …}.
        if let inner = dict.items.first(where: { if case .string("state_dict") = $0.key { return true }; return false }),
           case .dict(let d) = inner.value {
            dict = d
        }
        let sd = StateDict(source: source)
        for (k, v) in dict.items {
            guard case .string(let key) = k, case .tensor(let view) = v else { continue }
            let s = view.storage
            let bytes = try storage(s)
            let (need, overflow) = s.numel.multipliedReportingOverflow(by: s.dtype.byteSize)
            guard !overflow, bytes.count >= need else {
                throw FSError("\(source): storage \(s.key) holds \(bytes.count) bytes, fewer than \(s.numel) × \(s.dtype.rawValue)")
            }
            sd[key] = try materialise(view, storage: bytes, key: key, source: source)
        }
        return sd
    }

    /// A TorchScript archive (e.g. OpenAI's `ViT-L-14.pt`): the root module and its submodules are inert
    /// records; their tensor attributes become `path.to.module.name` keys, as `module.state_dict()` names
    /// them. Attributes that are not tensors or objects (flags, numbers, None) are skipped.
    static func flattenedTorchScript(_ root: Unpickler.ObjectBox, source: String,
                                     storage: (Unpickler.StorageRef) throws -> Data) throws -> StateDict {
        let sd = StateDict(source: source)
        var visited = Set<ObjectIdentifier>()
        func walk(_ o: Unpickler.ObjectBox, prefix: String) throws {
            guard visited.insert(ObjectIdentifier(o)).inserted else {
                throw FSError("\(source): TorchScript object '\(prefix)' appears twice (not a module tree)")
            }
            for (k, v) in o.attributes?.items ?? [] {
                guard case .string(let name) = k else { continue }
                switch v {
                case .tensor(let view):
                    let s = view.storage
                    let bytes = try storage(s)
                    let (need, overflow) = s.numel.multipliedReportingOverflow(by: s.dtype.byteSize)
                    guard !overflow, bytes.count >= need else {
                        throw FSError("\(source): storage \(s.key) holds \(bytes.count) bytes, fewer than \(s.numel) × \(s.dtype.rawValue)")
                    }
                    sd[prefix + name] = try materialise(view, storage: bytes, key: prefix + name, source: source)
                case .object(let child): try walk(child, prefix: prefix + name + ".")
                default: continue
                }
            }
        }
        try walk(root, prefix: "")
        return sd
    }

    /// Every storage referenced by a tensor inside `value`, by key.
    static func collectStorages(_ value: Unpickler.Value, into out: inout [String: Unpickler.StorageRef]) {
        switch value {
        case .tensor(let t): out[t.storage.key] = t.storage
        case .dict(let d): for item in d.items { collectStorages(item.value, into: &out) }
        case .list(let l): for item in l.items { collectStorages(item, into: &out) }
        case .tuple(let items): for item in items { collectStorages(item, into: &out) }
        default: break
        }
    }

    /// Copies the strided view into a contiguous tensor (a slice when it already is contiguous).
    static func materialise(_ v: Unpickler.TensorView, storage: Data, key: String, source: String) throws -> StoredTensor {
        let es = v.storage.dtype.byteSize
        var count = 1
        for d in v.size {
            let (m, o) = count.multipliedReportingOverflow(by: d)
            guard !o else { throw FSError("\(source): tensor '\(key)' is too large") }
            count = m
        }
        if count == 0 { return StoredTensor(dtype: v.storage.dtype, shape: v.size, bytes: Data()) }
        var last = v.offset
        for (d, s) in zip(v.size, v.stride) {
            let (m, o) = (d - 1).multipliedReportingOverflow(by: s)
            let (sum, o2) = last.addingReportingOverflow(m)
            guard !o, !o2 else { throw FSError("\(source): tensor '\(key)' has implausible strides") }
            last = sum
        }
        guard last < v.storage.numel, count <= v.storage.numel else {
            throw FSError("\(source): tensor '\(key)' (offset \(v.offset), size \(v.size), stride \(v.stride)) reaches past its storage of \(v.storage.numel) elements")
        }
        let contiguous = Tensor.strides(of: v.size)
        let base = storage.startIndex
        if zip(v.size, zip(v.stride, contiguous)).allSatisfy({ $0.0 == 1 || $0.1.0 == $0.1.1 }) {
            let start = base + v.offset * es
            return StoredTensor(dtype: v.storage.dtype, shape: v.size, bytes: storage[start..<(start + count * es)])
        }
        var out = Data(count: count * es)
        let rank = v.size.count
        out.withUnsafeMutableBytes { dst in
            storage.withUnsafeBytes { src in
                var idx = [Int](repeating: 0, count: rank)
                var off = v.offset
                for i in 0..<count {
                    (dst.baseAddress! + i * es).copyMemory(from: src.baseAddress! + off * es, byteCount: es)
                    var a = rank - 1
                    while a >= 0 {
                        idx[a] += 1; off += v.stride[a]
                        if idx[a] < v.size[a] { break }
                        off -= v.stride[a] * v.size[a]; idx[a] = 0; a -= 1
                    }
                }
            }
        }
        return StoredTensor(dtype: v.storage.dtype, shape: v.size, bytes: out)
    }
}

/// The one entry point for checkpoint files: a PyTorch zip checkpoint or a safetensors file, told apart
/// by their content, not their name.
public enum Checkpoint {
    public static func load(path: String) throws -> StateDict {
        try load(data: try FileInput.map(path: path), source: path)
    }

    public static func load(data: Data, source: String = "<memory>") throws -> StateDict {
        if ZipArchive.looksLikeZip(data) { return try TorchCheckpoint.read(data: data, source: source) }
        if LegacyTorchCheckpoint.looksLegacy(data) { return try LegacyTorchCheckpoint.read(data: data, source: source) }
        if data.count < 9 || data[data.startIndex + 8] != UInt8(ascii: "{") {
            throw FSError("\(source): not a checkpoint file (neither a PyTorch zip checkpoint nor safetensors)")
        }
        return try SafeTensors.read(data: data, source: source)
    }
}
