/// How decoded Y'CbCr frames become RGB.
public enum ColorConversion: String, Sendable, CaseIterable {
    /// swscale with accurate rounding and full-resolution chroma interpolation (`SWS_ACCURATE_RND |
    /// SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP`): the closest to the exact conversion swscale offers.
    case accurate
    /// Byte for byte what `ffmpeg -i X -f rawvideo -pix_fmt rgb24 -` writes (the auto-inserted scale filter:
    /// `flags=bicubic` only, MPEG-2 vertical chroma siting for 4:2:0, the frame's colour matrix with
    /// unknown ones read as BT.601, the frame's range). OpenCV and decord read videos the same way.
    case ffmpeg
}
