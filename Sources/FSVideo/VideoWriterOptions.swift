import Foundation

/// Settings of `VideoWriter`. Defaults follow VideoCrafter's writer (torchvision `write_video` with
/// libx264, `crf=10`, the "medium" preset, yuv420p) saving at VideoCrafter2's 10 fps.
public struct VideoWriterOptions: Sendable {
    /// Frames per second, exact as a fraction (e.g. 30000/1001).
    public var fps: Rational = Rational(10)
    /// Constant rate factor for H.264 / VP9 (0 = best, 51 = worst); mapped to a quantiser for MPEG-4 Part 2.
    public var crf: Int = 10
    /// x264 preset (ultrafast … veryslow).
    public var preset: String = "medium"
    /// Force an encoder by libavcodec name (e.g. "mpeg4"); nil picks one for the container.
    public var encoder: String? = nil
    /// Force a container by libavformat short name (e.g. "mp4"); nil guesses it from the extension.
    public var container: String? = nil
    /// What to do with odd widths/heights, which 4:2:0 chroma cannot represent.
    public var oddSize: OddSizePolicy = .padEdge
    /// Put the MP4/MOV index (moov) at the front so players can start before the download ends.
    public var faststart: Bool = true
    /// Display rotation metadata in degrees clockwise (0, 90, 180, 270), as phone cameras write it.
    public var displayRotation: Int = 0
    /// Receives warnings (e.g. the MPEG-4 Part 2 fallback); prints "fsvideo: warning: …" to stderr by default.
    public var warn: @Sendable (String) -> Void = { message in
        FileHandle.standardError.write(Data("fsvideo: warning: \(message)\n".utf8))
    }

    public init() {}

    public enum OddSizePolicy: String, Sendable {
        /// Grow odd sides by one pixel, repeating the last row/column (no content lost).
        case padEdge
        /// Drop the last row/column of odd sides.
        case crop
    }
}

/// What `VideoWriter` produced.
public struct VideoWriteSummary: Sendable {
    public var path: String
    public var encoder: String
    public var container: String
    public var frames: Int
    public var width: Int
    public var height: Int
    public var fps: Rational
    public var warnings: [String]
}
