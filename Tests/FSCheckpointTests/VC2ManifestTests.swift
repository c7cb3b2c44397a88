import XCTest
@testable import FSCheckpoint

final class VC2ManifestTests: XCTestCase {
    func testEmbeddedManifestCounts() throws {
        let m = try VC2Manifest.load()
        XCTAssertEqual(m.rows.count, 2039)
        XCTAssertEqual(m.rows(prefix: "model.diffusion_model.").count, 1484)
        XCTAssertEqual(m.rows(prefix: "first_stage_model.").count, 248)
        XCTAssertEqual(m.rows(prefix: "cond_stage_model.").count, 294)
        XCTAssertEqual(m.rows.first { $0.key == "cond_stage_model.model.logit_scale" }?.shape, [])
        let unetParams = m.rows(prefix: "model.diffusion_model.").values.map { $0.reduce(1, *) }.reduce(0, +)
        XCTAssertEqual(unetParams, 1_413_284_420)
    }

    func testCheckFindsMissingUnexpectedAndMisShaped() throws {
        let m = try VC2Manifest.parse("a\t2,3\tfloat32\nb\t4\tfloat32\nc\t\tfloat32\n")
        let sd = StateDict()
        sd["a"] = StoredTensor(dtype: .f16, shape: [2, 3], bytes: Data(count: 12))
        sd["b"] = StoredTensor(dtype: .f32, shape: [5], bytes: Data(count: 20))
        sd["z"] = StoredTensor(dtype: .f32, shape: [1], bytes: Data(count: 4))
        let c = m.check(sd)
        XCTAssertEqual(c.missing, ["c"])
        XCTAssertEqual(c.unexpected, ["z"])
        XCTAssertEqual(c.misShaped.map(\.key), ["b"])
    }
}
