import Foundation
import FSCheckpoint
import FSDiffusion
import FSModels
import FSTensor
import FSParity

/// The lvdm fixtures through the model code. The models still call the FSTensor CPU ops directly (the switch
/// to the ComputeBackend seam is the GPU session's work), so these run on the CPU on every machine and the
/// results say so (`path: cpu`).
struct FixtureResult {
    let name: String
    let passed: Bool
    let skipped: Bool
    let detail: String
    let seconds: Double

    var record: [String: Any] {
        ["fixture": name, "passed": passed, "skipped": skipped, "detail": detail, "seconds": seconds, "path": "cpu"]
    }
}

enum FixtureChecks {
    static let runners: [(file: String, run: (ParityFixture) throws -> ParityReport)] = [
        ("unet3d_tiny.safetensors", { try UNet3DParity.run($0) }),
        ("unet3d_tiny_dilated.safetensors", { try UNet3DParity.run($0) }),
        ("vae_tiny.safetensors", { try VAEParity.run($0) }),
        ("clip_text_tiny.safetensors", { try OpenCLIPTextParity.run($0) }),
        ("ddim_vc2.safetensors", { try DDIMParity.run($0) }),
        // A short complete DDIM sampling run (tiny UNet). The toy text→video pipeline fixture's runner lives in
        // FSPipeline, which links FreeScale and libav: it stays out of this binary (docs/gpu.md, what remains).
        ("sample_tiny.safetensors", { try DDIMSampleParity.run($0) }),
    ]

    static func run(directory: String, log: CheckLog) -> [FixtureResult] {
        runners.map { entry in
            let path = directory + "/" + entry.file
            guard FileManager.default.fileExists(atPath: path) else {
                log("fixture \(entry.file) SKIP (not found in \(directory))")
                return FixtureResult(name: entry.file, passed: false, skipped: true, detail: "not found", seconds: 0)
            }
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                let report = try entry.run(try ParityFixture(path: path))
                let s = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let detail = report.passed ? "\(report.lines.count) comparisons" : "\(report.firstFailure.map { "\($0.name): max abs \($0.maxAbs)" } ?? "no comparisons")"
                log(String(format: "fixture %@ %@ (cpu path, %.1f s) %@", entry.file.padding(toLength: 34, withPad: " ", startingAt: 0) as NSString, report.passed ? "PASS" : "FAIL", s, detail))
                return FixtureResult(name: entry.file, passed: report.passed, skipped: false, detail: detail, seconds: s)
            } catch {
                log("fixture \(entry.file) ERROR \(error)")
                return FixtureResult(name: entry.file, passed: false, skipped: false, detail: "\(error)", seconds: 0)
            }
        }
    }
}
