import Foundation
import XCTest
@testable import FSVideo

/// `ColorConversion.ffmpeg` must give, byte for byte, the frames `ffmpeg -i X -f rawvideo -pix_fmt rgb24 -`
/// writes (what the reference evaluation scripts read through OpenCV / decord / the ffmpeg CLI).
/// Clips are generated with the ffmpeg binary; skipped with a reason when it is absent.
final class FFmpegDecodeParityTests: XCTestCase {
    struct Clip { let name: String; let size: String; let encode: [String] }

    static let clips: [Clip] = [
        Clip(name: "h264_420_untagged.mp4", size: "64x48", encode: ["-c:v", "libx264", "-pix_fmt", "yuv420p"]),
        Clip(name: "h264_420_bt709.mp4", size: "64x48",
             encode: ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"]),
        Clip(name: "h264_420_bt601_full.mp4", size: "64x48",
             encode: ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-colorspace", "smpte170m", "-color_range", "pc"]),
        Clip(name: "h264_yuvj420.mp4", size: "48x32", encode: ["-c:v", "libx264", "-pix_fmt", "yuvj420p"]),
        Clip(name: "h264_444_odd_bt601.mp4", size: "65x49",
             encode: ["-c:v", "libx264", "-pix_fmt", "yuv444p", "-colorspace", "smpte170m"]),
        Clip(name: "h264_444_bt709_full.mp4", size: "63x47",
             encode: ["-c:v", "libx264", "-pix_fmt", "yuv444p", "-colorspace", "bt709", "-color_range", "pc"]),
        Clip(name: "vp9_420_odd_untagged.webm", size: "65x49", encode: ["-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-b:v", "400k"]),
        Clip(name: "vp9_420_odd_bt709.webm", size: "67x51",
             encode: ["-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-b:v", "400k", "-colorspace", "bt709"]),
        Clip(name: "vp9_444_full.webm", size: "65x49",
             encode: ["-c:v", "libvpx-vp9", "-pix_fmt", "yuv444p", "-b:v", "400k", "-color_range", "pc"]),
        Clip(name: "vp9_420_full_bt709_even.webm", size: "64x48",
             encode: ["-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-b:v", "400k", "-colorspace", "bt709", "-color_range", "pc"]),
    ]

    func testByteExactAgainstFFmpegCLI() throws {
        let dir = try scratchDir()
        defer { removeDir(dir) }
        var differsFromAccurate = 0
        for clip in Self.clips {
            let path = dir + "/" + clip.name
            // testsrc2 only makes even sizes: crop an RGB copy to the (possibly odd) size wanted.
            let crop = "format=rgb24,crop=" + clip.size.replacingOccurrences(of: "x", with: ":") + ":3:5"
            let (st, _) = try runTool("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=96x72:rate=8",
                                                  "-vf", crop, "-frames:v", "5"] + clip.encode + [path])
            guard st == 0 else { XCTFail("ffmpeg could not encode \(clip.name)"); continue }
            let (rs, reference) = try runTool("ffmpeg", ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
            XCTAssertEqual(rs, 0, clip.name)
            var options = VideoReadOptions()
            options.colorConversion = .ffmpeg
            let frames = try VideoReader.read(path, options: options)
            XCTAssertEqual("\(frames.width)x\(frames.height)", clip.size, clip.name)
            XCTAssertEqual(frames.pixels.count, reference.count, "\(clip.name): byte count")
            let mismatched = zip(frames.pixels, reference).filter { $0 != $1 }.count
            XCTAssertEqual(mismatched, 0, "\(clip.name): \(mismatched) of \(reference.count) bytes differ from the ffmpeg CLI")
            options.colorConversion = .accurate
            if try VideoReader.read(path, options: options).pixels != [UInt8](reference) { differsFromAccurate += 1 }
        }
        // The accurate conversion is a different one (otherwise the option would be pointless).
        XCTAssertGreaterThan(differsFromAccurate, 0)
    }
}
