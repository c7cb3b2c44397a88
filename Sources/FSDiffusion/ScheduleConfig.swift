import Foundation
import FSTensor

/// The noise-schedule arguments of lvdm's `LatentDiffusion` (the `schedule` block of a model config).
/// CodingKeys are the reference names, so a model's JSON config decodes directly.
public struct ScheduleConfig: Codable, Equatable, Sendable {
    public var linearStart: Double = 0.00085
    public var linearEnd: Double = 0.012
    public var timesteps: Int = 1000
    public var useScale: Bool = true
    public var scaleA: Double = 1.0
    public var scaleB: Double = 0.7
    public var midStep: Int = 400
    public var fixScaleBug: Bool = false
    public var parameterization: String = "eps"

    enum CodingKeys: String, CodingKey {
        case linearStart = "linear_start", linearEnd = "linear_end", timesteps, useScale = "use_scale"
        case scaleA = "scale_a", scaleB = "scale_b", midStep = "mid_step", fixScaleBug = "fix_scale_bug"
        case parameterization
    }

    /// VideoCrafter2 (`configs/inference_t2v_512_v2.0.yaml`).
    public static let videoCrafter2 = ScheduleConfig()

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ScheduleConfig()
        linearStart = try c.decodeIfPresent(Double.self, forKey: .linearStart) ?? d.linearStart
        linearEnd = try c.decodeIfPresent(Double.self, forKey: .linearEnd) ?? d.linearEnd
        timesteps = try c.decodeIfPresent(Int.self, forKey: .timesteps) ?? d.timesteps
        useScale = try c.decodeIfPresent(Bool.self, forKey: .useScale) ?? d.useScale
        scaleA = try c.decodeIfPresent(Double.self, forKey: .scaleA) ?? d.scaleA
        scaleB = try c.decodeIfPresent(Double.self, forKey: .scaleB) ?? d.scaleB
        midStep = try c.decodeIfPresent(Int.self, forKey: .midStep) ?? d.midStep
        fixScaleBug = try c.decodeIfPresent(Bool.self, forKey: .fixScaleBug) ?? d.fixScaleBug
        parameterization = try c.decodeIfPresent(String.self, forKey: .parameterization) ?? d.parameterization
    }

    public func validate() throws {
        guard timesteps >= 2 else { throw FSError("schedule: timesteps must be ≥ 2, got \(timesteps)") }
        guard linearStart > 0, linearEnd > linearStart, linearEnd < 1 else {
            throw FSError("schedule: need 0 < linear_start < linear_end < 1, got \(linearStart), \(linearEnd)")
        }
        guard parameterization == "eps" else {
            throw FSError("schedule: parameterization '\(parameterization)' is not supported (only eps)")
        }
        if useScale && (midStep < 1 || midStep > timesteps) {
            throw FSError("schedule: mid_step \(midStep) must be in 1…\(timesteps)")
        }
    }
}
