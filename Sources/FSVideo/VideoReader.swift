import CFFmpeg
import Foundation
import FSTensor

/// What a video (or a folder of frames) holds, as its container reports it.
public struct VideoInfo: Sendable {
    /// Displayed size (after the rotation metadata is applied).
    public var width: Int
    public var height: Int
    /// Frames per second (the stream's average rate, else its base rate; `directoryFPS` for folders).
    public var fps: Rational
    /// Number of frames: exact when the container indexes them (MP4, MOV, folders), else estimated from duration × fps.
    public var frameCount: Int
    public var frameCountIsExact: Bool
    /// Duration in seconds, when known.
    public var duration: Double?
    /// Decoder name ("h264", "vp9", "gif", "png" …) and container ("mov,mp4,m4a,3gp,3g2,mj2", "image2" …).
    public var codec: String
    public var container: String
    /// Display rotation in degrees clockwise (0, 90, 180, 270) from the stream's display matrix.
    public var rotation: Int
}

/// Which frames to read and how to deliver them.
public struct VideoReadOptions: Sendable {
    /// Output size (height, width) of every frame; nil keeps the displayed size.
    public var size: (height: Int, width: Int)? = nil
    public var interpolation: Interpolation = .bicubic
    /// Only frames with start ≤ time < end (seconds from the stream start).
    public var startTime: Double? = nil
    public var endTime: Double? = nil
    /// Of the frames in the time window, keep the 1st, (1+stride)th, …
    public var stride: Int = 1
    /// Stop after this many kept frames.
    public var maxFrames: Int? = nil
    /// Keep only these 0-based source frame indices (applied after the time window and stride).
    public var frameIndices: [Int]? = nil
    /// Apply the rotation metadata (as players do).
    public var honorRotation: Bool = true
    /// Y'CbCr → RGB: `.accurate` (default) or `.ffmpeg` (what the ffmpeg command line produces).
    public var colorConversion: ColorConversion = .accurate
    /// Frame rate given to a folder of images.
    public var directoryFPS: Rational = Rational(10)

    public init() {}

    func validate(_ path: String) throws {
        guard stride >= 1 else { throw FSError("\(path): frame stride must be ≥ 1, got \(stride)") }
        if let m = maxFrames, m < 1 { throw FSError("\(path): max frames must be ≥ 1, got \(m)") }
        if let s = size, s.height < 1 || s.width < 1 || s.height > 16384 || s.width > 16384 {
            throw FSError("\(path): invalid output size \(s.width)x\(s.height)")
        }
        if let s = startTime, !(s.isFinite && s >= 0) { throw FSError("\(path): invalid start time \(s)") }
        if let e = endTime, !(e.isFinite && e > (startTime ?? 0)) { throw FSError("\(path): end time must be after the start time") }
        if let ix = frameIndices, ix.isEmpty || ix.contains(where: { $0 < 0 }) {
            throw FSError("\(path): frame indices must be a non-empty list of indices ≥ 0")
        }
        guard directoryFPS.isValid else { throw FSError("\(path): invalid frame rate \(directoryFPS)") }
    }
}

/// Reads any video libavformat opens (MP4, MOV, MKV, WebM, AVI, GIF, a single image …) or a folder of
/// PNG/JPEG frames as RGB uint8 `Frames`.
public enum VideoReader {
    /// Probes without decoding.
    public static func info(_ path: String, directoryFPS: Rational = Rational(10)) throws -> VideoInfo {
        if isDirectory(path) { return try FrameDirectory(path: path).info(fps: directoryFPS) }
        let d = try MediaDecoder(path: path)
        return info(of: d)
    }

    /// Decodes the selected frames.
    public static func read(_ path: String, options: VideoReadOptions = VideoReadOptions()) throws -> Frames {
        var frames: Frames? = nil
        try forEachFrame(path, options: options) { frame, _ in
            if frames == nil { frames = Frames(count: 0, height: frame.height, width: frame.width, pixels: []) }
            frames!.append(frame: frame.pixels)
        }
        return frames!
    }

    /// Decodes the selected frames one at a time (memory stays at one frame), handing each to `body` as a
    /// one-frame clip with its 0-based source frame index. Frames are decoded from the start of the file;
    /// the time window and stride count frames in decoding order.
    public static func forEachFrame(_ path: String, options: VideoReadOptions = VideoReadOptions(),
                                    _ body: (Frames, Int) throws -> Void) throws {
        try options.validate(path)
        if isDirectory(path) { return try FrameDirectory(path: path).forEachFrame(options: options, body) }
        let d = try MediaDecoder(path: path)
        let info = info(of: d)
        let rotation = options.honorRotation ? info.rotation : 0
        // Size swscale produces, in the stored orientation.
        let target: (w: Int, h: Int)? = options.size.map { rotation % 180 == 0 ? ($0.width, $0.height) : ($0.height, $0.width) }
        let converter = RGBConverter(interpolation: options.interpolation, conversion: options.colorConversion)
        var first: (w: Int, h: Int)? = nil
        var kept = 0
        var inWindow = 0
        var decodedAny = false
        var stoppedEarly = false
        var decodedIndex = 0
        let wanted = options.frameIndices.map(Set.init)
        let lastWanted = options.frameIndices?.max()
        let fps = info.fps.isValid ? info.fps.value : 0
        let problems = try d.decode { frame, pts in
            decodedAny = true
            let index = decodedIndex
            let t = pts ?? (fps > 0 ? Double(index) / fps : Double(index))
            decodedIndex += 1
            if let s = options.startTime, t < s - 1e-6 { return true }
            if let e = options.endTime, t >= e - 1e-6 { stoppedEarly = true; return false }
            defer { inWindow += 1 }
            guard inWindow % options.stride == 0 else { return true }
            if let wanted {
                guard wanted.contains(index) else { return true }
            }
            let (w, h) = target ?? (Int(frame.pointee.width), Int(frame.pointee.height))
            var rgb = [UInt8]()
            try converter.convert(frame, width: w, height: h, into: &rgb, path: path)
            let rotated = RGBImage.rotate(rgb[...], width: w, height: h, clockwise: rotation)
            if first == nil { first = (rotated.width, rotated.height) }
            guard rotated.width == first!.w, rotated.height == first!.h else {
                throw FSError("\(path): frame size changes mid-stream (\(first!.w)x\(first!.h) → \(rotated.width)x\(rotated.height)); pass an output size")
            }
            try body(Frames(count: 1, height: rotated.height, width: rotated.width, pixels: rotated.bytes), index)
            kept += 1
            if let m = options.maxFrames, kept >= m { stoppedEarly = true; return false }
            if let lastWanted, index >= lastWanted { stoppedEarly = true; return false }
            return true
        }
        guard decodedAny else {
            if problems > 0 { throw FSError("\(path): video data is corrupt or truncated; no frame could be decoded") }
            throw FSError("\(path): contains no video frames")
        }
        guard kept > 0 else {
            throw FSError("\(path): no frames in the selected range (the video has \(decodedIndex))")
        }
        // A container that indexes its frames (MP4/MOV) tells how many there should be: fewer means damage.
        if !stoppedEarly, info.frameCountIsExact, decodedIndex < info.frameCount, problems > 0 {
            throw FSError("\(path): video is truncated or corrupt (decoded \(decodedIndex) of \(info.frameCount) frames)")
        }
    }

    /// Counts the frames by decoding them (exact for any container; no colour conversion).
    public static func countFrames(_ path: String) throws -> Int {
        if isDirectory(path) { return try FrameDirectory(path: path).files.count }
        let d = try MediaDecoder(path: path)
        var n = 0
        try d.decode { _, _ in n += 1; return true }
        guard n > 0 else { throw FSError("\(path): contains no video frames") }
        return n
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    static func info(of d: MediaDecoder) -> VideoInfo {
        let st = d.stream
        let fmt = d.fmt!
        var fps = Rational(st.pointee.avg_frame_rate)
        if !fps.isValid { fps = Rational(st.pointee.r_frame_rate) }
        if !fps.isValid { fps = Rational(0, 1) }
        var duration: Double? = nil
        if st.pointee.duration != LibAV.noPTS, st.pointee.duration > 0 {
            duration = Double(st.pointee.duration) * Double(st.pointee.time_base.num) / Double(st.pointee.time_base.den)
        } else if fmt.pointee.duration != LibAV.noPTS, fmt.pointee.duration > 0 {
            duration = Double(fmt.pointee.duration) / Double(AV_TIME_BASE)
        }
        let container = String(cString: fmt.pointee.iformat.pointee.name)
        let indexed = container.contains("mp4") || container.contains("mov")
        var count = Int(st.pointee.nb_frames)
        var exact = count > 0 && indexed
        if count <= 0 {
            exact = false
            count = duration.map { fps.isValid ? Int(min(($0 * fps.value).rounded(), Double(Int32.max))) : 0 } ?? 0
        }
        let ccw = fsv_stream_rotation(st)
        let rotation = ((Int((-ccw).rounded()) % 360) + 360) % 360
        let snapped = [0, 90, 180, 270].min(by: { abs($0 - rotation) < abs($1 - rotation) })!
        let cw = Int(d.codecContext.pointee.width), ch = Int(d.codecContext.pointee.height)
        let codecName = avcodec_get_name(st.pointee.codecpar.pointee.codec_id).map { String(cString: $0) } ?? "unknown"
        return VideoInfo(width: snapped % 180 == 0 ? cw : ch, height: snapped % 180 == 0 ? ch : cw,
                         fps: fps, frameCount: count, frameCountIsExact: exact, duration: duration,
                         codec: codecName, container: container, rotation: snapped)
    }
}
