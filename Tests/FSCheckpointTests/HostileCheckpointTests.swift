import Foundation
import XCTest
@testable import FSCheckpoint
import FSTensor

/// Hand-crafted hostile inputs aimed at arithmetic edges the random fuzzer rarely reaches: 64-bit
/// lengths, offsets and strides near Int.max, deep nesting, non-regular files. Each must end in an
/// FSError that names the source, never a trap.
final class HostileCheckpointTests: XCTestCase {
    // MARK: pickle building blocks (protocol 2)
    static func str(_ s: String) -> Data {
        var d = Data([UInt8(ascii: "X")])
        d.append(contentsOf: withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian, Array.init))
        d.append(Data(s.utf8)); return d
    }
    static func k1(_ i: Int) -> Data { Data([UInt8(ascii: "K"), UInt8(i)]) }
    /// LONG1 with 8 little-endian bytes (any Int64).
    static func long8(_ v: Int64) -> Data {
        var d = Data([0x8A, 8]); d.append(contentsOf: withUnsafeBytes(of: v.littleEndian, Array.init)); return d
    }
    static func tuple(_ items: [Data]) -> Data {
        var d = Data([UInt8(ascii: "(")]); items.forEach { d.append($0) }; d.append(UInt8(ascii: "t")); return d
    }

    /// {"w": _rebuild_tensor_v2(storage(numel), offset, size, stride, False, OrderedDict())}
    static func checkpoint(numel: Data, offset: Data, size: [Data], stride: [Data], storageBytes: Int = 64) -> Data {
        var p = Data([0x80, 0x02, UInt8(ascii: "}")])
        p.append(str("w"))
        p.append(Data("ctorch._utils\n_rebuild_tensor_v2\n".utf8))
        p.append(UInt8(ascii: "("))
        p.append(tuple([str("storage"), Data("ctorch\nFloatStorage\n".utf8), str("0"), str("cpu"), numel]))
        p.append(UInt8(ascii: "Q"))
        p.append(offset)
        p.append(tuple(size)); p.append(tuple(stride))
        p.append(0x89)
        p.append(Data("ccollections\nOrderedDict\n".utf8)); p.append(UInt8(ascii: ")")); p.append(UInt8(ascii: "R"))
        p.append(UInt8(ascii: "t")); p.append(UInt8(ascii: "R"))
        p.append(UInt8(ascii: "s")); p.append(UInt8(ascii: "."))
        return ZipBuilder.build([("archive/data.pkl", p), ("archive/data/0", Data(count: storageBytes))])
    }

    func assertRefused(_ data: Data, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Checkpoint.load(data: data, source: "hostile.ckpt"), what, file: file, line: line) { e in
            XCTAssertTrue(e is FSError, "\(what): \(e)", file: file, line: line)
            XCTAssertTrue("\(e)".hasPrefix("hostile.ckpt"), "\(what): \(e)", file: file, line: line)
            XCTAssertFalse("\(e)".contains("\n"), "\(what): multi-line error", file: file, line: line)
        }
    }

    func testSaneBaseCaseLoads() throws {
        let sd = try Checkpoint.load(data: Self.checkpoint(numel: Self.k1(16), offset: Self.k1(2),
                                                           size: [Self.k1(2), Self.k1(3)], stride: [Self.k1(1), Self.k1(2)]))
        XCTAssertEqual(sd["w"]?.shape, [2, 3])
    }

    func testHugeNumbersInTensorRebuild() {
        let big = Int64.max - 3, huge = Self.long8(Int64.max - 3), neg = Self.long8(-5)
        assertRefused(Self.checkpoint(numel: huge, offset: Self.k1(0), size: [Self.k1(2)], stride: [Self.k1(1)]),
                      "storage numel near Int.max")
        assertRefused(Self.checkpoint(numel: Self.k1(16), offset: huge, size: [Self.k1(2)], stride: [Self.k1(1)]),
                      "offset near Int.max")
        assertRefused(Self.checkpoint(numel: Self.k1(16), offset: Self.k1(0), size: [Self.k1(2), Self.k1(2)],
                                      stride: [Self.long8(1 << 62), Self.long8(1 << 62)]), "strides summing past Int.max")
        assertRefused(Self.checkpoint(numel: Self.k1(16), offset: Self.k1(0), size: [Self.long8(big), Self.k1(1)],
                                      stride: [Self.k1(0), Self.k1(1)]), "size near Int.max with stride 0")
        assertRefused(Self.checkpoint(numel: Self.k1(16), offset: neg, size: [Self.k1(2)], stride: [Self.k1(1)]),
                      "negative offset")
        assertRefused(Self.checkpoint(numel: neg, offset: Self.k1(0), size: [Self.k1(2)], stride: [Self.k1(1)]),
                      "negative numel")
        assertRefused(Self.checkpoint(numel: Self.k1(16), offset: Self.k1(0), size: [Self.k1(2)], stride: [Self.k1(1)],
                                      storageBytes: 8), "storage file shorter than numel")
    }

    func testHugeLengthsInPickleOpcodes() {
        func wrap(_ pkl: Data) -> Data { ZipBuilder.build([("archive/data.pkl", pkl)]) }
        for len in [UInt64.max, UInt64(Int64.max), UInt64(Int64.max) - 2, 1 << 40] {
            let l = withUnsafeBytes(of: len.littleEndian, Array.init)
            assertRefused(wrap(Data([0x80, 0x02, 0x8D] + l + [0x2E])), "BINUNICODE8 length \(len)")
            assertRefused(wrap(Data([0x80, 0x04, 0x95] + l + [0x7D, 0x2E])), "FRAME length \(len)")
        }
        // BINUNICODE / BINBYTES with 0xFFFFFFFF lengths.
        assertRefused(wrap(Data([0x80, 0x02, UInt8(ascii: "X"), 0xFF, 0xFF, 0xFF, 0xFF, 0x2E])), "BINUNICODE 2^32-1")
        assertRefused(wrap(Data([0x80, 0x02, UInt8(ascii: "B"), 0xFF, 0xFF, 0xFF, 0xFF, 0x2E])), "BINBYTES 2^32-1")
        assertRefused(wrap(Data([0x80, 0x02, 0x8A, 0xFF, 0x2E])), "LONG1 of 255 bytes")
        assertRefused(wrap(Data([0x80, 0x02, 0x8B, 0xFF, 0xFF, 0xFF, 0x7F, 0x2E])), "LONG4")
        assertRefused(wrap(Data([0x80, 0x02, UInt8(ascii: "j"), 0xFF, 0xFF, 0xFF, 0xFF, 0x2E])), "LONG_BINGET undefined")
        assertRefused(wrap(Data([0x80, 0x02, 0x2E])), "STOP on empty stack")
        assertRefused(wrap(Data([0x80, 0x02, UInt8(ascii: "c"), UInt8(ascii: "o"), UInt8(ascii: "s")])), "GLOBAL without newline")
        assertRefused(wrap(Data([0x80, 0x02])), "no STOP")
        assertRefused(wrap(Data([0x80, 0x02, UInt8(ascii: "K"), 1, UInt8(ascii: ".")])), "top-level not a dict")
    }

    /// Deeply nested containers must not overflow the stack while parsing or when freed.
    func testDeepNesting() {
        var p = Data([0x80, 0x02, UInt8(ascii: "K"), 1])
        p.append(Data(repeating: 0x85, count: 2_000_000))   // TUPLE1 two million times
        p.append(UInt8(ascii: "."))
        assertRefused(ZipBuilder.build([("archive/data.pkl", p)]), "2M nested tuples")
        var q = Data([0x80, 0x02])
        for _ in 0..<500_000 { q.append(UInt8(ascii: "]")); q.append(UInt8(ascii: "a")) }  // not valid: APPEND needs a list below
        q.append(UInt8(ascii: "."))
        assertRefused(ZipBuilder.build([("archive/data.pkl", q)]), "list/append chain")
        var r = Data([0x80, 0x02, UInt8(ascii: "]")])
        for _ in 0..<1_000_000 { r.append(UInt8(ascii: "]")); r.append(UInt8(ascii: "a")); r.append(UInt8(ascii: "h")); r.append(0) }
        r.append(UInt8(ascii: "."))
        assertRefused(ZipBuilder.build([("archive/data.pkl", r)]), "memo-driven nesting")
    }

    func testSafetensorsHostileHeaders() {
        func st(_ json: String, extra: Int = 0) -> Data {
            var h = Data(json.utf8); while h.count % 8 != 0 { h.append(0x20) }
            var d = Data(withUnsafeBytes(of: UInt64(h.count).littleEndian, Array.init)); d.append(h)
            d.append(Data(count: extra)); return d
        }
        let cases: [(String, Data)] = [
            ("deep JSON", st(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))),
            ("huge shape", st(#"{"a":{"dtype":"F32","shape":[9223372036854775807,2],"data_offsets":[0,8]}}"#, extra: 8)),
            ("float shape", st(#"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, extra: 8)),
            ("1e300 offset", st(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,1e300]}}"#, extra: 8)),
            ("negative offset", st(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}"#, extra: 8)),
            ("unknown dtype", st(#"{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}"#, extra: 8)),
            ("overlap", st(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, extra: 8)),
            ("not UTF-8", st("{\"\u{00}\u{FF}\"}")),
        ]
        for (what, d) in cases {
            XCTAssertThrowsError(try Checkpoint.load(data: d, source: "hostile.safetensors"), what) { e in
                XCTAssertTrue("\(e)".hasPrefix("hostile.safetensors"), "\(what): \(e)")
            }
        }
        XCTAssertThrowsError(try Checkpoint.load(data: st(#"{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}"#, extra: 8),
                                                 source: "x.safetensors")) { XCTAssertTrue("\($0)".contains("F8_E4M3"), "\($0)") }
    }

    /// Files that are not regular files must be refused, not read forever (a FIFO would block).
    func testNonRegularFiles() throws {
        XCTAssertThrowsError(try Checkpoint.load(path: "/dev/null")) { XCTAssertTrue("\($0)".hasPrefix("/dev/null"), "\($0)") }
        XCTAssertThrowsError(try Checkpoint.load(path: NSTemporaryDirectory())) { XCTAssertTrue("\($0)".contains("directory"), "\($0)") }
        let empty = NSTemporaryDirectory() + "fsvideo-empty-\(getpid()).ckpt"
        FileManager.default.createFile(atPath: empty, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: empty) }
        XCTAssertThrowsError(try Checkpoint.load(path: empty)) { XCTAssertTrue("\($0)".hasPrefix(empty), "\($0)") }
    }
}

extension HostileCheckpointTests {
    /// Two views of one storage, the second claiming more elements than the storage file holds:
    /// the claim must be checked for every view, not only the first one that loads the storage.
    func testSharedStorageWithInconsistentNumel() {
        func view(_ numel: Int, _ size: Int) -> Data {
            var d = Data("ctorch._utils\n_rebuild_tensor_v2\n".utf8)
            d.append(UInt8(ascii: "("))
            d.append(Self.tuple([Self.str("storage"), Data("ctorch\nFloatStorage\n".utf8), Self.str("0"), Self.str("cpu"), Self.k1(numel)]))
            d.append(UInt8(ascii: "Q")); d.append(Self.k1(0))
            d.append(Self.tuple([Self.k1(size)])); d.append(Self.tuple([Self.k1(1)]))
            d.append(0x89); d.append(UInt8(ascii: "t")); d.append(UInt8(ascii: "R"))
            return d
        }
        var p = Data([0x80, 0x02, UInt8(ascii: "}"), UInt8(ascii: "(")])
        p.append(Self.str("a")); p.append(view(4, 4))
        p.append(Self.str("b")); p.append(view(200, 200))
        p.append(UInt8(ascii: "u")); p.append(UInt8(ascii: "."))
        assertRefused(ZipBuilder.build([("archive/data.pkl", p), ("archive/data/0", Data(count: 16))]),
                      "second view reaching past the storage bytes")
    }
}

extension HostileCheckpointTests {
    /// A list appended to itself (or a dict set into itself) would make any walk over the values loop.
    func testSelfContainingContainers() {
        let list = Data([0x80, 0x02, UInt8(ascii: "]"), UInt8(ascii: "q"), 0, UInt8(ascii: "h"), 0, UInt8(ascii: "a"), UInt8(ascii: ".")])
        assertRefused(ZipBuilder.build([("archive/data.pkl", list)]), "list containing itself")
        var dict = Data([0x80, 0x02, UInt8(ascii: "}"), UInt8(ascii: "q"), 0]); dict.append(Self.str("k"))
        dict.append(contentsOf: [UInt8(ascii: "h"), 0, UInt8(ascii: "s"), UInt8(ascii: ".")])
        assertRefused(ZipBuilder.build([("archive/data.pkl", dict)]), "dict containing itself")
    }
}
