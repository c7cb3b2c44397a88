import FreeScale

/// Everything one video needs, as values: the prompt(s), the sampler settings, the FreeScale plan request
/// and, for video-to-video, the input clip's size. Unset optionals take the model's defaults (VideoCrafter2:
/// 16 frames, guidance 12, fps conditioning 28). Images and clips travel separately (`VideoInputs`), so a
/// request can be planned and costed before anything is decoded.
public struct VideoRequest: Sendable {
    public var prompt: String
    public var negativePrompt = ""
    public var seed: UInt64 = 123
    public var frames: Int?
    /// DDIM steps asked for; the schedule runs len(range(0, T, T // steps)) of them, as the reference does.
    public var steps = 50
    public var eta = 1.0
    public var guidance: Double?
    /// fps conditioning given to the UNet.
    public var fps: Int?
    /// The method (FreeScale cascade or direct sampling), target size or stages and the FreeScale knobs.
    /// `steps` and the mask flags are filled in by `VideoPlan`.
    public var freescale = FreeScaleRequest()
    /// Video-to-video (`upscale`): the input clip's size; the clip becomes the base stage.
    public var inputSize: FrameSize?
    /// Local editing: the prompt for the region of the edit mask (video-to-video only).
    public var editPrompt: String?
    /// A detail mask will be given (FreeScale's cosine exponent α inside, `cosineScaleBackground` outside).
    public var hasDetailMask = false

    public init(prompt: String) { self.prompt = prompt }

    /// True for video-to-video.
    public var isUpscale: Bool { inputSize != nil }
}

/// The images and clip a request refers to, decoded (uint8 RGB frames).
public struct VideoInputs {
    /// Detail mask image(s): one, or one per frame; white = more detail.
    public var detailMask: DetailMask?
    /// Edit mask (white = regenerate under `VideoRequest.editPrompt`).
    public var editMask: DetailMask?
    /// The input clip of video-to-video, already selected and brought to the base size (`VideoPlan.clip`).
    public var clip: PreparedClip?

    public init(detailMask: DetailMask? = nil, editMask: DetailMask? = nil, clip: PreparedClip? = nil) {
        self.detailMask = detailMask; self.editMask = editMask; self.clip = clip
    }
}
