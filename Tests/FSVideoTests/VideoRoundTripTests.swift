import Foundation
import XCTest
@testable import FSVideo

final class VideoRoundTripTests: XCTestCase {
    /// MP4 at even and odd sizes: ffprobe sees H.264 / yuv420p / the frame count / fps / size, and the
    /// decoded frames come back at ≥ 40 dB PSNR at the default CRF 10. Content with sharp colour edges
    /// (saturated squares, colour noise) loses chroma detail to 4:2:0 whatever the CRF, so its bound is
    /// on luma (BT.601 Y') or lower.
    func testMP4RoundTripSizesAndProbe() throws {
        let dir = try scratchDir()
        defer { removeDir(dir) }
        let cases: [(String, Frames, rgb: Double, luma: Double)] = [
            ("gradient_48x64", Clips.gradient(t: 8, h: 48, w: 64), 40, 40),
            ("squares_64x96", Clips.movingSquares(t: 10, h: 64, w: 96), 40, 40),
            ("squares_odd_37x53", Clips.movingSquares(t: 7, h: 37, w: 53), 40, 40),
            ("gradient_odd_33x32", Clips.gradient(t: 5, h: 33, w: 32), 40, 40),
            ("graynoise_32x48", Clips.noise(t: 6, h: 32, w: 48, gray: true), 40, 40),
            ("coloursquares_odd_31x45", Clips.movingSquares(t: 6, h: 31, w: 45, colour: true), 27, 40),
            ("colournoise_24x32", Clips.noise(t: 4, h: 24, w: 32), 0, 40),
        ]
        for (name, clip, minRGB, minLuma) in cases {
            let path = "\(dir)/\(name).mp4"
            let summary = try VideoWriter.write(clip, to: path)
            XCTAssertEqual(summary.encoder, "libx264")
            XCTAssertEqual(summary.frames, clip.count)
            let evenW = clip.width + clip.width % 2, evenH = clip.height + clip.height % 2
            let probe = try ffprobeStream(path)
            XCTAssertEqual(probe["codec_name"] as? String, "h264", name)
            XCTAssertEqual(probe["pix_fmt"] as? String, "yuv420p", name)
            XCTAssertEqual(probe["width"] as? Int, evenW, name)
            XCTAssertEqual(probe["height"] as? Int, evenH, name)
            XCTAssertEqual(probe["nb_read_frames"] as? String, "\(clip.count)", name)
            XCTAssertEqual(probe["nb_frames"] as? String, "\(clip.count)", name)
            XCTAssertEqual(probe["r_frame_rate"] as? String, "10/1", name)
            XCTAssertEqual(probe["avg_frame_rate"] as? String, "10/1", name)

            let info = try VideoReader.info(path)
            XCTAssertEqual(info.fps, Rational(10))
            XCTAssertEqual(info.frameCount, clip.count)
            XCTAssertTrue(info.frameCountIsExact)
            XCTAssertEqual(info.codec, "h264")
            let back = try VideoReader.read(path)
            XCTAssertEqual(back.shape, [clip.count, evenH, evenW, 3], name)
            // Odd sides were padded by repeating the last row/column: compare the original region.
            let cropped = back.cropped(height: clip.height, width: clip.width)
            let p = psnr(cropped, clip), py = lumaPSNR(cropped, clip)
            XCTAssertGreaterThanOrEqual(p, minRGB, "\(name): PSNR \(p) dB")
            XCTAssertGreaterThanOrEqual(py, minLuma, "\(name): luma PSNR \(py) dB")
            print("\(name): RGB PSNR \(String(format: "%.2f", p)) dB, luma \(String(format: "%.2f", py)) dB")
            if clip.width % 2 == 1 {
                // The padding column repeats the last one (up to coding error).
                let last = back.frame(0)[back.frame(0).startIndex + (back.width - 2) * 3]
                let pad = back.frame(0)[back.frame(0).startIndex + (back.width - 1) * 3]
                XCTAssertLessThanOrEqual(abs(Int(last) - Int(pad)), 12)
            }
        }
        XCTAssertEqual(listing(dir).filter { $0.hasSuffix(".partial") }, [])
    }

    /// The MP4 index (moov) sits before the media data (faststart), and a rational fps survives exactly.
    func testFaststartAndRationalFPS() throws {
        let dir = try scratchDir()
        defer { removeDir(dir) }
        let path = "\(dir)/ntsc.mp4"
        var o = VideoWriterOptions()
        o.fps = Rational(30000, 1001)
        o.preset = "ultrafast"
        o.crf = 18
        try VideoWriter.write(Clips.movingSquares(t: 6, h: 32, w: 32), to: path, options: o)
        let probe = try ffprobeStream(path)
        XCTAssertEqual(probe["r_frame_rate"] as? String, "30000/1001")
        XCTAssertEqual(try VideoReader.info(path).fps, Rational(30000, 1001))
        // Top-level atoms in file order.
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var atoms: [String] = []
        var off = 0
        while off + 8 <= data.count {
            let size = data[off..<off + 4].reduce(0) { $0 << 8 | Int($1) }
            atoms.append(String(decoding: data[off + 4..<off + 8], as: UTF8.self))
            guard size >= 8 else { break }
            off += size
        }
        let moov = try XCTUnwrap(atoms.firstIndex(of: "moov")), mdat = try XCTUnwrap(atoms.firstIndex(of: "mdat"))
        XCTAssertLessThan(moov, mdat, "atoms: \(atoms)")
        XCTAssertEqual(Rational(parsing: "29.97"), Rational(2997, 100))
        XCTAssertEqual(Rational(parsing: "30000/1001"), Rational(30000, 1001))
        XCTAssertEqual(Rational(parsing: "12"), Rational(12))
        XCTAssertNil(Rational(parsing: "fast"))
    }

    /// CRF changes size/quality; MPEG-4 Part 2 (the fallback encoder) writes a readable MP4.
    func testCRFAndMPEG4Encoder() throws {
        let dir = try scratchDir()
        defer { removeDir(dir) }
        let clip = Clips.movingSquares(t: 6, h: 48, w: 64)
        var lo = VideoWriterOptions(); lo.crf = 40
        try VideoWriter.write(clip, to: "\(dir)/crf40.mp4", options: lo)
        try VideoWriter.write(clip, to: "\(dir)/crf10.mp4")
        let s40 = try FileManager.default.attributesOfItem(atPath: "\(dir)/crf40.mp4")[.size] as! Int
        let s10 = try FileManager.default.attributesOfItem(atPath: "\(dir)/crf10.mp4")[.size] as! Int
        XCTAssertLessThan(s40, s10)

        // Without an H.264 encoder, MP4 falls back to MPEG-4 Part 2 with a warning.
        let log = WarningLog()
        var fb = VideoWriterOptions(); fb.warn = { log.add($0) }
        VideoWriter.hideH264ForTesting = true
        defer { VideoWriter.hideH264ForTesting = false }
        let fallback = try VideoWriter.write(clip, to: "\(dir)/fallback.mp4", options: fb)
        VideoWriter.hideH264ForTesting = false
        XCTAssertEqual(fallback.encoder, "mpeg4")
        XCTAssertEqual(fallback.warnings.count, 1)
        XCTAssertEqual(log.messages, fallback.warnings)
        XCTAssertTrue(log.messages.first?.contains("MPEG-4 Part 2") ?? false)
        XCTAssertEqual(try ffprobeStream("\(dir)/fallback.mp4")["codec_name"] as? String, "mpeg4")
        XCTAssertGreaterThanOrEqual(psnr(try VideoReader.read("\(dir)/fallback.mp4"), clip), 30)

        var m = VideoWriterOptions(); m.encoder = "mpeg4"
        let summary = try VideoWriter.write(clip, to: "\(dir)/part2.mp4", options: m)
        XCTAssertEqual(summary.encoder, "mpeg4")
        XCTAssertEqual(try ffprobeStream("\(dir)/part2.mp4")["codec_name"] as? String, "mpeg4")
        let back = try VideoReader.read("\(dir)/part2.mp4")
        XCTAssertGreaterThanOrEqual(psnr(back, clip), 30)
    }

    /// WebM (VP9) and GIF files written with the libraries are read back.
    func testWebMAndGIF() throws {
        let dir = try scratchDir()
        defer { removeDir(dir) }
        let clip = Clips.movingSquares(t: 6, h: 40, w: 56)
        let webm = try VideoWriter.write(clip, to: "\(dir)/clip.webm")
        XCTAssertTrue(["libvpx-vp9", "libvpx"].contains(webm.encoder))
        XCTAssertTrue(["vp9", "vp8"].contains(try ffprobeStream("\(dir)/clip.webm")["codec_name"] as? String ?? ""))
        let w = try VideoReader.read("\(dir)/clip.webm")
        XCTAssertEqual(w.shape, clip.shape)
        XCTAssertGreaterThanOrEqual(psnr(w, clip), 35)
        XCTAssertEqual(try VideoReader.info("\(dir)/clip.webm").fps, Rational(10))

        let gifSummary = try VideoWriter.write(clip, to: "\(dir)/clip.gif")
        XCTAssertEqual(gifSummary.encoder, "gif")
        XCTAssertEqual(try ffprobeStream("\(dir)/clip.gif")["codec_name"] as? String, "gif")
        let g = try VideoReader.read("\(dir)/clip.gif")
        XCTAssertEqual(g.shape, clip.shape)
        // 8-bit RGB332 palette: coarse, but the picture is there.
        XCTAssertGreaterThanOrEqual(psnr(g, clip), 20)
    }

    /// Stride, max count, time window and output size select and scale frames.
    func testFrameSelectionAndResize() throws {
        let dir = try scratchDir()
        defer { removeDir(dir) }
        // Every frame carries its index in its colour, so selections can be checked.
        var clip = Frames(count: 20, height: 32, width: 32)
        for k in 0..<20 { for i in 0..<(32 * 32) { clip.pixels[(k * 1024 + i) * 3] = UInt8(k * 12) } }
        let path = "\(dir)/index.mp4"
        try VideoWriter.write(clip, to: path)
        func ids(_ f: Frames) -> [Int] {
            (0..<f.count).map { Int((Double(f.frame($0)[f.frame($0).startIndex + (f.width * (f.height / 2) + f.width / 2) * 3]) / 12).rounded()) }
        }
        var o = VideoReadOptions()
        o.stride = 3
        XCTAssertEqual(ids(try VideoReader.read(path, options: o)), [0, 3, 6, 9, 12, 15, 18])
        o.maxFrames = 4
        XCTAssertEqual(ids(try VideoReader.read(path, options: o)), [0, 3, 6, 9])
        o = VideoReadOptions()
        o.startTime = 0.5   // 10 fps: frames 5…
        o.endTime = 1.2     // …up to 11
        XCTAssertEqual(ids(try VideoReader.read(path, options: o)), [5, 6, 7, 8, 9, 10, 11])
        o = VideoReadOptions()
        o.size = (16, 24)
        o.interpolation = .bilinear
        let small = try VideoReader.read(path, options: o)
        XCTAssertEqual(small.shape, [20, 16, 24, 3])
        XCTAssertEqual(ids(small), Array(0..<20))
        o.startTime = 5
        XCTAssertThrowsError(try VideoReader.read(path, options: o))
        // Explicit indices, and the streaming form reporting source indices.
        o = VideoReadOptions()
        o.frameIndices = [2, 7, 19]
        XCTAssertEqual(ids(try VideoReader.read(path, options: o)), [2, 7, 19])
        o = VideoReadOptions()
        o.stride = 4
        var seen: [Int] = []
        try VideoReader.forEachFrame(path, options: o) { frame, index in
            XCTAssertEqual(frame.count, 1)
            XCTAssertEqual(ids(frame), [index])
            seen.append(index)
        }
        XCTAssertEqual(seen, [0, 4, 8, 12, 16])
        XCTAssertEqual(try VideoReader.countFrames(path), 20)
        // A contact sheet straight from the file decodes the same frames as one from memory.
        let fromFile = try ContactSheet(video: path, count: 5)
        let fromMemory = try ContactSheet(frames: try VideoReader.read(path), count: 5)
        XCTAssertEqual(fromFile.frameIndices, [0, 5, 10, 14, 19])
        XCTAssertEqual(fromFile.pixels, fromMemory.pixels)
    }

    /// Rotation metadata is written and honoured on reading (as players display it).
    func testRotationMetadata() throws {
        let dir = try scratchDir()
        defer { removeDir(dir) }
        // A marker in the top-left corner of a 32 (h) × 48 (w) clip.
        var clip = Frames(count: 3, height: 32, width: 48, repeating: 20)
        for k in 0..<3 { for y in 0..<8 { for x in 0..<8 { clip.pixels[((k * 32 + y) * 48 + x) * 3] = 250 } } }
        for rot in [90, 180, 270] {
            var o = VideoWriterOptions(); o.displayRotation = rot
            let path = "\(dir)/rot\(rot).mp4"
            try VideoWriter.write(clip, to: path, options: o)
            let info = try VideoReader.info(path)
            XCTAssertEqual(info.rotation, rot)
            let f = try VideoReader.read(path)
            XCTAssertEqual([f.height, f.width], rot == 180 ? [32, 48] : [48, 32])
            // Where the stored top-left corner lands after a clockwise rotation.
            let (cx, cy): (Int, Int) = rot == 90 ? (f.width - 4, 4) : rot == 180 ? (f.width - 4, f.height - 4) : (4, f.height - 4)
            XCTAssertGreaterThan(f.pixels[(cy * f.width + cx) * 3], 200, "rotation \(rot)")
            XCTAssertLessThan(f.pixels[(4 * f.width + 4) * 3], 60, "rotation \(rot)")
            // ffmpeg's command line autorotates the same way.
            let (status, cliBytes) = try runTool("ffmpeg", ["-v", "error", "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
            XCTAssertEqual(status, 0)
            XCTAssertEqual(cliBytes.count, f.frameBytes)
            if cliBytes.count == f.frameBytes {
                let cli = Frames(count: 1, height: f.height, width: f.width, pixels: [UInt8](cliBytes))
                XCTAssertGreaterThan(psnr(cli, f.selecting([0])), 30, "rotation \(rot) vs ffmpeg")
            }
            var raw = VideoReadOptions(); raw.honorRotation = false
            XCTAssertEqual(try VideoReader.read(path, options: raw).shape, clip.shape)
        }
    }

    /// A folder of PNG and JPEG frames reads as a video in natural name order.
    func testFrameFolderAsVideo() throws {
        let dir = try scratchDir()
        defer { removeDir(dir) }
        let clip = Clips.movingSquares(t: 12, h: 24, w: 40)
        try PNGWriter.dumpFrames(clip, to: "\(dir)/frames")
        let back = try VideoReader.read("\(dir)/frames")
        XCTAssertEqual(back, clip)
        let info = try VideoReader.info("\(dir)/frames")
        XCTAssertEqual(info.frameCount, 12)
        XCTAssertEqual([info.width, info.height], [40, 24])
        // Natural order: f2 before f10; a JPEG frame is accepted.
        try FileManager.default.createDirectory(atPath: "\(dir)/mixed", withIntermediateDirectories: true)
        try PNGWriter.write(rgb: clip.frame(10), width: 40, height: 24, to: "\(dir)/mixed/f10.png")
        try PNGWriter.write(rgb: clip.frame(2), width: 40, height: 24, to: "\(dir)/mixed/f2.png")
        _ = try runTool("ffmpeg", ["-v", "error", "-y", "-i", "\(dir)/mixed/f10.png", "\(dir)/mixed/f11.jpg"])
        try "not a frame".write(toFile: "\(dir)/mixed/notes.txt", atomically: true, encoding: .utf8)
        let mixed = try VideoReader.read("\(dir)/mixed")
        XCTAssertEqual(mixed.count, 3)
        XCTAssertEqual(Array(mixed.frame(0)), Array(clip.frame(2)))
        XCTAssertEqual(Array(mixed.frame(1)), Array(clip.frame(10)))
        XCTAssertGreaterThan(psnr(mixed.selecting([2]), clip.selecting([10])), 25)
    }
}
