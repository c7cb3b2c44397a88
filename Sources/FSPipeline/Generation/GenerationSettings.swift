import Foundation
import FSDiffusion
import FSTensor

/// The knobs of one text-to-video run (the base stage). Defaults come from the model's config.
public struct GenerationSettings: Codable, Sendable, Equatable {
    public var prompt: String
    public var negativePrompt: String = ""
    public var frames: Int
    public var height: Int
    public var width: Int
    public var steps: Int = 50
    public var eta: Double = 1.0
    public var guidance: Double
    /// fps conditioning value given to the UNet.
    public var fps: Int
    public var seed: UInt64 = 0

    enum CodingKeys: String, CodingKey {
        case prompt, negativePrompt = "negative_prompt", frames, height, width, steps, eta, guidance, fps, seed
    }

    /// The model's defaults (VideoCrafter2: 16 frames, 320x512, 50 steps, eta 1, guidance 12, fps 28).
    public init(prompt: String, model: VideoModelConfig) {
        self.prompt = prompt
        frames = model.frames
        height = model.baseHeight
        width = model.baseWidth
        guidance = model.defaultGuidance
        fps = model.fps
    }

    /// Refuses settings the model cannot run; returns warnings (e.g. more frames than temporal_length).
    public func validate(for model: VideoModelConfig) throws -> [String] {
        guard frames >= 1 else { throw FSError("frames must be ≥ 1, got \(frames)") }
        let unit = model.sizeUnit
        guard height > 0, width > 0, height % unit == 0, width % unit == 0 else {
            throw FSError("size \(height)x\(width): both sides must be positive multiples of \(unit) for this model (8·2^(UNet levels − 1))")
        }
        // The step count and eta are the schedule's to check (DDIMSchedule: one place for the rules).
        _ = try DDIMSchedule(config: model.schedule, steps: steps, eta: eta)
        guard guidance.isFinite else { throw FSError("guidance must be a finite number") }
        guard fps >= 0 else { throw FSError("fps conditioning must be ≥ 0, got \(fps)") }
        var warnings: [String] = []
        if let tl = model.unet.temporalLength, frames > tl {
            warnings.append("\(frames) frames is more than the model's temporal_length \(tl): it runs, but quality may drop")
        }
        return warnings
    }
}
