import Foundation
import XCTest
@testable import FSCheckpoint
import FSTensor

final class SafeTensorsTests: XCTestCase {
    func testRoundTripAllDTypes() throws {
        let sd = StateDict()
        sd["a"] = StoredTensor(dtype: .f32, shape: [2, 3], bytes: floatBytes([1, -2, 3.5, 0, 1e-3, 7]))
        let halves: [Float16] = [1, -0.5, 65504, 0.099975586]
        sd["h"] = StoredTensor(dtype: .f16, shape: [4], bytes: halves.withUnsafeBytes { Data($0) })
        let bf: [UInt16] = [0x3F80, 0xC000]  // 1, -2
        sd["b"] = StoredTensor(dtype: .bf16, shape: [2], bytes: bf.withUnsafeBytes { Data($0) })
        let d: [Double] = [0.1, -3]
        sd["d"] = StoredTensor(dtype: .f64, shape: [2, 1], bytes: d.withUnsafeBytes { Data($0) })
        let i: [Int64] = [5, -7, 1 << 40]
        sd["i"] = StoredTensor(dtype: .i64, shape: [3], bytes: i.withUnsafeBytes { Data($0) })
        sd.metadata = ["kind": "test", "quote": "a \"b\" \\ c"]
        let back = try SafeTensors.read(data: try SafeTensors.encode(sd))
        XCTAssertEqual(back.metadata, sd.metadata)
        XCTAssertEqual(back["a"]!.floats(), [1, -2, 3.5, 0, 1e-3, 7])
        XCTAssertEqual(back["h"]!.floats(), halves.map(Float.init))
        XCTAssertEqual(back["b"]!.floats(), [1, -2])
        XCTAssertEqual(back["d"]!.doubles(), d)
        XCTAssertEqual(back["d"]!.shape, [2, 1])
        XCTAssertEqual(back["i"]!.int64s(), i)
    }

    func testRejectsBadHeaders() {
        func bytes(_ header: String, data: Int) -> Data {
            var out = Data()
            var n = UInt64(header.utf8.count).littleEndian
            withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
            out.append(Data(header.utf8)); out.append(Data(count: data))
            return out
        }
        let cases: [(String, Int, String)] = [
            ("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 8, "needs"),
            ("{\"x\":{\"dtype\":\"Q8\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "unknown dtype"),
            ("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "outside"),
            ("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "overlap"),
            ("[1,2]", 0, "JSON object"),
        ]
        for (h, n, expected) in cases {
            XCTAssertThrowsError(try SafeTensors.read(data: bytes(h, data: n))) { e in
                XCTAssertTrue("\(e)".contains(expected), "\(e)")
            }
        }
        XCTAssertThrowsError(try SafeTensors.read(data: Data([1, 2, 3])))
        XCTAssertThrowsError(try SafeTensors.read(path: "/nonexistent/file.safetensors")) { e in
            XCTAssertTrue("\(e)".contains("no such file"))
        }
        XCTAssertThrowsError(try SafeTensors.read(path: "/tmp")) { e in XCTAssertTrue("\(e)".contains("directory")) }
    }

    private func floatBytes(_ v: [Float]) -> Data { v.withUnsafeBytes { Data($0) } }
}
