import FreeScale
import FSDiffusion
import FSTensor
import FSFrames

/// A request checked against a model's config, before any weights are built or frames decoded: the
/// validated sampler settings, the FreeScale plan (stages, restart step, dilation, fusion), and warnings.
/// Errors name values, not command-line flags.
public struct VideoPlan {
    public let request: VideoRequest
    public let model: VideoModelConfig
    public let settings: GenerationSettings
    public let plan: FreeScalePlan
    public let warnings: [String]

    public init(_ request: VideoRequest, model: VideoModelConfig) throws {
        var s = GenerationSettings(prompt: request.prompt, model: model)
        s.negativePrompt = request.negativePrompt
        if let f = request.frames { s.frames = f }
        s.steps = request.steps; s.eta = request.eta; s.seed = request.seed
        if let g = request.guidance { s.guidance = g }
        if let fps = request.fps { s.fps = fps }
        warnings = try s.validate(for: model)
        let schedule = try DDIMSchedule(config: model.schedule, steps: s.steps, eta: s.eta)
        var fr = request.freescale
        fr.steps = schedule.count
        fr.hasDetailMask = request.hasDetailMask
        fr.hasEditMask = request.editPrompt != nil
        if request.isUpscale {
            guard fr.method == .freescale else { throw FSError("video-to-video: the direct method does not apply (the input is the base stage)") }
        } else if request.editPrompt != nil {
            throw FSError("an edit prompt needs an input clip (video-to-video)")
        }
        let p = try FreeScalePlan(fr, model: ModelGeometry(model: model))
        if request.isUpscale, p.upper.isEmpty {
            throw VideoPlanError.noUpperStages(base: p.base.description)
        }
        self.request = request
        self.model = model
        settings = s
        plan = p
    }

    /// The final frame size.
    public var final: FrameSize { plan.final }
    /// True when only the base size is sampled (no cascade, not direct at another size).
    public var isPlain: Bool { plan.method == .freescale && plan.upper.isEmpty && !request.isUpscale }

    /// FLOPs and estimated peak memory (`weightBytes`: the weights' in-memory size).
    public func cost(weightBytes: Double) -> PlanCost {
        PlanCost(plan: plan, model: model, frames: settings.frames, weightBytes: weightBytes)
    }

    /// Mask image(s) → a binary mask at the image's grid. The images must have the output's aspect ratio
    /// (±2 %), or, for video-to-video, the input clip's (they are then cover-cropped exactly like the clip).
    public func mask(_ images: Frames, what: String = "mask") throws -> DetailMask {
        let frames = settings.frames
        guard images.count >= 1 else { throw FSError("no \(what) image found") }
        guard images.count == 1 || images.count == frames else {
            throw FSError("\(images.count) \(what)s for \(frames) frames (give 1 or \(frames))")
        }
        func sameAspect(_ s: FrameSize) -> Bool {
            abs(Double(images.width) * Double(s.height) / (Double(images.height) * Double(s.width)) - 1) <= 0.02
        }
        var img = images
        if !sameAspect(final) {
            guard let input = request.inputSize, sameAspect(input) else {
                let inputNote = request.inputSize.map { " or the input's \($0)" } ?? ""
                throw FSError("a \(images.height)x\(images.width) \(what) cannot be mapped onto \(final) frames "
                              + "(give the output's aspect ratio\(inputNote))")
            }
            img = img.covering(height: final.height, width: final.width)
        }
        let (n, h, w) = (img.count, img.height, img.width)
        var grey = [Float](repeating: 0, count: n * h * w)
        for i in 0..<n {
            let f = Array(img.frame(i))
            for p in 0..<(h * w) {
                grey[i * h * w + p] = (Float(f[3 * p]) + Float(f[3 * p + 1]) + Float(f[3 * p + 2])) / (3 * 255)
            }
        }
        return try DetailMask.fromImages(Tensor(shape: [n, h, w], data: grey), latentHeight: h, latentWidth: w, frames: frames)
    }

    /// Video-to-video: the clip's frames used (evenly sampled from `startFrame`, or repeated with `loop` when
    /// the clip is shorter), resized to cover the base size and centre-cropped.
    public func clip(_ all: Frames, startFrame: Int = 0, loop: Bool = false) throws -> PreparedClip {
        let f = settings.frames
        guard all.count > startFrame else { throw VideoPlanError.nothingAtStartFrame(clipFrames: all.count, startFrame: startFrame) }
        let available = all.count - startFrame
        let indices: [Int]
        if available >= f {
            indices = (0..<f).map { startFrame + ($0 * available) / f }          // evenly sampled
        } else if loop {
            indices = (0..<f).map { startFrame + $0 % available }
        } else {
            throw VideoPlanError.clipTooShort(available: available, startFrame: startFrame, needed: f)
        }
        let frames = all.selecting(indices).covering(height: plan.base.height, width: plan.base.width)
        return PreparedClip(frames: frames, indices: indices, available: available)
    }
}

/// An input clip at the base size and which of the source frames it holds.
public struct PreparedClip {
    public let frames: Frames
    public let indices: [Int]
    /// Frames in the source from the start frame on (for keeping the clip's duration).
    public let available: Int
}
