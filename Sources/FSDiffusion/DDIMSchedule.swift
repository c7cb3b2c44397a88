import Foundation
import FSTensor

/// lvdm's `DDIMSampler.make_schedule` with uniform discretisation, in Float64.
///
/// Arrays are indexed by DDIM *index* (0 = least noisy, timestep 1); sampling runs index S−1 → 0.
/// `samplingTimesteps` / `index(ofStep:)` translate a sampling step i (0 = first, noisiest) to an index.
public struct DDIMSchedule: Sendable {
    public let ddpm: DDPMSchedule
    public let eta: Double
    /// range(0, T, T / S) + 1 — ascending.
    public let timesteps: [Int]
    public let alphas: [Double]
    public let alphasPrev: [Double]
    public let sigmas: [Double]
    public let sqrtOneMinusAlphas: [Double]
    public let scaleArr: [Double]
    public let scaleArrPrev: [Double]

    /// `steps` is what the user asks for; like the reference, the number actually run is
    /// len(range(0, T, T // steps)) (e.g. 13 for 12 requested steps).
    public init(ddpm: DDPMSchedule, steps: Int, eta: Double) throws {
        let n = ddpm.config.timesteps
        guard steps >= 1 else { throw FSError("DDIM: steps must be ≥ 1, got \(steps)") }
        guard n / steps >= 2 || steps == 1 else {
            // with T // S == 1 the last timestep would be T, outside the schedule (the reference fails too)
            throw FSError("DDIM: at most \(n / 2) steps for a \(n)-step schedule, got \(steps)")
        }
        guard eta >= 0, eta.isFinite else { throw FSError("DDIM: eta must be ≥ 0, got \(eta)") }
        self.ddpm = ddpm
        self.eta = eta
        let c = n / steps
        let ts = Swift.stride(from: 0, to: n, by: c).map { $0 + 1 }
        guard let last = ts.last, last < n else {
            // range(0, T, T // S) + 1 reaches T when T // S divides T − 1 (S = 3, 9, 27, 37, … for T = 1000);
            // the reference then indexes past its schedule, so refuse with a clear message instead.
            throw FSError("DDIM: \(steps) steps give timestep \(ts.last ?? 0) outside the \(n)-step schedule (T // steps divides T − 1); choose another step count, e.g. \(steps + 1)")
        }
        timesteps = ts
        let ac = ddpm.alphasCumprod
        alphas = timesteps.map { ac[$0] }
        // Reproduced on purpose: alphas_prev[0] is alphas_cumprod[0] (0.99915), not 1.
        alphasPrev = [ac[0]] + timesteps.dropLast().map { ac[$0] }
        sigmas = zip(alphas, alphasPrev).map { a, ap in eta * ((1 - ap) / (1 - a) * (1 - a / ap)).squareRoot() }
        sqrtOneMinusAlphas = alphas.map { (1 - $0).squareRoot() }
        scaleArr = timesteps.map { ddpm.scaleArr[$0] }
        scaleArrPrev = [ddpm.scaleArr[0]] + timesteps.dropLast().map { ddpm.scaleArr[$0] }
    }

    public init(config: ScheduleConfig = .videoCrafter2, steps: Int, eta: Double) throws {
        try self.init(ddpm: DDPMSchedule(config: config), steps: steps, eta: eta)
    }

    /// Number of DDIM steps actually run.
    public var count: Int { timesteps.count }
    /// DDIM index of sampling step i (i = 0 is the first, noisiest step).
    public func index(ofStep i: Int) -> Int { count - 1 - i }
    /// Timesteps in sampling order (descending: 981 … 1 for 50 steps).
    public var samplingTimesteps: [Int] { timesteps.reversed() }
}
