import Foundation
import FSTensor

/// The safetensors format: 8-byte little-endian header length, a JSON header
/// (`name → {dtype, shape, data_offsets}` plus optional `__metadata__`), then the tensor bytes.
///
/// Reading validates everything before any tensor is touched: header length, JSON, dtype names,
/// shape × dtype size = byte length, offsets inside the data area and not overlapping.
public enum SafeTensors {
    /// Largest header accepted (the format's own reference limit is 100 MB).
    static let maxHeaderBytes = 100_000_000

    /// Reads and validates a .safetensors file (memory-mapped; tensor bytes are not copied).
    public static func read(path: String) throws -> StateDict {
        let data = try FileInput.map(path: path)
        return try read(data: data, source: path)
    }

    /// Reads and validates safetensors bytes held in memory.
    public static func read(data: Data, source: String = "<memory>") throws -> StateDict {
        func fail(_ why: String) -> FSError { FSError("\(source): not a valid safetensors file: \(why)") }
        guard data.count >= 8 else { throw fail("file is \(data.count) bytes, shorter than the 8-byte header length") }
        let base = data.startIndex
        var n64: UInt64 = 0
        for i in 0..<8 { n64 |= UInt64(data[base + i]) << (8 * UInt64(i)) }
        guard n64 <= UInt64(maxHeaderBytes) else { throw fail("header length \(n64) is implausible") }
        let n = Int(n64)
        guard n >= 2, 8 + n <= data.count else {
            throw fail("header length \(n) does not fit in the file (\(data.count) bytes)")
        }
        let headerBytes = data[(base + 8)..<(base + 8 + n)]
        guard let json = try? JSONSerialization.jsonObject(with: headerBytes),
              let header = json as? [String: Any] else {
            throw fail("header is not a JSON object")
        }
        let dataStart = 8 + n
        let dataSize = data.count - dataStart
        let sd = StateDict(source: source)
        var spans: [(start: Int, end: Int, name: String)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let meta = value as? [String: Any] else { throw fail("__metadata__ is not an object") }
                var m: [String: String] = [:]
                for (k, v) in meta {
                    guard let s = v as? String else { throw fail("__metadata__ value for '\(k)' is not a string") }
                    m[k] = s
                }
                sd.metadata = m
                continue
            }
            guard let entry = value as? [String: Any] else { throw fail("entry '\(name)' is not an object") }
            guard let dtypeName = entry["dtype"] as? String else { throw fail("entry '\(name)' has no dtype") }
            guard let dtype = DType(rawValue: dtypeName) else { throw fail("tensor '\(name)' has unknown dtype '\(dtypeName)'") }
            guard let shapeAny = entry["shape"] as? [Any] else { throw fail("tensor '\(name)' has no shape") }
            var shape: [Int] = []
            var elements = 1
            for d in shapeAny {
                guard let num = d as? NSNumber, let dim = Int(exactly: num.doubleValue), dim >= 0 else {
                    throw fail("tensor '\(name)' has a bad shape \(shapeAny)")
                }
                shape.append(dim)
                let (p, overflow) = elements.multipliedReportingOverflow(by: dim)
                guard !overflow, p <= Int(Int32.max) * 64 else { throw fail("tensor '\(name)' shape \(shape) is too large") }
                elements = p
            }
            guard let offs = entry["data_offsets"] as? [Any], offs.count == 2,
                  let a = (offs[0] as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }),
                  let b = (offs[1] as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }) else {
                throw fail("tensor '\(name)' has bad data_offsets")
            }
            guard a >= 0, a <= b, b <= dataSize else {
                throw fail("tensor '\(name)' offsets [\(a), \(b)] lie outside the data area (\(dataSize) bytes)")
            }
            guard b - a == elements * dtype.byteSize else {
                throw fail("tensor '\(name)' holds \(b - a) bytes but shape \(shape) × \(dtype.rawValue) needs \(elements * dtype.byteSize)")
            }
            spans.append((a, b, name))
            sd[name] = StoredTensor(dtype: dtype, shape: shape,
                                    bytes: data[(base + dataStart + a)..<(base + dataStart + b)])
        }
        spans.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        for i in spans.indices.dropFirst() where spans[i].start < spans[i - 1].end {
            throw fail("tensors '\(spans[i - 1].name)' and '\(spans[i].name)' overlap")
        }
        return sd
    }

    /// The safetensors bytes of a state dict: metadata first, tensors sorted by element size (largest
    /// first) then by name, header padded with spaces to a multiple of 8.
    public static func encode(_ sd: StateDict) throws -> Data {
        let names = sd.keys.sorted { a, b in
            let sa = sd[a]!.dtype.byteSize, sb = sd[b]!.dtype.byteSize
            return sa != sb ? sa > sb : a < b
        }
        var header = "{"
        var first = true
        func jsonString(_ s: String) -> String {
            let d = try! JSONSerialization.data(withJSONObject: [s], options: [])
            let arr = String(decoding: d, as: UTF8.self)
            return String(arr.dropFirst().dropLast())
        }
        if !sd.metadata.isEmpty {
            let meta = sd.metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(sd.metadata[$0]!))" }
            header += "\"__metadata__\":{" + meta.joined(separator: ",") + "}"
            first = false
        }
        var offset = 0
        for name in names {
            let t = sd[name]!
            guard t.bytes.count == t.elementCount * t.dtype.byteSize else {
                throw FSError("tensor '\(name)': \(t.bytes.count) bytes for shape \(t.shape) × \(t.dtype.rawValue)")
            }
            if !first { header += "," }
            first = false
            header += "\(jsonString(name)):{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + t.bytes.count)]}"
            offset += t.bytes.count
        }
        header += "}"
        var headerData = Data(header.utf8)
        while headerData.count % 8 != 0 { headerData.append(0x20) }
        var out = Data(capacity: 8 + headerData.count + offset)
        var len = UInt64(headerData.count).littleEndian
        withUnsafeBytes(of: &len) { out.append(contentsOf: $0) }
        out.append(headerData)
        for name in names { out.append(sd[name]!.bytes) }
        return out
    }

    /// Writes tensors (+ metadata) atomically (temporary file in the same directory, then rename).
    public static func write(_ sd: StateDict, to path: String) throws {
        try AtomicFile.write(try encode(sd), to: path)
    }
}

/// File input shared by the checkpoint readers: one clear error for a missing file, a directory or an
/// unreadable file.
enum FileInput {
    static func map(path: String) throws -> Data {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw FSError("\(path): no such file")
        }
        if isDir.boolValue { throw FSError("\(path): is a directory, expected a checkpoint file") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw FSError("\(path): cannot read: \(error.localizedDescription)")
        }
    }
}

/// Writes a file through a temporary in the target directory, renamed into place on success;
/// the temporary is removed on any failure.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try data.write(to: tmp)
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw FSError("\(path): cannot write: \(error.localizedDescription)")
        }
        if rename(tmp.path, url.path) != 0 {
            let why = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: tmp)
            throw FSError("\(path): cannot write: \(why)")
        }
    }
}
