import Foundation
@testable import fsvideo
import FSCheckpoint
import FSEval
import FSTensor
import FSVideo
import XCTest

/// `fsvideo eval --compare` on three small generated sets with stand-in (synthetic) weights: one row per
/// method with the paper's columns; the second run reads the real set's statistics from the cache.
final class EvalCompareTests: XCTestCase {
    func testCompareTableOneRowPerMethod() throws {
        let dir = NSTemporaryDirectory() + "fsvideo-compare-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        // Weights: I3D, RAFT, a small CLIP tower (width 64 → 1 head) and its head, as files.
        try SafeTensors.write(SyntheticEvalWeights.i3d(), to: "\(dir)/i3d.safetensors")
        try SafeTensors.write(SyntheticEvalWeights.raft(), to: "\(dir)/raft.safetensors")
        let clip = CLIPVisionConfig(width: 64, layers: 1, heads: 1, patch: 14, grid: 16, outputDim: 16)
        try SafeTensors.write(SyntheticEvalWeights.clip(clip), to: "\(dir)/clip.safetensors")
        try SafeTensors.write(SyntheticEvalWeights.aestheticHead(dim: 16), to: "\(dir)/head.safetensors")

        func clipFile(_ path: String, speed: Int, shade: UInt8) throws {
            let (t, h, w) = (9, 128, 128)
            var f = Frames(count: t, height: h, width: w, repeating: shade)
            for i in 0..<t { for y in 40..<80 { for x in 0..<30 {
                let xx = (10 + x + i * speed) % w
                for c in 0..<3 { f.pixels[((i * h + y) * w + xx) * 3 + c] = UInt8(200 + c * 20) }
            } } }
            var o = VideoWriterOptions(); o.fps = Rational(24)   // VBench keeps every 3rd frame: 2 RAFT pairs per video
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try VideoWriter.write(f, to: path, options: o)
        }
        // Generated sets laid out as `fsvideo generate` writes them: DIR/<prompt>/video.mp4 + run.json.
        for (m, speed) in [("freescale", 6), ("direct", 0), ("other", 3)] {
            for k in 0..<2 {
                let sub = "\(dir)/\(m)/prompt\(k)"
                try clipFile("\(sub)/video.mp4", speed: speed + k, shade: UInt8(20 + 30 * k))
                let run: [String: Any] = ["timings_seconds": ["load_model": 100.0, "text_encoding": 1.0, "denoising": 50.0 + Double(k * 10), "vae_decode": 9.0]]
                try JSONSerialization.data(withJSONObject: run).write(to: URL(fileURLWithPath: "\(sub)/run.json"))
            }
        }
        for k in 0..<3 { try clipFile("\(dir)/real/r\(k).mp4", speed: k * 2, shade: UInt8(40 * k)) }

        func compare(_ metrics: String) throws -> [String: Any] {
            var cmd = try EvalCommand.parseAsRoot(["--metrics", metrics,
                "--compare", "freescale=\(dir)/freescale", "direct=\(dir)/direct", "other=\(dir)/other",
                "--real", "\(dir)/real", "--frames", "9", "--i3d", "\(dir)/i3d.safetensors", "--raft", "\(dir)/raft.safetensors",
                "--clip", "\(dir)/clip.safetensors", "--aesthetic-head", "\(dir)/head.safetensors", "--stats-cache", "\(dir)/cache",
                "--json", "\(dir)/table.json", "--csv", "\(dir)/table.csv", "--markdown", "\(dir)/table.md", "--quiet",
            ]) as! EvalCommand
            try cmd.run()
            return try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/table.json"))) as! [String: Any]
        }
        let first = try compare("fvd,dynamic_degree,aesthetic_quality")
        let methods = try XCTUnwrap(first["methods"] as? [[String: Any]])
        XCTAssertEqual(methods.map { $0["method"] as? String }, ["freescale", "direct", "other"])
        for m in methods {
            for key in ["fvd", "dynamic_degree", "aesthetic_quality", "time_min"] {
                XCTAssertNotNil(m[key] as? Double, "\(m["method"]!): \(key)")
            }
            XCTAssertEqual(m["videos"] as? Int, 2)
            XCTAssertEqual(m["time_min"] as! Double, (60.0 + 70.0) / 2 / 60, accuracy: 1e-9)   // load_model excluded
        }
        let csv = try String(contentsOfFile: "\(dir)/table.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 4)
        XCTAssertTrue(csv[0].hasPrefix("method,videos,fvd,dynamic_degree,aesthetic_quality,time_min"))
        let md = try String(contentsOfFile: "\(dir)/table.md", encoding: .utf8)
        XCTAssertTrue(md.contains("| method | videos | FVD ↓ | dynamic degree ↑ | aesthetic quality ↑ | time (min) ↓ |"))
        XCTAssertTrue(((first["real"] as? [String: Any])?["statistics"] as? String ?? "").hasPrefix("computed now"))

        // Second run (FVD only): the real set is not decoded again; the numbers are the same.
        let second = try compare("fvd")
        XCTAssertTrue(((second["real"] as? [String: Any])?["statistics"] as? String ?? "").hasPrefix("cached"))
        let again = try XCTUnwrap(second["methods"] as? [[String: Any]])
        for (a, b) in zip(methods, again) { XCTAssertEqual(a["fvd"] as? Double, b["fvd"] as? Double) }
        let timing = (second["settings"] as? [String: Any])?["timing_seconds"] as? [String: Double]
        XCTAssertEqual(timing?["decoding"].map { $0 > 0 }, true)
    }

    func testMissingAestheticWeightsIsOneLineNamingFileAndSource() throws {
        let dir = NSTemporaryDirectory() + "fsvideo-aq-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try VideoWriter.write(Frames(count: 2, height: 16, width: 16, repeating: 9), to: "\(dir)/a.mp4")
        var cmd = try EvalCommand.parseAsRoot(["--fake", "\(dir)/a.mp4", "--metrics", "aesthetic_quality", "--clip", "\(dir)/ViT-L-14.pt"]) as! EvalCommand
        XCTAssertThrowsError(try cmd.run()) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("\(dir)/ViT-L-14.pt") && m.contains("openaipublic.azureedge.net") && !m.contains("\n"), m)
        }
        cmd = try EvalCommand.parseAsRoot(["--fake", "\(dir)/a.mp4", "--decode", "fast"]) as! EvalCommand
        XCTAssertThrowsError(try cmd.run()) { XCTAssertTrue("\($0)".contains("unknown --decode 'fast'"), "\($0)") }
    }

    func testCompareArgumentErrors() throws {
        XCTAssertThrowsError(try EvalMethodSet.parse("noequals"))
        XCTAssertThrowsError(try EvalMethodSet.parse("=dir"))
        XCTAssertEqual(try EvalMethodSet.parse("fs=out/a=b").directory, "out/a=b")
        var cmd = try EvalCommand.parseAsRoot(["--compare", "a=/nonexistent-x", "--metrics", "aesthetic_quality"]) as! EvalCommand
        XCTAssertThrowsError(try cmd.run()) { XCTAssertTrue("\($0)".contains("/nonexistent-x"), "\($0)") }
        cmd = try EvalCommand.parseAsRoot(["--fake", "x.mp4", "--compare", "a=b"]) as! EvalCommand
        XCTAssertThrowsError(try cmd.run()) { XCTAssertTrue("\($0)".contains("either --fake or --compare"), "\($0)") }
    }
}
