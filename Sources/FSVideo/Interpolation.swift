import CFFmpeg

/// How swscale resamples when a frame is resized.
public enum Interpolation: String, CaseIterable, Sendable {
    case nearest, bilinear, bicubic, area, lanczos

    var swsFlags: Int32 {
        switch self {
        case .nearest: return SWS_POINT
        case .bilinear: return SWS_BILINEAR
        case .bicubic: return SWS_BICUBIC
        case .area: return SWS_AREA
        case .lanczos: return SWS_LANCZOS
        }
    }
}
