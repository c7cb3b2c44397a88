/// Refusals of a video-to-video plan that a caller may want to word in its own terms (the CLI names its
/// flags); `description` names the values.
public enum VideoPlanError: Error, CustomStringConvertible, Equatable {
    /// The plan has no stage above the base size, so there is nothing to upscale to.
    case noUpperStages(base: String)
    /// The start frame is at or past the clip's end.
    case nothingAtStartFrame(clipFrames: Int, startFrame: Int)
    /// Fewer frames from the start frame than the run needs, and looping was not asked for.
    case clipTooShort(available: Int, startFrame: Int, needed: Int)

    public var description: String {
        switch self {
        case .noUpperStages(let base):
            return "video-to-video: give a target size or stages larger than the base size \(base)"
        case .nothingAtStartFrame(let n, let start):
            return "the clip has \(n) frames, nothing at start frame \(start)"
        case .clipTooShort(let available, let start, let needed):
            return "the clip has \(available) frames from start frame \(start), fewer than \(needed) (loop it to repeat)"
        }
    }
}
