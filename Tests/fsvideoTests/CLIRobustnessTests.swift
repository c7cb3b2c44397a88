import Foundation
import FSVideo
import XCTest

/// Drives the binary through hundreds of generated bad invocations across every subcommand: numbers at
/// the type limits and beyond, negative, NaN, empty and huge values; missing, unreadable, zero-byte,
/// truncated and wrong-type files; directories in place of files; outputs equal to inputs; read-only
/// targets. Each must end with exit 2 and exactly one `fsvideo: error:` line, within a time limit, with no
/// signal, and change nothing in the folder it ran in.
final class CLIRobustnessTests: XCTestCase {
    var work = ""

    override func setUpWithError() throws {
        work = NSTemporaryDirectory() + "fsvideo-robust-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work + "/adir", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work + "/frames-in", withIntermediateDirectories: true)
        var clip = Frames(count: 10, height: 64, width: 96)
        for k in 0..<10 { for i in 0..<(64 * 96) { clip.pixels[(k * 64 * 96 + i) * 3] = UInt8(k * 25) } }
        try VideoWriter.write(clip, to: work + "/clip.mp4")
        try PNGWriter.write(rgb: clip.frame(0), width: 96, height: 64, to: work + "/frames-in/0001.png")
        try PNGWriter.write(rgb: clip.frame(1), width: 96, height: 64, to: work + "/frames-in/0002.png")
        let mp4 = try Data(contentsOf: URL(fileURLWithPath: work + "/clip.mp4"))
        try mp4.prefix(mp4.count / 2).write(to: URL(fileURLWithPath: work + "/truncated.mp4"))
        try Data().write(to: URL(fileURLWithPath: work + "/empty.mp4"))
        try Data().write(to: URL(fileURLWithPath: work + "/empty.ckpt"))
        try Data("not a video, just text\n".utf8).write(to: URL(fileURLWithPath: work + "/text.mp4"))
        try Data("not a checkpoint\n".utf8).write(to: URL(fileURLWithPath: work + "/text.ckpt"))
        var random = Data(count: 4096)
        for i in 0..<random.count { random[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 7) }
        try random.write(to: URL(fileURLWithPath: work + "/random.safetensors"))
        // A safetensors header claiming more bytes than the file has.
        var header = Data("{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000000],\"data_offsets\":[0,4000000000]}}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var lying = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { lying.append(contentsOf: $0) }
        lying.append(header); lying.append(Data(count: 64))
        try lying.write(to: URL(fileURLWithPath: work + "/lying.safetensors"))
        try Data("a red circle\n".utf8).write(to: URL(fileURLWithPath: work + "/prompts.txt"))
        try Data([0xFF, 0xFE, 0x00, 0x41]).write(to: URL(fileURLWithPath: work + "/latin1.txt"))
        try Data().write(to: URL(fileURLWithPath: work + "/empty.txt"))
        try Data(#"{"prompt": "a", "sed": 1}"#.utf8).write(to: URL(fileURLWithPath: work + "/badkey.jsonl"))
        try Data(#"{"prompt": "a", "name": "../up"}"#.utf8).write(to: URL(fileURLWithPath: work + "/badname.jsonl"))
        try Data("a red circle\n a red circle \n".utf8).write(to: URL(fileURLWithPath: work + "/dup.txt"))
        try Data("[1, 2".utf8).write(to: URL(fileURLWithPath: work + "/bad.json"))
        try Data("model:\n  params: [\n".utf8).write(to: URL(fileURLWithPath: work + "/bad.yaml"))
        // An earlier fsvideo run's output that bad invocations must leave alone.
        try FileManager.default.createDirectory(atPath: work + "/done", withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: work + "/done/run.json"))
        try Data("{\"tool\":\"fsvideo\",\"kind\":\"run\",\"files\":[\"run.json\"]}".utf8).write(to: URL(fileURLWithPath: work + "/done/.fsvideo-output.json"))
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: work) }

    static let huge = String(repeating: "9", count: 100_000)
    static let intsBeyond = ["0", "-1", "-9223372036854775808", "9223372036854775807", "9223372036854775808",
                             "4611686018427387904", "1e3", "1.5", "nan", "", "abc", huge]
    static let doublesBad = ["nan", "-nan", "inf", "-inf", "1e309", "-1e309", "", "abc", "1e3000", huge]
    static let sizesBad = ["-1", "0x96", "64x0", "64000x96000", "64x1099511627776", "4611686018427387904x96", "64x96x3",
                           "x", "", "64", "64x", "nanxnan", "65x96", "64x-96", huge + "x96"]

    /// The bad invocations (each must be refused).
    func invocations() -> [[String]] {
        let w = work
        var list: [[String]] = []
        let gen = ["generate", "a red circle", "--out", "\(w)/out"]
        for v in Self.intsBeyond { list.append(gen + ["--frames", v]); list.append(gen + ["--steps", v]) }
        for v in ["1001", "100000"] { list.append(gen + ["--steps", v]) }
        for v in ["1025", "2000000000"] { list.append(gen + ["--frames", v]) }
        for v in Self.doublesBad { list.append(gen + ["--cfg", v]); list.append(gen + ["--eta", v]); list.append(gen + ["--save-fps", v]) }
        for v in ["-1", "0", "1001"] { list.append(gen + ["--save-fps", v]) }
        for v in ["-0.5", "11"] { list.append(gen + ["--eta", v]) }
        for v in Self.sizesBad { list.append(gen + ["--res", v]); list.append(gen + ["--stages", v]) }
        for v in ["-1", "50", "99999999999999999999"] { list.append(gen + ["--restart-step", v]) }
        for v in Self.doublesBad + ["-1", "101"] { list.append(gen + ["--cosine-scale", v]) }
        for v in ["-1", "1001", "nan"] { list.append(gen + ["--dilate-tau", v]) }
        for v in ["nan", "-1", "inf"] { list.append(gen + ["--fusion-temporal-sigma", v]) }
        for v in ["0", "-5G", "lots", "", "nan"] { list.append(gen + ["--max-memory", v]) }
        list.append(gen + ["--res", "4096x8192", "--frames", "1024"])                 // refused by the memory estimate
        list.append(gen + ["--res", "256x384", "--max-memory", "10M"])
        for v in ["bogus", "", "DIRECTT"] { list.append(gen + ["--method", v]); list.append(gen + ["--upsample", v]) }
        for f in ["missing.ckpt", "empty.ckpt", "text.ckpt", "adir", "random.safetensors", "lying.safetensors", "truncated.mp4", ""] {
            list.append(gen + ["--ckpt", "\(w)/\(f)"])
        }
        for f in ["missing.json", "bad.json", "bad.yaml", "adir", "empty.txt"] { list.append(gen + ["--config", "\(w)/\(f)"]) }
        for f in ["missing.png", "text.mp4", "adir", "empty.mp4"] { list.append(gen + ["--detail-mask", "\(w)/\(f)"]) }
        list.append(["generate", "--prompt-file", "\(w)/missing.txt", "--out", "\(w)/out"])
        list.append(["generate", "--prompt-file", "\(w)/empty.txt", "--out", "\(w)/out"])
        list.append(["generate", "--prompt-file", "\(w)/latin1.txt", "--out", "\(w)/out"])
        list.append(["generate", "--prompt-file", "\(w)/adir", "--out", "\(w)/out"])
        list.append(["generate", "x", "--prompt-file", "\(w)/prompts.txt", "--out", "\(w)/out"])
        list.append(["generate", "--out", "\(w)/out"])
        list.append(["generate", "x", "--out", "\(w)/clip.mp4"])                      // a file, and an input elsewhere
        list.append(["generate", "x", "--out", "\(w)/done"])                          // earlier output, no --overwrite
        list.append(["generate", "x", "--out", "\(w)", "--overwrite"])                // holds foreign files
        list.append(["generate", "x", "--out", ".", "--overwrite"])
        list.append(["generate", "x", "--out", "/", "--overwrite"])
        list.append(["generate", "x", "--out", "/proc/fsvideo-out"])                  // read-only target
        list.append(["generate", "x", "--out", "\(w)/clip.mp4/sub"])
        list.append(["generate", "x", "--out", ""])
        list.append(["generate", "x", "--prompt-file", "\(w)/prompts.txt", "--out", "\(w)"])
        list.append(["generate", "--prompt-file", "\(w)/prompts.txt", "--out", "\(w)"])   // output holds the prompt file
        // Batches (issue 16): samples, seeds, shards, layouts, batch sizes, prompt lists, manifests.
        let batch = ["generate", "--prompt-file", "\(w)/prompts.txt", "--out", "\(w)/batch"]
        for v in ["0", "-1", "10001", "x"] { list.append(batch + ["--samples", v]) }
        for v in ["-2", "1.5", "x", "18446744073709551616"] { list.append(batch + ["--seed", v]) }
        for v in ["2/2", "-1/2", "0/0", "1", "a/b", "0/2000000"] { list.append(batch + ["--shard", v]) }
        for v in ["0", "65", "-1", "many"] { list.append(batch + ["--batch-size", v]) }
        list.append(batch + ["--layout", "flat"])
        list.append(batch + ["--shard-count", "0"])
        list.append(batch + ["--layout", "vbench", "--dump-frames"])
        list.append(["generate", "--prompt-file", "\(w)/badkey.jsonl", "--out", "\(w)/batch"])
        list.append(["generate", "--prompt-file", "\(w)/badname.jsonl", "--out", "\(w)/batch"])
        list.append(["generate", "--prompt-file", "\(w)/dup.txt", "--layout", "vbench", "--out", "\(w)/batch"])
        list.append(["generate", "x", "--compare", "bicubic", "--out", "\(w)/cmp"])
        list.append(["generate", "x", "--compare", "freescale", "--out", "\(w)/cmp"])
        list.append(["manifest", "\(w)"])                                               // not a batch folder
        list.append(["manifest", "\(w)/missing"])

        let up = ["upscale", "\(w)/clip.mp4", "--prompt", "a red circle", "--res", "128x192", "--out", "\(w)/up"]
        for f in ["missing.mp4", "empty.mp4", "text.mp4", "truncated.mp4", "adir", "empty.ckpt"] {
            list.append(["upscale", "\(w)/\(f)", "--res", "128x192", "--out", "\(w)/up"])
        }
        for v in Self.intsBeyond { list.append(up + ["--frames", v]) }
        for v in ["-1", "9223372036854775808", "nan"] { list.append(up + ["--start-frame", v]) }
        list.append(up + ["--start-frame", "1000"])
        for v in Self.sizesBad.prefix(8) { list.append(["upscale", "\(w)/clip.mp4", "--res", v, "--out", "\(w)/up"]) }
        list.append(["upscale", "\(w)/clip.mp4", "--out", "\(w)/up"])                 // no --res: nothing to do
        list.append(up + ["--method", "direct"])
        list.append(up + ["--edit-mask", "\(w)/missing.png", "--edit-prompt", "x"])
        list.append(up + ["--edit-mask", "\(w)/text.mp4", "--edit-prompt", "x"])
        list.append(up + ["--edit-prompt", "x"])
        list.append(up + ["--edit-mask", "\(w)/frames-in/0001.png", "--edit-prompt", "  "])
        list.append(["upscale", "\(w)/clip.mp4", "--res", "128x192", "--out", "\(w)"])   // output dir holds the input
        list.append(["upscale", "\(w)/frames-in", "--res", "128x192", "--out", "\(w)/frames-in/up"])
        for v in Self.doublesBad.prefix(5) { list.append(up + ["--cfg", v]) }

        list.append(["eval"])
        list.append(["eval", "--fake", "\(w)/missing.mp4"])
        list.append(["eval", "--fake", "\(w)/adir"])
        list.append(["eval", "--fake", "\(w)/clip.mp4", "--metrics", "fvd"])
        list.append(["eval", "--fake", "\(w)/clip.mp4", "--real", "\(w)/clip.mp4", "--metrics", "fvd"])   // too few for FVD
        list.append(["eval", "--fake", "\(w)/clip.mp4", "--metrics", ""])
        list.append(["eval", "--fake", "\(w)/clip.mp4", "--metrics", "psnr"])
        for v in Self.intsBeyond.prefix(8) { list.append(["eval", "--fake", "\(w)/clip.mp4", "--frames", v]) }
        list.append(["eval", "--fake", "\(w)/clip.mp4", "--json", "\(w)/clip.mp4"])
        list.append(["eval", "--fake", "\(w)/clip.mp4", "--json", "\(w)/scores.txt"])
        list.append(["eval", "--fake", "\(w)/clip.mp4", "--csv", "\(w)/scores.json"])
        list.append(["eval", "--fake", "\(w)/clip.mp4", "--json", "\(w)/no/such/dir/s.json"])
        list.append(["eval", "--fake", "\(w)/clip.mp4", "--json", "/proc/s.json"])
        list.append(["eval", "--fake", "\(w)/clip.mp4", "--json", "\(w)/adir"])
        list.append(["eval", "--fake", "\(w)/clip.mp4", "--raft", "\(w)/text.ckpt"])
        list.append(["eval", "--fake", "\(w)/clip.mp4", "--raft", "\(w)/missing.pth"])
        list.append(["eval", "--fake", "\(w)/text.mp4", "--raft", "\(w)/empty.ckpt"])

        for f in ["missing.ckpt", "empty.ckpt", "text.ckpt", "adir", "random.safetensors", "lying.safetensors", "clip.mp4", ""] {
            list.append(["inspect", "\(w)/\(f)"])
            list.append(["parity", "\(w)/\(f)"])
        }
        list.append(["inspect"])
        list.append(["parity"])

        let fr = ["frames", "\(w)/clip.mp4", "--out", "\(w)/fr"]
        for f in ["missing.mp4", "empty.mp4", "text.mp4", "truncated.mp4", "empty.ckpt"] { list.append(["frames", "\(w)/\(f)", "--out", "\(w)/fr"]) }
        for v in Self.intsBeyond.prefix(8) { list.append(fr + ["--every", v]); list.append(fr + ["--max", v]) }
        for v in Self.sizesBad.prefix(8) { list.append(fr + ["--size", v]) }
        list.append(["frames", "\(w)/clip.mp4", "--out", "\(w)/frames-in"])           // the input folder's sibling? no: non-empty
        list.append(["frames", "\(w)/frames-in", "--out", "\(w)/frames-in"])           // output = input
        list.append(["frames", "\(w)/clip.mp4", "--out", "\(w)/adir/../done"])          // non-empty
        list.append(["frames", "\(w)/clip.mp4", "--out", "\(w)/clip.mp4"])              // a file
        list.append(["frames", "\(w)/clip.mp4", "--out", "/proc/fsvideo-frames"])

        let sh = ["sheet", "\(w)/clip.mp4", "--out", "\(w)/s.png"]
        for f in ["missing.mp4", "empty.mp4", "text.mp4", "truncated.mp4", "adir"] { list.append(["sheet", "\(w)/\(f)", "--out", "\(w)/s.png"]) }
        for v in Self.intsBeyond.prefix(8) { list.append(sh + ["--count", v]); list.append(sh + ["--columns", v]); list.append(sh + ["--tile-width", v]) }
        list.append(["sheet", "\(w)/clip.mp4", "--out", "\(w)/clip.mp4"])
        list.append(["sheet", "\(w)/clip.mp4", "--out", "\(w)/s.jpg"])
        list.append(["sheet", "\(w)/frames-in", "--out", "\(w)/frames-in/sheet.png"])
        list.append(["sheet", "\(w)/clip.mp4", "--out", "\(w)/adir"])
        list.append(["sheet", "\(w)/clip.mp4", "--out", "\(w)/no/such/s.png"])
        list.append(["sheet", "\(w)/clip.mp4", "--out", "/proc/s.png"])
        list.append(["sheet", "\(w)/clip.mp4"])

        list.append(["tokenize"])
        list.append(["tokenize", "--file", "\(w)/missing.txt"])
        list.append(["tokenize", "--file", "\(w)/latin1.txt"])
        list.append(["tokenize", "--file", "\(w)/adir"])
        list.append(["tokenize", "x", "--file", "\(w)/prompts.txt"])

        list.append(["bench", "nonsense"])
        list.append(["nonsense"])
        list.append(["generate", "x", "--bogus-flag"])
        list.append(["generate", "x", "--quiet=3"])
        return list
    }

    func testBadInvocationsFailCleanly() throws {
        let bin = try CLIProcess.binary()
        print("robustness: binary \(bin)")
        let list = invocations()
        XCTAssertGreaterThanOrEqual(list.count, 200)
        var failures: [String] = []
        var worst = 0.0
        let start = Date()
        for args in list {
            let before = CLIProcess.snapshot(work)
            let r = try CLIProcess.run(args, cwd: work, timeout: 30)
            worst = max(worst, r.seconds)
            let shown = args.map { $0.count > 60 ? String($0.prefix(20)) + "…(\($0.count) chars)" : $0 }.joined(separator: " ")
            let lines = r.err.split(separator: "\n", omittingEmptySubsequences: true)
            let errorLines = lines.filter { $0.hasPrefix("fsvideo: error: ") }
            if r.signalled { failures.append("\(shown): killed by signal \(r.status)") }
            else if r.timedOut { failures.append("\(shown): hung (> 30 s)") }
            else if r.status != 2 { failures.append("\(shown): exit \(r.status) (\(r.err.prefix(200)))") }
            else if errorLines.count != 1 || lines.last.map({ !$0.hasPrefix("fsvideo: error: ") }) == true {
                failures.append("\(shown): stderr is not one error line: \(r.err.prefix(300))")
            } else if errorLines[0].count > 600 {
                failures.append("\(shown): error line of \(errorLines[0].count) characters")
            }
            let after = CLIProcess.snapshot(work)
            if before != after {
                let changed = Set(before.keys).symmetricDifference(after.keys).union(before.keys.filter { before[$0] != after[$0] })
                failures.append("\(shown): changed files \(changed.sorted().prefix(5))")
            }
        }
        print(String(format: "robustness: %d bad invocations, %d failed the rules, slowest %.1f s, total %.1f s",
                     list.count, failures.count, worst, Date().timeIntervalSince(start)))
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
    }

    /// `fsvideo-bench` refuses bad input the same way, with its own name on the one error line.
    func testBadBenchInvocationsFailCleanly() throws {
        let bin = try CLIProcess.benchBinary()
        var failures: [String] = []
        for args in [["nonsense"], ["ops", "--repeats", "-1"], ["video", "--res", "0x0"]] {
            let r = try CLIProcess.run(args, cwd: work, timeout: 30, program: bin)
            let lines = r.err.split(separator: "\n", omittingEmptySubsequences: true)
            if r.signalled || r.timedOut || r.status != 2 { failures.append("\(args): exit \(r.status) (\(r.err.prefix(200)))") }
            else if lines.count != 1 || !lines[0].hasPrefix("fsvideo-bench: error: ") {
                failures.append("\(args): stderr is not one error line: \(r.err.prefix(300))")
            }
        }
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
    }
}
