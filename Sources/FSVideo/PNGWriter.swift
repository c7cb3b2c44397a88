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
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) {
            guard isDir.boolValue else { throw FSError("\(dir): exists and is not a directory") }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw FSError("\(dir): cannot create the directory (\(Self.reason(error)))")
            }
        }
        let digits = max(4, String(frames.count).count)
        var written: [String] = []
        do {
            for i in stride(from: 0, to: frames.count, by: every) {
                let name = String(repeating: "0", count: max(0, digits - String(i + 1).count)) + String(i + 1) + ".png"
                let p = (dir as NSString).appendingPathComponent(name)
                try write(rgb: frames.frame(i), width: frames.width, height: frames.height, to: p)
                written.append(p)
            }
        } catch {
            for p in written { unlink(p) }
            throw error
        }
        return written
    }

    static func reason(_ error: Error) -> String {
        if let e = error as NSError?, let u = e.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(u.code)))
        }
        return error.localizedDescription
    }
}
