import Foundation
import FSDiffusion
import FSTensor

/// run.json: every setting, the seed, the sampler, the model and where its config came from, the FreeScale
/// plan, timings, peak memory, threads and precision. The pipeline fills what it knows; the caller adds the
/// files it wrote (`outputs`, `encoder`, `saveFps`), the weights' checksum and the model load time.
public struct RunRecord {
    public var command: String
    public var settings: GenerationSettings
    public var model: LoadedModel
    public var timings: RunTimings
    public var latentShape: [Int]
    /// The FreeScale plan and per-stage times (nil for plain base-size generation).
    public var freescale: [String: Any]?
    /// Command-specific entries (e.g. `input`, `frames_used` for video-to-video).
    public var extra: [String: Any] = [:]

    public var saveFps: Double = 0
    public var encoder = ""
    public var outputs: [String] = []
    public var weightsChecksum = ""
    public var loadSeconds = 0.0

    public init(command: String, settings: GenerationSettings, model: LoadedModel, timings: RunTimings, latentShape: [Int]) {
        self.command = command; self.settings = settings; self.model = model; self.timings = timings; self.latentShape = latentShape
    }

    public func json(version: String) throws -> Data {
        let mc = model.model.config
        let s = settings
        var timing: [String: Double] = ["load_model": loadSeconds]
        for (k, v) in timings.entries { timing[k] = (timing[k] ?? 0) + v }
        var obj: [String: Any] = [
            "tool": "fsvideo", "version": version, "command": command,
            "created": ISO8601DateFormatter().string(from: Date()),
            "settings": [
                "prompt": s.prompt, "negative_prompt": s.negativePrompt, "frames": s.frames,
                "height": s.height, "width": s.width, "steps_requested": s.steps, "eta": s.eta,
                "guidance": s.guidance, "fps_conditioning": s.fps, "seed": s.seed, "save_fps": saveFps,
            ] as [String: Any],
            "sampler": [
                "name": "DDIM (lvdm, uniform)", "timesteps": mc.schedule.timesteps,
                "ddim_timesteps": Array(s.steps > 0 ? (try? DDIMSchedule(config: mc.schedule, steps: s.steps, eta: s.eta).timesteps) ?? [] : []),
                "use_scale": mc.schedule.useScale, "scale_b": mc.schedule.scaleB, "mid_step": mc.schedule.midStep,
                "noise": "Philox-4x32-10 + Box-Muller (docs/usage.md)",
            ] as [String: Any],
            "model": [
                "weights": model.weightsPath, "sha256": weightsChecksum,
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
        for (k, v) in extra { obj[k] = v }
        return try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
    }
}
