import ArgumentParser
import Foundation
import FreeScale
import FSPipeline
import FSTensor
import FSVideo

/// `fsvideo bench video`: the output path of `generate` — tensor → uint8, MP4 encode (CRF 10, medium), MP4
/// decode, PNG dumps and a contact sheet — at the sizes FreeScale produces, with x264 "ultrafast" as the
/// same-run baseline.
struct BenchVideoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "video", abstract: "MP4 encode/decode, PNG dumps, contact sheet at 320x512 and 640x1024.")

    @Option(help: "Frames per clip.") var frames: Int = 16
    @Option(help: "Comma-separated HxW sizes.") var res: String = "320x512,640x1024"

    func run() throws {
        guard frames >= 1 else { throw FSError("--frames must be ≥ 1") }
        let sizes = try res.split(separator: ",").map { try FrameSize(parsing: String($0)) }.map { ($0.height, $0.width) }
        let dir = NSTemporaryDirectory() + "fsvideo-bench-video-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        print("fsvideo bench video — \(frames) frames, synthetic smooth content with moving objects")
        func time(_ body: () throws -> Void) rethrows -> Double {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        }
        for (h, w) in sizes {
            let tensor = Self.syntheticClip(t: frames, h: h, w: w)
            var clip = Frames(count: 0, height: 1, width: 1, pixels: [])
            let tConvert = try time { clip = try Frames(tensor: tensor) }
            let mp4 = "\(dir)/clip.mp4"
            var fast = VideoWriterOptions(); fast.preset = "ultrafast"
            let tBaseline = try time { try VideoWriter.write(clip, to: "\(dir)/fast.mp4", options: fast) }
            var summary: VideoWriteSummary? = nil
            let tEncode = try time { summary = try VideoWriter.write(clip, to: mp4) }
            var back = clip
            let tDecode = try time { back = try VideoReader.read(mp4) }
            let tPNG = try time { try PNGWriter.dumpFrames(clip, to: "\(dir)/frames-\(h)x\(w)") }
            let tSheet = try time { try ContactSheet(frames: clip).writePNG(to: "\(dir)/sheet.png") }
            let bytes = (try? FileManager.default.attributesOfItem(atPath: mp4)[.size] as? Int) ?? 0
            var se = 0.0
            for i in 0..<clip.pixels.count { let d = Double(clip.pixels[i]) - Double(back.pixels[i]); se += d * d }
            let psnr = 10 * log10(255 * 255 / max(se / Double(clip.pixels.count), 1e-12))
            print(String(format: "%dx%d: tensor→uint8 %.0f ms | encode %@ CRF 10 medium %.2f s (%.1f fps, %d KB, PSNR %.1f dB) | baseline ultrafast %.2f s | decode %.2f s | %d PNGs %.2f s | sheet %.2f s",
                         h, w, tConvert * 1e3, summary?.encoder ?? "?", tEncode, Double(frames) / tEncode, bytes / 1024, psnr,
                         tBaseline, tDecode, frames, tPNG, tSheet))
        }
    }

    /// Smooth colour fields with two moving discs, values in [-1, 1], as a model would output.
    static func syntheticClip(t: Int, h: Int, w: Int) -> Tensor {
        var x = Tensor(zeros: [3, t, h, w])
        let plane = t * h * w
        for k in 0..<t {
            let cx = Double(w) * (0.2 + 0.6 * Double(k) / Double(max(1, t - 1))), cy = Double(h) * 0.5
            let r = Double(min(h, w)) * 0.15
            for y in 0..<h {
                for xx in 0..<w {
                    let i = (k * h + y) * w + xx
                    let inDisc = (Double(xx) - cx) * (Double(xx) - cx) + (Double(y) - cy) * (Double(y) - cy) < r * r
                    x.data[i] = inDisc ? 0.9 : Float(sin(Double(xx) / 40 + Double(k) * 0.1)) * 0.6
                    x.data[plane + i] = inDisc ? 0.2 : Float(Double(y) / Double(h)) * 1.6 - 0.8
                    x.data[2 * plane + i] = inDisc ? -0.7 : Float(cos(Double(xx + y) / 60)) * 0.5
                }
            }
        }
        return x
    }
}
