import Foundation
import XCTest
@testable import FSVideo

/// Synthetic clips, an external ffprobe/ffmpeg runner, PSNR, scratch folders and fd counting for the FSVideo tests.
enum Clips {
    /// Smooth colour gradients drifting over time.
    static func gradient(t: Int, h: Int, w: Int) -> Frames {
        var f = Frames(count: t, height: h, width: w)
        for k in 0..<t {
            for y in 0..<h {
                for x in 0..<w {
                    let o = ((k * h + y) * w + x) * 3
                    f.pixels[o] = UInt8((x * 255) / max(1, w - 1))
                    f.pixels[o + 1] = UInt8((y * 255) / max(1, h - 1))
                    f.pixels[o + 2] = UInt8(128 + 100 * sin(Double(x + y) / 12 + Double(k) * 0.5))
                }
            }
        }
        return f
    }

    /// A light square moving right over a gray background, with a second, dark square moving down.
    /// `colour` paints them in saturated colours (sharp chroma edges, which 4:2:0 video cannot keep exactly).
    static func movingSquares(t: Int, h: Int, w: Int, colour: Bool = false) -> Frames {
        var f = Frames(count: t, height: h, width: w, repeating: 96)
        let s = max(4, min(h, w) / 4)
        for k in 0..<t {
            let x0 = (k * 3) % max(1, w - s), y0 = h / 3
            let x1 = w / 2, y1 = (k * 2) % max(1, h - s)
            for y in 0..<h {
                for x in 0..<w {
                    let o = ((k * h + y) * w + x) * 3
                    if x >= x0, x < x0 + s, y >= y0, y < y0 + s {
                        (f.pixels[o], f.pixels[o + 1], f.pixels[o + 2]) = colour ? (230, 40, 30) : (220, 220, 220)
                    }
                    if x >= x1, x < x1 + s, y >= y1, y < y1 + s {
                        (f.pixels[o], f.pixels[o + 1], f.pixels[o + 2]) = colour ? (30, 60, 220) : (30, 30, 30)
                    }
                }
            }
        }
        return f
    }

    /// Seeded uniform noise (colour, or gray when `gray`).
    static func noise(t: Int, h: Int, w: Int, seed: UInt64 = 1, gray: Bool = false) -> Frames {
        var state = seed &* 0x9E3779B97F4A7C15 | 1
        func next() -> UInt8 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        var f = Frames(count: t, height: h, width: w)
        for i in 0..<(t * h * w) {
            if gray { let v = next(); f.pixels[i * 3] = v; f.pixels[i * 3 + 1] = v; f.pixels[i * 3 + 2] = v }
            else { for c in 0..<3 { f.pixels[i * 3 + c] = next() } }
        }
        return f
    }
}

/// Peak signal-to-noise ratio in dB of two equal-shaped clips (∞ when identical).
func psnr(_ a: Frames, _ b: Frames) -> Double {
    precondition(a.shape == b.shape, "psnr: \(a.shape) vs \(b.shape)")
    var se = 0.0
    for i in 0..<a.pixels.count {
        let d = Double(a.pixels[i]) - Double(b.pixels[i])
        se += d * d
    }
    let mse = se / Double(a.pixels.count)
    return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
}

/// PSNR of the BT.601 luma (Y' = 0.299 R + 0.587 G + 0.114 B) of two clips.
func lumaPSNR(_ a: Frames, _ b: Frames) -> Double {
    precondition(a.shape == b.shape)
    var se = 0.0
    let n = a.pixels.count / 3
    for i in 0..<n {
        func y(_ f: Frames) -> Double { 0.299 * Double(f.pixels[i * 3]) + 0.587 * Double(f.pixels[i * 3 + 1]) + 0.114 * Double(f.pixels[i * 3 + 2]) }
        let d = y(a) - y(b)
        se += d * d
    }
    let mse = se / Double(n)
    return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
}

/// Runs a tool from $PATH (ffprobe / ffmpeg) and returns (exit status, stdout).
func runTool(_ name: String, _ args: [String]) throws -> (status: Int32, out: Data) {
    guard let exe = findTool(name) else { throw XCTSkip("\(name) not found on PATH (install Debian's ffmpeg package)") }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, data)
}

func findTool(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
        let p = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}

/// ffprobe's view of the first video stream (codec_name, pix_fmt, width, height, nb_frames, r_frame_rate …).
func ffprobeStream(_ path: String, countFrames: Bool = true) throws -> [String: Any] {
    var args = ["-v", "error", "-select_streams", "v:0", "-show_streams", "-of", "json"]
    if countFrames { args.insert("-count_frames", at: 0) }
    let (status, out) = try runTool("ffprobe", args + [path])
    guard status == 0,
          let json = try JSONSerialization.jsonObject(with: out) as? [String: Any],
          let streams = json["streams"] as? [[String: Any]], let s = streams.first else {
        XCTFail("ffprobe failed on \(path)")
        return [:]
    }
    return s
}

/// A fresh scratch folder, removed by the caller's `defer`.
func scratchDir(_ name: String = #function) throws -> String {
    let base = NSTemporaryDirectory() + "fsvideo-tests-\(getpid())"
    let dir = base + "/" + name.filter { $0.isLetter || $0.isNumber }
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func removeDir(_ dir: String) { try? FileManager.default.removeItem(atPath: dir) }

/// Open file descriptors of this process (entries of /proc/self/fd).
func openFDs() -> Set<String> {
    Set((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [])
}

/// Files in `dir` (names), to check nothing partial was left behind.
func listing(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
}

/// A writer options value whose warnings go to a collector instead of stderr.
final class WarningLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    var messages: [String] { lock.lock(); defer { lock.unlock() }; return items }
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
}
