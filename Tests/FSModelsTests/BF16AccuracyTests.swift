import FSCheckpoint
import FSModels
import FSTensor
import XCTest
import FSParity

/// bf16 accuracy on the lvdm fixtures (docs/precision.md): every output's error against the reference, in fp32
/// and in bf16, as max|Δ| / max|ref|. The parity tests keep checking fp32 with today's tolerances; here bf16
/// must stay within `bf16Tolerance` of the output scale (measured errors are a few times smaller).
final class BF16AccuracyTests: XCTestCase {
    /// Allowed bf16 error, as a fraction of the output's largest magnitude.
    static let bf16Tolerance = 0.04

    /// (output, fp32 error, bf16 error), errors as max|Δ| / max|ref|.
    func compare(_ path: String, run: (Precision) throws -> ParityReport) throws -> [(String, Double, Double)] {
        let f = try ParityFixture(path: path)
        let r32 = try run(.fp32), r16 = try run(.bf16)
        var rows: [(String, Double, Double)] = []
        for (a, b) in zip(r32.lines, r16.lines) where a.name.hasPrefix("output/") {
            let ref = try f.output(String(a.name.dropFirst(7)))
            let scale = Double(ref.data.map { abs($0) }.max() ?? 1)
            rows.append((a.name, a.maxAbs / scale, b.maxAbs / scale))
            print(String(format: "bf16 accuracy | %@ | %@ | fp32 %.2e | bf16 %.2e", (path as NSString).lastPathComponent,
                         a.name, a.maxAbs / scale, b.maxAbs / scale))
        }
        XCTAssertTrue(r32.passed, "fp32 parity must still pass")
        return rows
    }

    func check(_ rows: [(String, Double, Double)]) {
        XCTAssertFalse(rows.isEmpty)
        for (name, _, e16) in rows {
            XCTAssertLessThanOrEqual(e16, Self.bf16Tolerance, "\(name): bf16 error \(e16) of the output scale")
        }
    }

    func testUNetTiny() throws {
        let path = try sharedFixture("lvdm/unet3d_tiny.safetensors")
        check(try compare(path) { p in try UNet3DParity.run(ParityFixture(path: path), precision: p) })
    }

    func testVAETiny() throws {
        let path = try sharedFixture("lvdm/vae_tiny.safetensors")
        check(try compare(path) { p in try VAEParity.run(ParityFixture(path: path), precision: p) })
    }

    func testTextTiny() throws {
        let path = try sharedFixture("lvdm/clip_text_tiny.safetensors")
        check(try compare(path) { p in try OpenCLIPTextParity.run(ParityFixture(path: path), precision: p) })
    }

    /// Without AVX512-BF16 (forced), bf16 runs on the portable kernel: same accuracy.
    func testUNetTinyOnPortableKernel() throws {
        let path = try sharedFixture("lvdm/unet3d_tiny.safetensors")
        BF16Support.forceDisabled = true
        defer { BF16Support.forceDisabled = false }
        XCTAssertEqual(PrecisionChoice.auto.resolved(), .fp32)
        check(try compare(path) { p in try UNet3DParity.run(ParityFixture(path: path), precision: p) })
    }
}
