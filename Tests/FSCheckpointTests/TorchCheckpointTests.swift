import Foundation
import XCTest
@testable import FSCheckpoint

final class TorchCheckpointTests: XCTestCase {
    func testTinyCkptEqualsSafetensors() throws {
        let ckpt = try Checkpoint.load(path: try SharedFixtures.path("lvdm/tiny_vc2.ckpt"))
        let st = try Checkpoint.load(path: try SharedFixtures.path("lvdm/tiny_vc2.safetensors"))
        XCTAssertEqual(ckpt.keys.count, 1121)
        XCTAssertEqual(Set(ckpt.keys), Set(st.keys))
        for key in st.keys {
            let a = ckpt[key]!, b = st[key]!
            XCTAssertEqual(a.dtype, b.dtype, key)
            XCTAssertEqual(a.shape, b.shape, key)
            XCTAssertEqual(a.bytes, b.bytes, key)
        }
        XCTAssertEqual(ckpt.keys.filter { ckpt[$0]!.dtype == .f16 }.count, 942)
    }

    /// A pickle naming os.system (protocol 2: GLOBAL 'os system', then a call) must be refused at the
    /// GLOBAL opcode, before anything could be executed.
    func testRefusesForeignGlobals() throws {
        for global in ["os\nsystem\n", "builtins\neval\n", "subprocess\nPopen\n", "torch\nload\n"] {
            var pkl = Data([0x80, 0x02, UInt8(ascii: "c")])
            pkl.append(Data(global.utf8))
            pkl.append(Data([UInt8(ascii: "X"), 4, 0, 0, 0]) + Data("echo".utf8))
            pkl.append(Data([0x85, UInt8(ascii: "R"), UInt8(ascii: ".")]))
            let zip = ZipBuilder.build([("archive/data.pkl", pkl), ("archive/byteorder", Data("little".utf8))])
            XCTAssertThrowsError(try Checkpoint.load(data: zip, source: "evil.ckpt")) { e in
                let name = global.split(separator: "\n").joined(separator: ".")
                XCTAssertTrue("\(e)".contains("refuses pickle global '\(name)'"), "\(e)")
            }
        }
    }

    func testSyntheticCheckpointWithSharedStridedStorage() throws {
        let zip = Self.syntheticCheckpoint()
        let sd = try Checkpoint.load(data: zip)
        XCTAssertEqual(sd["a"]!.floats(), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(sd["a"]!.shape, [2, 3])
        XCTAssertEqual(sd["t"]!.shape, [3, 2])
        XCTAssertEqual(sd["t"]!.floats(), [0, 3, 1, 4, 2, 5])   // transposed view of the same storage
        XCTAssertEqual(sd["tail"]!.floats(), [4, 5])
    }

    func testLegacyFormat() throws {
        let data = Self.syntheticLegacyCheckpoint()
        let sd = try Checkpoint.load(data: data, source: "legacy.pt")
        XCTAssertEqual(sd["a"]!.floats(), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(sd["t"]!.floats(), [0, 3, 1, 4, 2, 5])
        XCTAssertEqual(sd["tail"]!.floats(), [4, 5])
        for cut in [20, data.count / 2, data.count - 30, data.count - 1] {
            XCTAssertThrowsError(try Checkpoint.load(data: data.prefix(cut), source: "cut.pt"))
        }
    }

    func testBadFiles() throws {
        XCTAssertThrowsError(try Checkpoint.load(path: "/nonexistent.ckpt")) { XCTAssertTrue("\($0)".contains("no such file")) }
        XCTAssertThrowsError(try Checkpoint.load(data: Data("hello, this is text".utf8), source: "x.ckpt")) {
            XCTAssertTrue("\($0)".hasPrefix("x.ckpt: "), "\($0)")
        }
        let zip = Self.syntheticCheckpoint()
        XCTAssertThrowsError(try Checkpoint.load(data: zip.prefix(zip.count - 10), source: "cut.ckpt"))
    }

    /// {"state_dict": {"a": [2,3] view, "t": its transpose, "tail": offset 4 size 2}} over one float storage.
    static func syntheticCheckpoint() -> Data {
        let storage = [Float]([0, 1, 2, 3, 4, 5]).withUnsafeBytes { Data($0) }
        return ZipBuilder.build([("archive/data.pkl", syntheticPickle(legacy: false)), ("archive/byteorder", Data("little".utf8)),
                                 ("archive/data/0", storage)])
    }

    /// The same state dict in the legacy (pre-1.6) format: a sequence of pickles, then the raw storage.
    static func syntheticLegacyCheckpoint() -> Data {
        var d = Data([0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E])
        d.append(Data([0x80, 0x02, UInt8(ascii: "M"), 0xE9, 0x03, UInt8(ascii: ".")]))
        d.append(Data([0x80, 0x02, UInt8(ascii: "}"), UInt8(ascii: "X"), 13, 0, 0, 0]) + Data("little_endian".utf8)
                 + Data([0x88, UInt8(ascii: "s"), UInt8(ascii: ".")]))
        d.append(syntheticPickle(legacy: true))
        d.append(Data([0x80, 0x02, UInt8(ascii: "]"), UInt8(ascii: "X"), 1, 0, 0, 0, UInt8(ascii: "0"), UInt8(ascii: "a"), UInt8(ascii: ".")]))
        d.append(contentsOf: withUnsafeBytes(of: Int64(6).littleEndian, Array.init))
        d.append([Float]([0, 1, 2, 3, 4, 5]).withUnsafeBytes { Data($0) })
        return d
    }

    static func syntheticPickle(legacy: Bool) -> Data {
        var p = Data([0x80, 0x02, UInt8(ascii: "}")])
        func str(_ s: String) -> Data { var d = Data([UInt8(ascii: "X")]); d.append(contentsOf: withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian, Array.init)); d.append(Data(s.utf8)); return d }
        func int(_ i: Int) -> Data { Data([UInt8(ascii: "K"), UInt8(i)]) }
        func tensor(offset: Int, size: [Int], stride: [Int]) -> Data {
            var d = Data("ctorch._utils\n_rebuild_tensor_v2\n".utf8)
            d.append(UInt8(ascii: "("))
            d.append(UInt8(ascii: "(")); d.append(str("storage")); d.append(Data("ctorch\nFloatStorage\n".utf8))
            d.append(str("0")); d.append(str("cpu")); d.append(int(6))
            if legacy { d.append(UInt8(ascii: "N")) }   // view metadata: none
            d.append(UInt8(ascii: "t"))
            d.append(UInt8(ascii: "Q"))
            d.append(int(offset))
            d.append(UInt8(ascii: "(")); for s in size { d.append(int(s)) }; d.append(UInt8(ascii: "t"))
            d.append(UInt8(ascii: "(")); for s in stride { d.append(int(s)) }; d.append(UInt8(ascii: "t"))
            d.append(0x89)
            d.append(Data("ccollections\nOrderedDict\n".utf8)); d.append(UInt8(ascii: ")")); d.append(UInt8(ascii: "R"))
            d.append(UInt8(ascii: "t")); d.append(UInt8(ascii: "R"))
            return d
        }
        p.append(str("state_dict"))
        p.append(Data("ccollections\nOrderedDict\n".utf8)); p.append(UInt8(ascii: ")")); p.append(UInt8(ascii: "R"))
        p.append(UInt8(ascii: "("))
        p.append(str("a")); p.append(tensor(offset: 0, size: [2, 3], stride: [3, 1]))
        p.append(str("t")); p.append(tensor(offset: 0, size: [3, 2], stride: [1, 3]))
        p.append(str("tail")); p.append(tensor(offset: 4, size: [2], stride: [1]))
        p.append(UInt8(ascii: "u"))
        p.append(UInt8(ascii: "s"))
        p.append(UInt8(ascii: "."))
        return p
    }
}
