// FreeScalePlan: every FreeScale setting (docs/freescale.md, "Flags"), validated up front.
import Foundation
import FSTensor

/// A frame size in pixels (height × width), written "HxW" on the command line.
public struct FrameSize: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var height: Int
    public var width: Int
    public init(height: Int, width: Int) { self.height = height; self.width = width }

    /// Parses "320x512" (positive sides).
    public init(parsing s: String) throws {
        let parts = s.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let h = Int(parts[0]), let w = Int(parts[1]), h > 0, w > 0 else {
            throw FSError("'\(s)' is not a size HxW such as 320x512")
        }
        self.init(height: h, width: w)
    }

    public var description: String { "\(height)x\(width)" }
}

public enum UpsampleMode: String, Sendable, CaseIterable { case rgb, latent }
public enum GenerationMethod: String, Sendable, CaseIterable { case freescale, direct }

/// What the user asked for (the CLI fills this from flags; nil = default).
public struct FreeScaleRequest: Sendable {
    public var method: GenerationMethod = .freescale
    public var res: FrameSize?
    public var stages: [FrameSize]?
    public var steps: Int = 50
    public var restartStep: Int?
    public var cosineScale: Double = 2.0
    public var cosineScaleBackground: Double?
    public var upsample: UpsampleMode = .rgb
    public var dilateTau: Int = 35
    public var dilateLayers: [String]?
    public var fast: Bool = false
    public var fusionTemporalSigma: Double = 0
    public var jitter: Bool = true
    public var keepStages: Bool = false
    public var hasDetailMask: Bool = false
    /// Local editing (`upscale --edit-mask`): the cosine exponent inside the edit region is α_bg
    /// (`cosineScaleBackground`), default `FreeScalePlan.defaultEditCosineScale`.
    public var hasEditMask: Bool = false

    public init() {}
}

/// The model facts a plan depends on.
public struct ModelGeometry: Sendable {
    public var base: FrameSize       // native size (320x512 VC2, 64x96 toy)
    public var sizeUnit: Int         // 8·2^(levels−1)
    public var layout: UNetLayout
    public var latentFactor: Int     // VAE downsampling (8)
    public init(base: FrameSize, sizeUnit: Int, layout: UNetLayout, latentFactor: Int = 8) {
        self.base = base; self.sizeUnit = sizeUnit; self.layout = layout; self.latentFactor = latentFactor
    }
    /// Geometry from the UNet's level count, 8× VAE downsampling.
    public init(base: FrameSize, levels: Int, numResBlocks: Int, temporalAttention: Bool) {
        self.init(base: base, sizeUnit: 8 << Swift.max(0, levels - 1),
                  layout: UNetLayout(levels: levels, numResBlocks: numResBlocks, temporalAttention: temporalAttention))
    }
}

/// One upper stage of the cascade.
public struct StagePlan: Sendable, Equatable {
    public var size: FrameSize
    public var previous: FrameSize
    public var fusion: ScaleFusionSettings
    public var dilation: DilationPlan
}

public struct FreeScalePlan: Sendable {
    public var method: GenerationMethod
    public var base: FrameSize
    /// Sizes in order; stages[0] is the base generation (for `direct`, the single target size).
    public var sizes: [FrameSize]
    public var upper: [StagePlan]
    public var steps: Int
    public var restartStep: Int
    public var cosineScale: Double
    public var cosineScaleBackground: Double?
    /// The cosine exponent inside an edit mask (nil without one).
    public var cosineScaleEdit: Double?
    public var upsample: UpsampleMode
    public var keepStages: Bool
    public var latentFactor: Int
    public var final: FrameSize { sizes.last! }

    /// Validates every flag; throws one FSError naming the first problem.
    public init(_ r: FreeScaleRequest, model: ModelGeometry) throws {
        let unit = model.sizeUnit
        func checkSize(_ s: FrameSize, _ what: String) throws {
            guard s.height % unit == 0, s.width % unit == 0 else {
                throw FSError("\(what) \(s): both sides must be multiples of \(unit) for this model (8·2^(UNet levels − 1))")
            }
        }
        guard r.cosineScale >= 0, r.cosineScale.isFinite else { throw FSError("cosine scale must be ≥ 0 (got \(r.cosineScale))") }
        if let bg = r.cosineScaleBackground {
            guard bg >= 0, bg.isFinite else { throw FSError("background cosine scale must be ≥ 0 (got \(bg))") }
            guard r.hasDetailMask || r.hasEditMask else { throw FSError("a background cosine scale needs a detail mask (or an edit mask)") }
        }
        guard r.dilateTau >= 0 else { throw FSError("dilation tau must be ≥ 0 (got \(r.dilateTau))") }
        guard r.fusionTemporalSigma >= 0, r.fusionTemporalSigma.isFinite else {
            throw FSError("fusion temporal sigma must be ≥ 0 (got \(r.fusionTemporalSigma))")
        }
        if r.res != nil && r.stages != nil { throw FSError("give either a target size or stages, not both") }
        if let layers = r.dilateLayers { try DilationPlan.validate(layers, layout: model.layout) }

        method = r.method; base = model.base; latentFactor = model.latentFactor; steps = r.steps; cosineScale = r.cosineScale
        cosineScaleBackground = r.hasDetailMask ? (r.cosineScaleBackground ?? 1.0) : nil
        cosineScaleEdit = r.hasEditMask ? (r.cosineScaleBackground ?? Self.defaultEditCosineScale) : nil; upsample = r.upsample; keepStages = r.keepStages
        restartStep = r.restartStep ?? Int(0.3 * Double(r.steps))
        guard restartStep >= 0, restartStep < r.steps else {
            throw FSError("restart step \(restartStep) must be in 0..<\(r.steps) (the step count)")
        }

        var list: [FrameSize]
        if let st = r.stages {
            guard !st.isEmpty else { throw FSError("stages: empty list") }
            list = st
            if r.method == .freescale && list[0] != model.base { list.insert(model.base, at: 0) }
        } else if let target = r.res {
            list = [model.base]
            if r.method == .freescale {
                var cur = model.base
                while cur.height * 2 <= target.height && cur.width * 2 <= target.width && cur != target {
                    cur = FrameSize(height: cur.height * 2, width: cur.width * 2)
                    if cur != target { list.append(cur) }
                }
                if target != model.base { list.append(target) }
            } else {
                list = [target]
            }
        } else {
            list = [model.base]
        }
        if r.method == .direct { list = [list.last!] }
        for (i, s) in list.enumerated() {
            try checkSize(s, r.stages != nil ? "stage" : "target size")
            if i > 0 {
                let p = list[i - 1]
                guard s.height >= p.height, s.width >= p.width, s != p else {
                    throw FSError("stage \(i) (\(s)) is not larger than the stage before it (\(p))")
                }
            } else if r.method == .freescale && (s.height < model.base.height || s.width < model.base.width) {
                throw FSError("stage \(s) is smaller than the model's base size \(model.base)")
            }
        }
        sizes = list

        let layers = r.dilateLayers ?? DilationPlan.defaultLayers(for: model.layout)
        upper = list.indices.dropFirst().map { i in
            let s = list[i]
            let sh = Double(s.height) / Double(model.base.height), sw = Double(s.width) / Double(model.base.width)
            return StagePlan(
                size: s, previous: list[i - 1],
                fusion: ScaleFusionSettings(scaleH: sh, scaleW: sw, fast: r.fast, jitter: r.jitter,
                                            temporalSigma: r.fusionTemporalSigma),
                dilation: DilationPlan(layers: layers,
                                       dilation: DilationPlan.factor(targetWidth: s.width, baseWidth: model.base.width),
                                       tau: r.dilateTau))
        }
    }

    /// α inside an edit mask when --cosine-scale-bg is not given: c = base(t)^8 is ≤ 0.16 from the default
    /// restart step on, so the masked region follows the edit prompt instead of the upscaled input.
    public static let defaultEditCosineScale = 8.0

    /// A JSON-friendly summary for run.json (absent values as JSON null).
    public var summary: [String: Any] {
        func json(_ v: Any?) -> Any { v ?? NSNull() }
        return [
            "method": method.rawValue, "base": base.description, "stages": sizes.map(\.description),
            "steps": steps, "restart_step": restartStep, "cosine_scale": cosineScale,
            "cosine_scale_bg": json(cosineScaleBackground), "cosine_scale_edit": json(cosineScaleEdit),
            "upsample": upsample.rawValue,
            "dilate_tau": json(upper.first?.dilation.tau),
            "dilate_layers": json(upper.first?.dilation.layers),
            "stage_dilation": upper.map(\.dilation.dilation),
            "fast": json(upper.first?.fusion.fast),
            "jitter": json(upper.first?.fusion.jitter),
            "fusion_temporal_sigma": json(upper.first?.fusion.temporalSigma),
        ]
    }
}
