import CFFmpeg
import Foundation
import FSTensor

/// One open media file: its best video stream and a decoder for it. Frees everything on deinit.
final class MediaDecoder {
    let path: String
    private(set) var fmt: UnsafeMutablePointer<AVFormatContext>?
    private var dec: UnsafeMutablePointer<AVCodecContext>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    let streamIndex: Int32

    init(path: String) throws {
        LibAV.configure()
        self.path = path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw FSError("\(path): no such file")
        }
        guard !isDir.boolValue else { throw FSError("\(path): is a directory, not a video file") }
        guard access(path, R_OK) == 0 else { throw FSError("\(path): not readable (permission denied)") }
        var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
        let r = avformat_open_input(&ctx, path, nil, nil)
        if r == LibAV.eof {
            throw FSError("\(path): contains no video frames (the file ends before the first one; empty or truncated)")
        }
        if r < 0 {
            throw FSError("\(path): not a readable video or image (\(LibAV.message(r)); is it a video file, complete and not truncated?)")
        }
        fmt = ctx
        var found: Int32 = -1
        do {
            let info = avformat_find_stream_info(ctx, nil)
            if info < 0 { throw FSError("\(path): cannot read stream information (\(LibAV.message(info)))") }
            var codec: UnsafePointer<AVCodec>? = nil
            found = av_find_best_stream(ctx, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0)
            guard found >= 0, let codec else {
                if found == fsv_averror_stream_not_found() {
                    throw FSError("\(path): contains no video frames (no video stream)")
                }
                throw FSError("\(path): no decoder for its video stream (\(LibAV.message(found)))")
            }
            let st = ctx!.pointee.streams[Int(found)]!
            try Self.checkIndexedDataPresent(ctx!, st, path: path)
            guard let d = avcodec_alloc_context3(codec) else { throw FSError("\(path): out of memory") }
            dec = d
            try LibAV.check(avcodec_parameters_to_context(d, st.pointee.codecpar), "\(path): bad codec parameters")
            d.pointee.thread_count = 0
            try LibAV.check(avcodec_open2(d, codec, nil), "\(path): cannot open the \(String(cString: codec.pointee.name)) decoder")
            guard let p = av_packet_alloc(), let f = av_frame_alloc() else { throw FSError("\(path): out of memory") }
            packet = p
            frame = f
        } catch {
            streamIndex = -1
            release()
            throw error
        }
        streamIndex = found
    }

    deinit { release() }

    /// MP4/MOV index every sample's byte range: if the last one ends past the end of the file, the
    /// file was cut short (the common result of an interrupted copy or download).
    private static func checkIndexedDataPresent(_ ctx: UnsafeMutablePointer<AVFormatContext>, _ st: UnsafeMutablePointer<AVStream>, path: String) throws {
        let name = String(cString: ctx.pointee.iformat.pointee.name)
        guard name.contains("mp4") || name.contains("mov"), let pb = ctx.pointee.pb else { return }
        let fileSize = avio_size(pb)
        guard fileSize > 0 else { return }
        var end: Int64 = 0
        let n = avformat_index_get_entries_count(st)
        for i in 0..<n {
            if let e = avformat_index_get_entry(st, i) { end = max(end, e.pointee.pos &+ Int64(e.pointee.size)) }
        }
        if end > fileSize {
            throw FSError("\(path): video is truncated (its index needs \(end) bytes, the file has \(fileSize))")
        }
    }

    var stream: UnsafeMutablePointer<AVStream> { fmt!.pointee.streams[Int(streamIndex)]! }
    var codecContext: UnsafeMutablePointer<AVCodecContext> { dec! }

    /// Decodes frames in order and hands each to `body` with its presentation time in seconds
    /// (relative to the stream start; nil when unknown). `body` returns false to stop.
    /// Returns the number of corrupt packets or decode errors skipped.
    @discardableResult
    func decode(_ body: (UnsafeMutablePointer<AVFrame>, Double?) throws -> Bool) throws -> Int {
        guard let fmt, let dec, let pkt = packet, let frame else { throw FSError("\(path): decoder is closed") }
        let st = stream
        let tb = st.pointee.time_base
        let start = st.pointee.start_time == LibAV.noPTS ? 0 : st.pointee.start_time
        var problems = 0
        func receive() throws -> Bool {
            while true {
                let r = avcodec_receive_frame(dec, frame)
                if r == LibAV.eagain || r == LibAV.eof { return true }
                if r < 0 { problems += 1; return true }
                let pts = frame.pointee.best_effort_timestamp
                let t: Double? = pts == LibAV.noPTS ? nil : Double(pts &- start) * Double(tb.num) / Double(tb.den)
                let keepGoing = try body(frame, t)
                av_frame_unref(frame)
                if !keepGoing { return false }
            }
        }
        while true {
            let r = av_read_frame(fmt, pkt)
            if r == LibAV.eof { break }
            if r < 0 {
                if r == LibAV.eagain { continue }
                problems += 1
                break
            }
            if pkt.pointee.stream_index == streamIndex {
                if pkt.pointee.flags & AV_PKT_FLAG_CORRUPT != 0 { problems += 1 }
                let s = avcodec_send_packet(dec, pkt)
                av_packet_unref(pkt)
                if s < 0 && s != LibAV.eagain { problems += 1 }
                if try !receive() { return problems }
            } else {
                av_packet_unref(pkt)
            }
        }
        _ = avcodec_send_packet(dec, nil)
        _ = try receive()
        return problems
    }

    private func release() {
        if packet != nil { av_packet_free(&packet) }
        if frame != nil { av_frame_free(&frame) }
        if dec != nil { avcodec_free_context(&dec) }
        if fmt != nil { avformat_close_input(&fmt) }
    }
}
