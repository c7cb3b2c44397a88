import Foundation
import FSCheckpoint
import FSDiffusion
import FSPipeline
import FSTensor
import XCTest

/// The built-in toy model (Fixtures/models/toy_shapes_v2/, in the repository: toy_shapes v2), loaded once
/// per test process. The v1 model, which the reference fixtures were computed with, is in ../shared only.
enum ToyModel {
    static let directory = packageRoot.appendingPathComponent("Fixtures/models/toy_shapes_v2")
    static let weights = directory.appendingPathComponent("toy_shapes_v2.safetensors")
    nonisolated(unsafe) private static var cached: VideoModel?

    static func load() throws -> VideoModel {
        if let cached { return cached }
        let sd = try SafeTensors.read(path: weights.path)
        let json = try Data(contentsOf: directory.appendingPathComponent("toy_shapes.json"))
        let m = try VideoModel.load(sd, config: VideoModelConfig.decode(json: json, source: "toy_shapes.json"))
        cached = m
        return m
    }

    static func settings(_ prompt: String, steps: Int, frames: Int = 16, seed: UInt64) throws -> GenerationSettings {
        var s = GenerationSettings(prompt: prompt, model: try load().config)
        s.steps = steps; s.frames = frames; s.seed = seed
        return s
    }
}

/// Naive helpers on a decoded video [3, F, H, W] in [-1, 1] (written here, independent of FSVideo).
enum FrameAnalysis {
    /// uint8 RGB of frame f: clamp, (x+1)/2·255, round.
    static func rgb(_ v: Tensor, frame f: Int) -> [[UInt8]] {
        let (t, h, w) = (v.shape[1], v.shape[2], v.shape[3])
        return (0..<(h * w)).map { p in
            (0..<3).map { c in
                let x = v.data[((c * t + f) * h * w) + p]
                return UInt8(((Swift.min(Swift.max(x, -1), 1) + 1) / 2 * 255).rounded())
            }
        }
    }

    /// (objects, foreground fraction): pixels farther than 60 (max channel difference) from the frame's
    /// median colour are foreground; 4-connected components of ≥ 6 pixels are objects.
    static func objects(_ v: Tensor, frame f: Int) -> (count: Int, foreground: Double) {
        let (h, w) = (v.shape[2], v.shape[3])
        let px = rgb(v, frame: f)
        let median = (0..<3).map { c in px.map { Int($0[c]) }.sorted()[px.count / 2] }
        let fg = px.map { p in (0..<3).map { abs(Int(p[$0]) - median[$0]) }.max()! > 60 }
        var seen = [Bool](repeating: false, count: h * w)
        var count = 0
        for start in 0..<(h * w) where fg[start] && !seen[start] {
            var stack = [start], size = 0
            seen[start] = true
            while let p = stack.popLast() {
                size += 1
                let (y, x) = (p / w, p % w)
                for (dy, dx) in [(0, 1), (0, -1), (1, 0), (-1, 0)] {
                    let (ny, nx) = (y + dy, x + dx)
                    guard ny >= 0, ny < h, nx >= 0, nx < w else { continue }
                    let q = ny * w + nx
                    if fg[q] && !seen[q] { seen[q] = true; stack.append(q) }
                }
            }
            if size >= 6 { count += 1 }
        }
        return (count, Double(fg.filter { $0 }.count) / Double(h * w))
    }
}
