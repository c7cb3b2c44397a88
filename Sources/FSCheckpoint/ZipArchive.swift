import Foundation
import FSTensor

/// A read-only view of a zip archive held in memory (typically memory-mapped), as `torch.save` writes
/// them: entries stored uncompressed, ZIP64 records for archives past 4 GB. Compressed entries are
/// refused with a clear error (torch never compresses storages). Every offset and length is
/// bounds-checked before use.
struct ZipArchive {
    struct Entry {
        let name: String
        let method: Int
        let compressedSize: Int
        let size: Int
        let localHeaderOffset: Int
    }

    let data: Data
    let source: String
    private(set) var entries: [String: Entry] = [:]
    private(set) var names: [String] = []

    static func looksLikeZip(_ data: Data) -> Bool {
        data.count >= 4 && data[data.startIndex] == 0x50 && data[data.startIndex + 1] == 0x4B
            && data[data.startIndex + 2] == 0x03 && data[data.startIndex + 3] == 0x04
    }

    init(data: Data, source: String) throws {
        self.data = data
        self.source = source
        let n = data.count
        // End of central directory: 22 bytes + up to 65535 bytes of comment, at the end.
        guard n >= 22 else { throw fail("file too short for a zip archive") }
        var eocd = -1
        var i = n - 22
        let lowest = Swift.max(0, n - 22 - 65535)
        while i >= lowest {
            if u32(i) == 0x0605_4B50 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw fail("no zip end-of-central-directory record (truncated file?)") }
        var count = Int(u16(eocd + 10))
        var cdSize = Int(u32(eocd + 12))
        var cdOffset = Int(u32(eocd + 16))
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            // ZIP64: the locator sits just before the classic record.
            let loc = eocd - 20
            guard loc >= 0, u32(loc) == 0x0706_4B50 else { throw fail("ZIP64 archive without a ZIP64 locator") }
            let rec = try int(u64(loc + 8))
            guard rec >= 0, rec + 56 <= n, u32(rec) == 0x0606_4B50 else { throw fail("bad ZIP64 end-of-central-directory record") }
            count = try int(u64(rec + 32))
            cdSize = try int(u64(rec + 40))
            cdOffset = try int(u64(rec + 48))
        }
        guard cdOffset >= 0, cdSize >= 0, cdOffset <= n, cdSize <= n - cdOffset else {
            throw fail("central directory lies outside the file")
        }
        guard count <= cdSize / 46 + 1 else { throw fail("central directory entry count \(count) is implausible") }
        var p = cdOffset
        let end = cdOffset + cdSize
        for _ in 0..<count {
            guard p + 46 <= end, u32(p) == 0x0201_4B50 else { throw fail("corrupt central directory entry") }
            let flags = Int(u16(p + 8))
            let method = Int(u16(p + 10))
            var csize = Int(u32(p + 20))
            var usize = Int(u32(p + 24))
            let nameLen = Int(u16(p + 28)), extraLen = Int(u16(p + 30)), commentLen = Int(u16(p + 32))
            var local = Int(u32(p + 42))
            guard p + 46 + nameLen + extraLen + commentLen <= end else { throw fail("corrupt central directory entry") }
            let nameData = data[(data.startIndex + p + 46)..<(data.startIndex + p + 46 + nameLen)]
            let name = String(decoding: nameData, as: UTF8.self)
            // ZIP64 extra field (id 1): the 64-bit values of whichever fields were saturated, in order.
            var e = p + 46 + nameLen
            let extraEnd = e + extraLen
            while e + 4 <= extraEnd {
                let id = u16(e), len = Int(u16(e + 2))
                guard e + 4 + len <= extraEnd else { throw fail("corrupt extra field in entry '\(name)'") }
                if id == 1 {
                    var q = e + 4
                    func next() throws -> Int {
                        guard q + 8 <= e + 4 + len else { throw fail("short ZIP64 extra field in entry '\(name)'") }
                        defer { q += 8 }
                        return try int(u64(q))
                    }
                    if usize == 0xFFFF_FFFF { usize = try next() }
                    if csize == 0xFFFF_FFFF { csize = try next() }
                    if local == 0xFFFF_FFFF { local = try next() }
                }
                e += 4 + len
            }
            if flags & 1 != 0 { throw fail("entry '\(name)' is encrypted") }
            let entry = Entry(name: name, method: method, compressedSize: csize, size: usize, localHeaderOffset: local)
            if entries[name] == nil { names.append(name) }
            entries[name] = entry
            p += 46 + nameLen + extraLen + commentLen
        }
    }

    /// The bytes of a stored entry (a slice of the mapped file, not a copy).
    func contents(of name: String) throws -> Data {
        guard let e = entries[name] else { throw fail("archive has no entry '\(name)'") }
        guard e.method == 0 else {
            throw fail("entry '\(name)' is compressed (method \(e.method)); only stored entries are supported — re-save the checkpoint with torch.save")
        }
        guard e.compressedSize == e.size else { throw fail("entry '\(name)' has inconsistent sizes") }
        let h = e.localHeaderOffset
        guard h >= 0, h <= data.count - 30, u32(h) == 0x0403_4B50 else { throw fail("entry '\(name)' has a bad local header") }
        let start = h + 30 + Int(u16(h + 26)) + Int(u16(h + 28))
        guard start <= data.count, e.size >= 0, e.size <= data.count - start else {
            throw fail("entry '\(name)' extends past the end of the file (truncated?)")
        }
        return data[(data.startIndex + start)..<(data.startIndex + start + e.size)]
    }

    private func fail(_ why: String) -> FSError { FSError("\(source): not a valid checkpoint archive: \(why)") }

    private func int(_ v: UInt64) throws -> Int {
        guard v <= UInt64(Int.max / 2) else { throw fail("offset \(v) is implausible") }
        return Int(v)
    }

    private func byte(_ i: Int) -> UInt64 { UInt64(data[data.startIndex + i]) }
    private func u16(_ i: Int) -> UInt64 { byte(i) | byte(i + 1) << 8 }
    private func u32(_ i: Int) -> UInt64 { u16(i) | u16(i + 2) << 16 }
    private func u64(_ i: Int) -> UInt64 { u32(i) | u32(i + 4) << 32 }
}
