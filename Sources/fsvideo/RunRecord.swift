import Foundation
import FSPipeline
import FSDiffusion
import FSTensor

/// run.json (DESIGN §4): every setting, the seed, the model and its checksum, timings, peak memory, version.
struct RunRecord {
    let settings: GenerationSettings
    let model: LoadedModel
    let saveFps: Double
    let encoder: String
    let loadSeconds: Double
    let timings: [(String, Double)]
    let latentShape: [Int]
    let outputs: [String]
    /// The FreeScale plan and per-stage times (nil for plain base-size generation).
    var freescale: [String: Any]? = nil

    func json() throws -> Data {
        let mc = model.model.config
        let s = settings
        var timing: [String: Double] = ["load_model": loadSeconds]
        for (k, v) in timings { timing[k] = (timing[k] ?? 0) + v }
        var obj: [String: Any] = [
            "tool": "fsvideo", "version": FSVideoVersion.string, "command": "generate",
            "created": ISO8601DateFormatter().string(from: Date()),
            "settings": [
                "prompt": s.prompt, "negative_prompt": s.negativePrompt, "frames": s.frames,
                "height": s.height, "width": s.width, "steps_requested": s.steps, "eta": s.eta,
                "guidance": s.guidance, "fps_conditioning": s.fps, "seed": s.seed, "save_fps": saveFps,
            ] as [String: Any],
            "sampler": [
                "name": "DDIM (lvdm, uniform)", "timesteps": model.model.config.schedule.timesteps,
                "ddim_timesteps": Array(settings.steps > 0 ? (try? DDIMSchedule(config: mc.schedule, steps: s.steps, eta: s.eta).timesteps) ?? [] : []),
                "use_scale": mc.schedule.useScale, "scale_b": mc.schedule.scaleB, "mid_step": mc.schedule.midStep,
                "noise": "Philox-4x32-10 + Box-Muller (docs/usage.md)",
            ] as [String: Any],
            "model": [
                "weights": model.weightsPath, "sha256": Self.checksum(model.weightsPath),
                "name": mc.name ?? "", "config_from": model.configOrigin,
                "scale_factor": mc.scaleFactor, "base_resolution": mc.baseResolution,
            ] as [String: Any],
            "latent_shape": latentShape,
            "video": ["file": "video.mp4", "encoder": encoder, "fps": saveFps] as [String: Any],
            "outputs": outputs,
            "timings_seconds": timing,
            "peak_rss_bytes": MemoryStats.peakRSSBytes() ?? -1,
            "threads": ParallelFor.threadCount,
            "precision": model.precision.rawValue,
            "bf16_kernel": BF16Support.description,
        ]
        if let freescale { obj["freescale"] = freescale }
        return try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
    }

    /// SHA-256 of the weights file; for files over 1 GB, of the size plus the first and last 64 MB
    /// (recorded as "sampled:" so it is not mistaken for a full digest).
    static func checksum(_ path: String) -> String {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size <= 1 << 30 { return SHA256.file(path) ?? "" }
        guard let fh = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? fh.close() }
        var h = SHA256()
        h.update(Data(String(size).utf8))
        h.update(fh.readData(ofLength: 64 << 20))
        fh.seek(toFileOffset: UInt64(size - (64 << 20)))
        h.update(fh.readData(ofLength: 64 << 20))
        return "sampled:" + h.finalize()
    }
}
