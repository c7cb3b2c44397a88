import CFFmpeg
import Foundation
import FSTensor

/// PNG images through libavcodec's PNG encoder (lossless RGB24).
public enum PNGWriter {
    /// The PNG file bytes of one `width`×`height` RGB image.
    public static func encode<C: Collection>(rgb: C, width: Int, height: Int) throws -> Data where C.Element == UInt8 {
        LibAV.configure()
        guard width > 0, height > 0, rgb.count == width * height * 3 else {
            throw FSError("PNG: \(rgb.count) bytes do not form a \(width)x\(height) RGB image")
        }
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_PNG) else { throw FSError("this libavcodec has no PNG encoder") }
        var ctx = avcodec_alloc_context3(codec)
        var frame = av_frame_alloc()
        var pkt = av_packet_alloc()
        defer {
            avcodec_free_context(&ctx)
            av_frame_free(&frame)
            av_packet_free(&pkt)
        }
        guard let ctx, let frame, let pkt else { throw FSError("PNG: out of memory") }
        ctx.pointee.width = Int32(width)
        ctx.pointee.height = Int32(height)
        ctx.pointee.pix_fmt = AV_PIX_FMT_RGB24
        ctx.pointee.time_base = AVRational(num: 1, den: 1)
        try LibAV.check(avcodec_open2(ctx, codec, nil), "PNG: cannot open the encoder")
        frame.pointee.format = AV_PIX_FMT_RGB24.rawValue
        frame.pointee.width = Int32(width)
        frame.pointee.height = Int32(height)
        try LibAV.check(av_frame_get_buffer(frame, 0), "PNG: out of memory")
        let stride = Int(frame.pointee.linesize.0)
        let base = frame.pointee.data.0!
        let bytes = Array(rgb)
        bytes.withUnsafeBufferPointer { s in
            for y in 0..<height { (base + y * stride).update(from: s.baseAddress! + y * width * 3, count: width * 3) }
        }
        frame.pointee.pts = 0
        try LibAV.check(avcodec_send_frame(ctx, frame), "PNG: encoding failed")
        _ = avcodec_send_frame(ctx, nil)
        var data = Data()
        while true {
            let r = avcodec_receive_packet(ctx, pkt)
            if r == LibAV.eagain || r == LibAV.eof { break }
            try LibAV.check(r, "PNG: encoding failed")
            data.append(pkt.pointee.data, count: Int(pkt.pointee.size))
            av_packet_unref(pkt)
        }
        guard !data.isEmpty else { throw FSError("PNG: the encoder produced no data") }
        return data
    }

    /// Writes one RGB image as a PNG file (through a temporary, renamed on success).
    public static func write<C: Collection>(rgb: C, width: Int, height: Int, to path: String) throws where C.Element == UInt8 {
        try OutputFile.write(try encode(rgb: rgb, width: width, height: height), to: path)
    }

    /// Writes frame i (0-based) as `<dir>/<i+1>.png`, numbered with at least 4 digits (0001.png …), for
    /// every `every`-th frame. Creates `dir` if missing. On failure the files this call wrote are removed.
    /// Returns the paths written.
    @discardableResult
    public static func dumpFrames(_ frames: Frames, to dir: String, every: Int = 1) throws -> [String] {
        guard every >= 1 else { throw FSError("frame step must be ≥ 1, got \(every)") }
        guard frames.count > 0 else { throw FSError("\(dir): no frames to write") }
        let dumper = try FrameDumper(directory: dir, frameCount: frames.count)
        do {
            for i in stride(from: 0, to: frames.count, by: every) {
                try dumper.write(frames.frame(i), width: frames.width, height: frames.height, index: i)
            }
        } catch {
            dumper.removeWritten()
            throw error
        }
        return dumper.written
    }

}

/// Writes frames one by one as `<dir>/0001.png …` (1-based source frame numbers), remembering what it
/// wrote so a failed dump can be undone.
public final class FrameDumper {
    public let directory: String
    public let digits: Int
    public private(set) var written: [String] = []
    private var createdDirectory = false

    /// Creates `directory` when missing; `frameCount` (possibly an estimate) sets the number width (≥ 4).
    public init(directory dir: String, frameCount: Int) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) {
            guard isDir.boolValue else { throw FSError("\(dir): exists and is not a directory") }
        } else {
            if mkdir(dir, 0o755) != 0 {
                let e = errno
                if e == ENOENT, (try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)) != nil {
                    // created with its missing parents
                } else {
                    throw FSError("\(dir): cannot create the directory (\(String(cString: strerror(e))))")
                }
            }
            createdDirectory = true
        }
        directory = dir
        digits = max(4, String(max(frameCount, 1)).count)
    }

    /// The path of 0-based frame `index`.
    public func path(index: Int) -> String {
        let n = String(index + 1)
        return (directory as NSString).appendingPathComponent(String(repeating: "0", count: max(0, digits - n.count)) + n + ".png")
    }

    public func write<C: Collection>(_ rgb: C, width: Int, height: Int, index: Int) throws where C.Element == UInt8 {
        let p = path(index: index)
        try PNGWriter.write(rgb: rgb, width: width, height: height, to: p)
        written.append(p)
    }

    /// Deletes every file this dumper wrote (and the directory, if it created it and it is now empty).
    public func removeWritten() {
        for p in written { unlink(p) }
        written.removeAll()
        if createdDirectory { rmdir(directory) }
    }
}
