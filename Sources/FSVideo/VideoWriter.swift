import CFFmpeg
import Foundation
import FSTensor

/// Encodes RGB uint8 frames into a video file through libavformat/libavcodec.
///
/// MP4/MOV/MKV get H.264 (libx264, yuv420p, CRF, preset), falling back to MPEG-4 Part 2 with a
/// warning when no H.264 encoder exists; WebM gets VP9 (or VP8); GIF gets the GIF encoder. The file
/// is written under a temporary name in the target directory and renamed by `finish()`; any failure
/// (or dropping the writer unfinished) removes the temporary.
public final class VideoWriter {
    public let path: String
    /// Size of the frames passed to `append`.
    public let width: Int, height: Int
    /// Size stored in the file (even for 4:2:0 codecs, see `VideoWriterOptions.oddSize`).
    public let encodedWidth: Int, encodedHeight: Int
    public let encoderName: String
    public let containerName: String
    public private(set) var framesWritten = 0
    public private(set) var warnings: [String] = []

    private let options: VideoWriterOptions
    private let file: OutputFile
    private var fmt: UnsafeMutablePointer<AVFormatContext>?
    private var enc: UnsafeMutablePointer<AVCodecContext>?
    private var stream: UnsafeMutablePointer<AVStream>?
    private var sws: OpaquePointer?
    private var yuv: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var rgbScratch: [UInt8] = []
    private var done = false
    /// Tests only: behave as if libavcodec had no H.264 encoder (to exercise the MPEG-4 Part 2 fallback).
    nonisolated(unsafe) static var hideH264ForTesting = false
    /// Tests only: lets `finish()` write a valid file with a video stream and no frames.
    var allowEmptyForTesting = false

    public init(path: String, width: Int, height: Int, options: VideoWriterOptions = VideoWriterOptions()) throws {
        LibAV.configure()
        guard width > 0, height > 0, width <= 16384, height <= 16384 else {
            throw FSError("\(path): cannot write a video of size \(width)x\(height)")
        }
        guard options.fps.isValid else { throw FSError("\(path): invalid frame rate \(options.fps)") }
        guard (0...63).contains(options.crf) else { throw FSError("\(path): CRF \(options.crf) is outside 0…63") }
        guard [0, 90, 180, 270].contains(((options.displayRotation % 360) + 360) % 360) else {
            throw FSError("\(path): display rotation must be a multiple of 90 degrees, got \(options.displayRotation)")
        }
        self.path = path
        self.width = width
        self.height = height
        self.options = options
        self.file = try OutputFile(path)

        // Container.
        let oformat: UnsafePointer<AVOutputFormat>?
        if let name = options.container {
            oformat = av_guess_format(name, nil, nil)
            guard oformat != nil else { throw FSError("\(path): unknown container format '\(name)'") }
        } else {
            oformat = av_guess_format(nil, path, nil)
            guard oformat != nil else {
                throw FSError("\(path): cannot tell the container from the file name (use .mp4, .mkv, .webm, .gif, .avi, .mov)")
            }
        }
        containerName = String(cString: oformat!.pointee.name)

        // Encoder.
        var warnings: [String] = []
        let codec = try Self.chooseEncoder(container: containerName, oformat: oformat!, forced: options.encoder,
                                           path: path, warnings: &warnings)
        encoderName = String(cString: codec.pointee.name)
        let pixFmt = Self.pixelFormat(for: codec)
        let subsampled = pixFmt == AV_PIX_FMT_YUV420P
        if subsampled {
            switch options.oddSize {
            case .padEdge:
                encodedWidth = width + (width & 1)
                encodedHeight = height + (height & 1)
            case .crop:
                encodedWidth = width & ~1
                encodedHeight = height & ~1
            }
            guard encodedWidth > 0, encodedHeight > 0 else {
                throw FSError("\(path): a \(width)x\(height) frame is too small for 4:2:0 video")
            }
        } else {
            encodedWidth = width
            encodedHeight = height
        }

        do {
            try open(oformat: oformat!, codec: codec, pixFmt: pixFmt)
        } catch {
            release()
            file.discard()
            throw error
        }
        for w in warnings { self.warnings.append(w); options.warn(w) }
    }

    deinit {
        if !done { cancel() }
    }

    // MARK: - Public API

    /// Appends one frame of `height`×`width`×3 RGB bytes.
    public func append<C: Collection>(frame bytes: C) throws where C.Element == UInt8 {
        guard !done else { throw FSError("\(path): writer is already finished") }
        guard bytes.count == width * height * 3 else {
            throw FSError("\(path): frame has \(bytes.count) bytes, expected \(width)x\(height)x3 = \(width * height * 3)")
        }
        do {
            try encode(rgb: bytes)
        } catch {
            cancel()
            throw error
        }
    }

    /// Flushes the encoder, writes the index and moves the file into place.
    @discardableResult
    public func finish() throws -> VideoWriteSummary {
        guard !done else { throw FSError("\(path): writer is already finished") }
        do {
            guard framesWritten > 0 || allowEmptyForTesting else { throw FSError("\(path): no frames to write (a video needs at least one frame)") }
            if framesWritten > 0 { try drain(flushing: true) }
            try LibAV.check(av_write_trailer(fmt), "\(path): writing failed while finishing the file")
            try checkIO()
            if let pb = fmt?.pointee.pb {
                avio_flush(pb)
                try checkIO()
            }
            let closeResult = avio_closep(&fmt!.pointee.pb)
            try LibAV.check(closeResult, "\(path): cannot close the file")
            release()
            try file.commit()
            done = true
        } catch {
            cancel()
            throw error
        }
        return VideoWriteSummary(path: path, encoder: encoderName, container: containerName, frames: framesWritten,
                                 width: encodedWidth, height: encodedHeight, fps: options.fps, warnings: warnings)
    }

    /// Abandons the file: frees everything and removes the temporary.
    public func cancel() {
        release()
        file.discard()
        done = true
    }

    /// Writes a whole clip.
    @discardableResult
    public static func write(_ frames: Frames, to path: String,
                             options: VideoWriterOptions = VideoWriterOptions()) throws -> VideoWriteSummary {
        guard frames.count > 0 else { throw FSError("\(path): no frames to write (a video needs at least one frame)") }
        let writer = try VideoWriter(path: path, width: frames.width, height: frames.height, options: options)
        for t in 0..<frames.count { try writer.append(frame: frames.frame(t)) }
        return try writer.finish()
    }

    // MARK: - Setup

    private static func chooseEncoder(container: String, oformat: UnsafePointer<AVOutputFormat>, forced: String?,
                                      path: String, warnings: inout [String]) throws -> UnsafePointer<AVCodec> {
        if let forced {
            guard let c = avcodec_find_encoder_by_name(forced), c.pointee.type == AVMEDIA_TYPE_VIDEO else {
                throw FSError("\(path): no video encoder named '\(forced)' in this libavcodec")
            }
            return c
        }
        let names = container.split(separator: ",").map(String.init)
        if names.contains("webm") {
            if let c = avcodec_find_encoder_by_name("libvpx-vp9") ?? avcodec_find_encoder_by_name("libvpx") { return c }
            throw FSError("\(path): this libavcodec has no VP9/VP8 encoder for WebM")
        }
        if names.contains("gif") {
            if let c = avcodec_find_encoder(AV_CODEC_ID_GIF) { return c }
            throw FSError("\(path): this libavcodec has no GIF encoder")
        }
        if names.contains(where: { ["mp4", "mov", "matroska", "3gp"].contains($0) }) {
            if !hideH264ForTesting, let c = avcodec_find_encoder_by_name("libx264") ?? avcodec_find_encoder(AV_CODEC_ID_H264) { return c }
            if let c = avcodec_find_encoder(AV_CODEC_ID_MPEG4) {
                warnings.append("no H.264 encoder in this libavcodec; writing MPEG-4 Part 2 instead (larger, lower quality)")
                return c
            }
            throw FSError("\(path): this libavcodec has neither an H.264 nor an MPEG-4 Part 2 encoder")
        }
        if names.contains("avi"), let c = avcodec_find_encoder(AV_CODEC_ID_MPEG4) { return c }
        let id = oformat.pointee.video_codec
        if id != AV_CODEC_ID_NONE, let c = avcodec_find_encoder(id) { return c }
        throw FSError("\(path): no video encoder available for container '\(container)'")
    }

    private static func pixelFormat(for codec: UnsafePointer<AVCodec>) -> AVPixelFormat {
        if codec.pointee.id == AV_CODEC_ID_GIF { return AV_PIX_FMT_RGB8 }
        guard let list = codec.pointee.pix_fmts else { return AV_PIX_FMT_YUV420P }
        var i = 0
        var first = AV_PIX_FMT_NONE
        while list[i] != AV_PIX_FMT_NONE {
            if list[i] == AV_PIX_FMT_YUV420P { return AV_PIX_FMT_YUV420P }
            if first == AV_PIX_FMT_NONE { first = list[i] }
            i += 1
        }
        return first == AV_PIX_FMT_NONE ? AV_PIX_FMT_YUV420P : first
    }

    private func open(oformat: UnsafePointer<AVOutputFormat>, codec: UnsafePointer<AVCodec>, pixFmt: AVPixelFormat) throws {
        try LibAV.check(avformat_alloc_output_context2(&fmt, oformat, nil, file.tempPath),
                        "\(path): cannot set up the \(containerName) muxer")
        guard let fmt else { throw FSError("\(path): cannot set up the \(containerName) muxer") }
        guard let st = avformat_new_stream(fmt, nil) else { throw FSError("\(path): out of memory creating the stream") }
        stream = st
        guard let ctx = avcodec_alloc_context3(codec) else { throw FSError("\(path): out of memory creating the encoder") }
        enc = ctx
        let fps = options.fps
        ctx.pointee.width = Int32(encodedWidth)
        ctx.pointee.height = Int32(encodedHeight)
        ctx.pointee.pix_fmt = pixFmt
        ctx.pointee.time_base = AVRational(num: fps.den, den: fps.num)
        ctx.pointee.framerate = fps.av
        ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        ctx.pointee.thread_count = 0
        if pixFmt == AV_PIX_FMT_YUV420P {
            // RGB → Y'CbCr with BT.601 coefficients in limited range (swscale's default), tagged as such.
            ctx.pointee.color_range = AVCOL_RANGE_MPEG
            ctx.pointee.colorspace = AVCOL_SPC_SMPTE170M
        }
        if fmt.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            ctx.pointee.flags |= fsv_codec_flag_global_header()
        }
        let crf = options.crf
        switch codec.pointee.id {
        case AV_CODEC_ID_H264:
            av_opt_set(ctx.pointee.priv_data, "crf", "\(crf)", 0)
            let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"]
            guard presets.contains(options.preset), av_opt_set(ctx.pointee.priv_data, "preset", options.preset, 0) >= 0 else {
                throw FSError("\(path): unknown x264 preset '\(options.preset)' (one of \(presets.joined(separator: ", ")))")
            }
        case AV_CODEC_ID_VP9, AV_CODEC_ID_VP8:
            ctx.pointee.bit_rate = 0
            av_opt_set(ctx.pointee.priv_data, "crf", "\(min(crf, 63))", 0)
            av_opt_set(ctx.pointee.priv_data, "deadline", "good", 0)
            av_opt_set(ctx.pointee.priv_data, "cpu-used", "4", 0)
        case AV_CODEC_ID_MPEG4:
            // MPEG-4 Part 2 has no CRF: a fixed quantiser 2…31 stands in (CRF 10 → q 3).
            let q = max(2, min(31, 1 + crf / 5))
            ctx.pointee.flags |= AV_CODEC_FLAG_QSCALE
            ctx.pointee.global_quality = Int32(q) * FF_QP2LAMBDA
        default:
            break
        }
        try LibAV.check(avcodec_open2(ctx, codec, nil), "\(path): cannot open the \(encoderName) encoder")
        try LibAV.check(avcodec_parameters_from_context(st.pointee.codecpar, ctx), "\(path): cannot configure the stream")
        st.pointee.time_base = ctx.pointee.time_base
        st.pointee.avg_frame_rate = fps.av
        st.pointee.r_frame_rate = fps.av
        let rotation = ((options.displayRotation % 360) + 360) % 360
        if rotation != 0 {
            // libavutil 57's av_display_rotation_set takes clockwise degrees (its getter answers counter-clockwise).
            try LibAV.check(fsv_stream_set_rotation(st, Double(rotation)), "\(path): cannot store the rotation")
        }

        if fmt.pointee.oformat.pointee.flags & AVFMT_NOFILE == 0 {
            try LibAV.check(avio_open(&fmt.pointee.pb, file.tempPath, AVIO_FLAG_WRITE),
                            "\(path): cannot create the file")
        }
        var muxOptions: OpaquePointer? = nil
        defer { av_dict_free(&muxOptions) }
        if options.faststart, ["mp4", "mov", "3gp", "ipod"].contains(where: { containerName.split(separator: ",").contains(Substring($0)) }) {
            av_dict_set(&muxOptions, "movflags", "+faststart", 0)
        }
        try LibAV.check(avformat_write_header(fmt, &muxOptions), "\(path): cannot write the header")
        try checkIO()

        guard let frame = av_frame_alloc(), let pkt = av_packet_alloc() else {
            throw FSError("\(path): out of memory")
        }
        yuv = frame
        packet = pkt
        frame.pointee.format = pixFmt.rawValue
        frame.pointee.width = Int32(encodedWidth)
        frame.pointee.height = Int32(encodedHeight)
        try LibAV.check(av_frame_get_buffer(frame, 0), "\(path): out of memory")
        sws = sws_getContext(Int32(encodedWidth), Int32(encodedHeight), AV_PIX_FMT_RGB24,
                             Int32(encodedWidth), Int32(encodedHeight), pixFmt,
                             SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, nil, nil, nil)
        guard sws != nil else { throw FSError("\(path): cannot convert RGB to \(String(cString: av_get_pix_fmt_name(pixFmt)))") }
        rgbScratch = [UInt8](repeating: 0, count: encodedWidth * encodedHeight * 3 + 64)
    }

    // MARK: - Encoding

    private func encode<C: Collection>(rgb bytes: C) throws where C.Element == UInt8 {
        guard let frame = yuv, let ctx = enc else { throw FSError("\(path): writer is closed") }
        // Copy into an RGB buffer of the encoded size (padding odd sides by edge repetition, or cropping).
        let ew = encodedWidth, eh = encodedHeight, w = width
        let h = height
        let contiguous: Void? = bytes.withContiguousStorageIfAvailable { s in
            rgbScratch.withUnsafeMutableBufferPointer { dst in
                Self.fit(UnsafeBufferPointer(rebasing: s[...]), width: w, height: h, into: dst, width: ew, height: eh)
            }
        }
        if contiguous == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { s in
                rgbScratch.withUnsafeMutableBufferPointer { dst in
                    Self.fit(s, width: w, height: h, into: dst, width: ew, height: eh)
                }
            }
        }
        try LibAV.check(av_frame_make_writable(frame), "\(path): out of memory")
        rgbScratch.withUnsafeBufferPointer { src in
            var srcSlice: [UnsafePointer<UInt8>?] = [src.baseAddress, nil, nil, nil]
            var srcStride: [Int32] = [Int32(ew * 3), 0, 0, 0]
            withUnsafeMutablePointer(to: &frame.pointee.data) { dataPtr in
                dataPtr.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { dst in
                    withUnsafeMutablePointer(to: &frame.pointee.linesize) { lsPtr in
                        lsPtr.withMemoryRebound(to: Int32.self, capacity: 8) { ls in
                            _ = sws_scale(sws, &srcSlice, &srcStride, 0, Int32(eh), dst, ls)
                        }
                    }
                }
            }
        }
        frame.pointee.pts = Int64(framesWritten)
        try LibAV.check(avcodec_send_frame(ctx, frame), "\(path): encoding frame \(framesWritten) failed")
        framesWritten += 1
        try drain(flushing: false)
    }

    /// Copies a w×h RGB image into an ew×eh buffer: extra rows/columns repeat the last ones, missing ones are dropped.
    private static func fit(_ s: UnsafeBufferPointer<UInt8>, width w: Int, height h: Int,
                            into dst: UnsafeMutableBufferPointer<UInt8>, width ew: Int, height eh: Int) {
        let copyW = min(ew, w)
        for y in 0..<eh {
            let srow = min(y, h - 1) * w * 3
            let drow = y * ew * 3
            for x in 0..<(copyW * 3) { dst[drow + x] = s[srow + x] }
            if ew > w {
                for x in w..<ew { for c in 0..<3 { dst[drow + x * 3 + c] = s[srow + (w - 1) * 3 + c] } }
            }
        }
    }

    private func drain(flushing: Bool) throws {
        guard let ctx = enc, let pkt = packet, let fmt, let st = stream else { throw FSError("\(path): writer is closed") }
        if flushing {
            let r = avcodec_send_frame(ctx, nil)
            if r < 0 && r != LibAV.eof { try LibAV.check(r, "\(path): flushing the encoder failed") }
        }
        while true {
            let r = avcodec_receive_packet(ctx, pkt)
            if r == LibAV.eagain || r == LibAV.eof { break }
            try LibAV.check(r, "\(path): encoding failed")
            av_packet_rescale_ts(pkt, ctx.pointee.time_base, st.pointee.time_base)
            pkt.pointee.stream_index = st.pointee.index
            let w = av_interleaved_write_frame(fmt, pkt)
            av_packet_unref(pkt)
            try LibAV.check(w, "\(path): writing failed")
            try checkIO()
        }
    }

    /// avio buffers writes, so a full disk shows up as the context's sticky error.
    private func checkIO() throws {
        if let pb = fmt?.pointee.pb, pb.pointee.error < 0 {
            throw FSError("\(path): writing failed: \(LibAV.message(pb.pointee.error))")
        }
    }

    private func release() {
        if let pkt = packet { var p: UnsafeMutablePointer<AVPacket>? = pkt; av_packet_free(&p); packet = nil }
        if let f = yuv { var p: UnsafeMutablePointer<AVFrame>? = f; av_frame_free(&p); yuv = nil }
        if let s = sws { sws_freeContext(s); sws = nil }
        if enc != nil { avcodec_free_context(&enc) }
        if let fmt {
            if fmt.pointee.oformat.pointee.flags & AVFMT_NOFILE == 0, fmt.pointee.pb != nil {
                avio_closep(&fmt.pointee.pb)
            }
            avformat_free_context(fmt)
            self.fmt = nil
        }
        stream = nil
    }
}
