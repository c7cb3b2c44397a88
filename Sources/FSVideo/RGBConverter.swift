import CFFmpeg
import Foundation
import FSTensor

/// Converts decoded frames (any pixel format, any size) to packed RGB24 at a chosen size through swscale.
final class RGBConverter {
    private var sws: OpaquePointer?
    private var out: UnsafeMutablePointer<AVFrame>?
    private let flags: Int32
    private let conversion: ColorConversion
    /// (source w, h, format, destination w, h) of the context built for `.ffmpeg`.
    private var ffmpegKey: [Int32] = []

    init(interpolation: Interpolation, conversion: ColorConversion = .accurate) {
        self.conversion = conversion
        switch conversion {
        case .accurate:
            // Accurate rounding and full-resolution chroma interpolation keep 4:2:0 → RGB as exact as swscale allows.
            flags = interpolation.swsFlags | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP
        case .ffmpeg:
            // The ffmpeg command line gives its auto-inserted scale filters `flags=bicubic` and nothing else.
            flags = SWS_BICUBIC
        }
    }

    /// The swscale context the ffmpeg CLI's scale filter (libavfilter vf_scale) configures: sws_flags,
    /// sizes, formats and, for inputs with vertically subsampled chroma, MPEG-2 chroma siting
    /// (`src_v_chr_pos = 128`); everything else at swscale's defaults.
    private func ffmpegContext(_ sw: Int32, _ sh: Int32, _ srcFmt: AVPixelFormat, _ dw: Int32, _ dh: Int32) -> OpaquePointer? {
        let key = [sw, sh, srcFmt.rawValue, dw, dh]
        if let sws, key == ffmpegKey { return sws }
        if let old = sws { sws_freeContext(old); sws = nil }
        guard let s = sws_alloc_context() else { return nil }
        let raw = UnsafeMutableRawPointer(s)
        av_opt_set_int(raw, "sws_flags", Int64(flags), 0)
        av_opt_set_int(raw, "srcw", Int64(sw), 0)
        av_opt_set_int(raw, "srch", Int64(sh), 0)
        av_opt_set_int(raw, "src_format", Int64(srcFmt.rawValue), 0)
        av_opt_set_int(raw, "dstw", Int64(dw), 0)
        av_opt_set_int(raw, "dsth", Int64(dh), 0)
        av_opt_set_int(raw, "dst_format", Int64(AV_PIX_FMT_RGB24.rawValue), 0)
        if srcFmt == AV_PIX_FMT_YUV420P { av_opt_set_int(raw, "src_v_chr_pos", 128, 0) }   // vf_scale's override, on purpose
        guard sws_init_context(s, nil, nil) >= 0 else { sws_freeContext(s); return nil }
        sws = s
        ffmpegKey = key
        return s
    }

    /// vf_scale's `parse_yuv_type("auto", colorspace)`: the frame's matrix; RGB, YCgCo, unknown and
    /// out-of-table values read as BT.470BG (= BT.601), unspecified gives swscale's default (BT.601).
    static func ffmpegMatrix(_ cs: AVColorSpace) -> Int32 {
        let v = Int32(cs.rawValue)
        return (v < 1 || v > 10 || v == 8) ? Int32(AVCOL_SPC_BT470BG.rawValue) : v
    }

    deinit {
        if let sws { sws_freeContext(sws) }
        if out != nil { av_frame_free(&out) }
    }

    /// `frame` converted to `width`×`height` RGB bytes appended to `into`.
    func convert(_ frame: UnsafeMutablePointer<AVFrame>, width: Int, height: Int, into dest: inout [UInt8], path: String) throws {
        let srcFmt = AVPixelFormat(rawValue: frame.pointee.format)
        let sw = frame.pointee.width, sh = frame.pointee.height
        guard sw > 0, sh > 0, sw <= 16384, sh <= 16384, width <= 16384, height <= 16384 else {
            throw FSError("\(path): frame size \(sw)x\(sh) → \(width)x\(height) is outside 1…16384 pixels per side")
        }
        if conversion == .ffmpeg {
            sws = ffmpegContext(sw, sh, srcFmt, Int32(width), Int32(height))
        } else {
            sws = sws_getCachedContext(sws, sw, sh, srcFmt, Int32(width), Int32(height), AV_PIX_FMT_RGB24, flags, nil, nil, nil)
        }
        guard let sws else {
            throw FSError("\(path): cannot convert \(LibAV.pixelFormatName(srcFmt)) frames to RGB")
        }
        // Y'CbCr matrix and range as the stream declares them (BT.601 when unspecified, as players assume).
        let cs: Int32
        switch frame.pointee.colorspace {
        case AVCOL_SPC_BT709: cs = SWS_CS_ITU709
        case AVCOL_SPC_FCC: cs = SWS_CS_FCC
        case AVCOL_SPC_SMPTE240M: cs = SWS_CS_SMPTE240M
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: cs = SWS_CS_BT2020
        default: cs = SWS_CS_DEFAULT
        }
        let jpegFormats: Set<Int32> = [AV_PIX_FMT_YUVJ420P.rawValue, AV_PIX_FMT_YUVJ422P.rawValue, AV_PIX_FMT_YUVJ444P.rawValue, AV_PIX_FMT_YUVJ440P.rawValue]
        let fullRange: Int32 = (frame.pointee.color_range == AVCOL_RANGE_JPEG || jpegFormats.contains(frame.pointee.format)) ? 1 : 0
        if conversion == .ffmpeg {
            // vf_scale's filter_frame: read the context's details, replace the input matrix by the frame's
            // (the output matrix follows it), the input range by the frame's when it declares one.
            var inv: UnsafeMutablePointer<Int32>?, table: UnsafeMutablePointer<Int32>?
            var inFull: Int32 = 0, outFull: Int32 = 0, bright: Int32 = 0, contrast: Int32 = 0, sat: Int32 = 0
            _ = sws_getColorspaceDetails(sws, &inv, &inFull, &table, &outFull, &bright, &contrast, &sat)
            let matrix = sws_getCoefficients(RGBConverter.ffmpegMatrix(frame.pointee.colorspace))
            if frame.pointee.color_range != AVCOL_RANGE_UNSPECIFIED { inFull = frame.pointee.color_range == AVCOL_RANGE_JPEG ? 1 : 0 }
            _ = sws_setColorspaceDetails(sws, matrix, inFull, matrix, outFull, bright, contrast, sat)
        } else {
            let coeffs = sws_getCoefficients(cs)
            _ = sws_setColorspaceDetails(sws, coeffs, fullRange, sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16)
        }

        if out == nil || out!.pointee.width != Int32(width) || out!.pointee.height != Int32(height) {
            if out != nil { av_frame_free(&out) }
            out = av_frame_alloc()
            guard let o = out else { throw FSError("\(path): out of memory") }
            o.pointee.format = AV_PIX_FMT_RGB24.rawValue
            o.pointee.width = Int32(width)
            o.pointee.height = Int32(height)
            try LibAV.check(av_frame_get_buffer(o, 0), "\(path): out of memory")
        }
        let o = out!
        let h = withUnsafeMutablePointer(to: &frame.pointee.data) { sp in
            sp.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { src in
                withUnsafeMutablePointer(to: &frame.pointee.linesize) { sl in
                    sl.withMemoryRebound(to: Int32.self, capacity: 8) { srcStride in
                        withUnsafeMutablePointer(to: &o.pointee.data) { dp in
                            dp.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { dst in
                                withUnsafeMutablePointer(to: &o.pointee.linesize) { dl in
                                    dl.withMemoryRebound(to: Int32.self, capacity: 8) { dstStride in
                                        src.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { csrc in
                                            sws_scale(sws, csrc, srcStride, 0, sh, dst, dstStride)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard h == Int32(height) else { throw FSError("\(path): colour conversion failed") }
        let stride = Int(o.pointee.linesize.0)
        let base = o.pointee.data.0!
        dest.reserveCapacity(dest.count + width * height * 3)
        for y in 0..<height {
            dest.append(contentsOf: UnsafeBufferPointer(start: base + y * stride, count: width * 3))
        }
    }
}

enum RGBImage {
    /// Resizes a packed RGB24 image with swscale.
    static func resize(_ rgb: ArraySlice<UInt8>, width: Int, height: Int, toWidth tw: Int, toHeight th: Int,
                       interpolation: Interpolation = .area) throws -> [UInt8] {
        if tw == width && th == height { return Array(rgb) }
        guard let frame = av_frame_alloc() else { throw FSError("out of memory") }
        var f: UnsafeMutablePointer<AVFrame>? = frame
        defer { av_frame_free(&f) }
        frame.pointee.format = AV_PIX_FMT_RGB24.rawValue
        frame.pointee.width = Int32(width)
        frame.pointee.height = Int32(height)
        try LibAV.check(av_frame_get_buffer(frame, 0), "out of memory")
        let stride = Int(frame.pointee.linesize.0)
        let base = frame.pointee.data.0!
        rgb.withUnsafeBufferPointer { s in
            for y in 0..<height {
                (base + y * stride).update(from: s.baseAddress! + y * width * 3, count: width * 3)
            }
        }
        var out = [UInt8]()
        try RGBConverter(interpolation: interpolation).convert(frame, width: tw, height: th, into: &out, path: "resize")
        return out
    }

    /// Rotates a packed RGB24 image clockwise by 90, 180 or 270 degrees; returns the new bytes and size.
    static func rotate(_ rgb: ArraySlice<UInt8>, width w: Int, height h: Int, clockwise degrees: Int) -> (bytes: [UInt8], width: Int, height: Int) {
        let d = ((degrees % 360) + 360) % 360
        if d == 0 { return (Array(rgb), w, h) }
        var out = [UInt8](repeating: 0, count: w * h * 3)
        let base = rgb.startIndex
        let (nw, nh) = d == 180 ? (w, h) : (h, w)
        for y in 0..<h {
            for x in 0..<w {
                let (nx, ny): (Int, Int)
                switch d {
                case 90: (nx, ny) = (h - 1 - y, x)
                case 180: (nx, ny) = (w - 1 - x, h - 1 - y)
                default: (nx, ny) = (y, w - 1 - x)
                }
                let s = base + (y * w + x) * 3, o = (ny * nw + nx) * 3
                out[o] = rgb[s]; out[o + 1] = rgb[s + 1]; out[o + 2] = rgb[s + 2]
            }
        }
        return (out, nw, nh)
    }
}
