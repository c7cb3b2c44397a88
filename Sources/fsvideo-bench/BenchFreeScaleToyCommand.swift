import ArgumentParser
import Foundation
import FreeScale
import FSPipeline
import FSDiffusion
import FSTensor
import FSVideo
import FSTestSupport
import FSCommandLine

/// `fsvideo-bench freescale-toy`: FreeScale vs direct inference on the built-in toy model — wall time at the
/// same final size and step count, and the object-count quality check (one object per video) at every
/// stage size of the cascade (the FreeScale result at an intermediate size is that stage of the climb to
/// `--res`; direct inference is run at each size on its own), and how well each keeps the base video's
/// colours (ColourFidelity). The model is the built-in one (`FSVIDEO_TOY_MODEL` picks another directory).
struct BenchFreeScaleToyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freescale-toy",
        abstract: "FreeScale vs --method direct on the toy model: time ratio and object counts.")

    @Option(help: "Caption/seed pairs.") var pairs: Int = 20
    @Option(help: "Frames.") var frames: Int = 16
    @Option(help: "DDIM steps.") var steps: Int = 50
    /// The plan flags of `generate` (default --res 256x384); --method, --detail-mask and --keep-stages do not apply.
    @OptionGroup var freescale: FreeScaleOptions
    @Flag(name: .customLong("time-only"), help: "Only the final size: FreeScale vs direct wall time.") var timeOnly = false
    @Flag(name: .customLong("freescale-only"), help: "Skip direct inference (FreeScale counts only, e.g. to compare plan flags).")
    var freescaleOnly = false
    @Option(help: "Write contact sheets (base | FreeScale | direct per size) of the first pairs into this folder.")
    var sheets: String?
    @Option(name: .customLong("sheet-pairs"), help: "Pairs with contact sheets.") var sheetPairs: Int = 4
    @Option(help: "One caption for every pair instead of the ten built-in ones (e.g. the demo's).") var prompt: String?
    @Option(name: .customLong("first-seed"), help: "Seed of pair 0; pair k uses first-seed + k.") var firstSeed: UInt64 = 1000


    func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

    @OptionGroup(title: "Compute") var compute: ComputeOptions

    func run() throws {
        let precision = try compute.apply(toStdout: true)
        let loaded = try ModelFiles.load(ckpt: nil, config: nil, precision: precision)
        let mc = loaded.model.config
        let geometry = ModelGeometry(model: mc)
        guard freescale.method == .freescale, freescale.detailMask == nil, !freescale.keepStages else {
            throw FSError("fsvideo-bench freescale-toy: --method, --detail-mask and --keep-stages do not apply")
        }
        var request = freescale.request
        request.steps = steps
        if request.res == nil && request.stages == nil { request.res = FrameSize(height: 256, width: 384) }
        let sizes = try FreeScalePlan(request, model: geometry).sizes
        let timed = sizes.last!
        let compared = timeOnly ? [timed] : Array(sizes.dropFirst())
        if let sheets {
            do { try FileManager.default.createDirectory(atPath: sheets, withIntermediateDirectories: true) } catch {
                throw FSError("--sheets \(sheets): cannot create the directory (\(ErrorReason.text(error)))")
            }
        }
        // tally[size][method]: object counts, strict and with edge streaks ignored (ObjectCount).
        var tally: [FrameSize: [String: ObjectTally]] = [:]
        var baseTally = ObjectTally()
        var colour: [FrameSize: [String: ColourTally]] = [:]
        var time = ["freescale": 0.0, "direct": 0.0]
        log("fsvideo-bench freescale-toy: \(pairs) pairs, \(frames) frames, \(steps) steps, stages \(sizes.map(\.description).joined(separator: " → "))\(request.fast ? " (--fast)" : ""), threads \(ParallelFor.threadCount)")
        for k in 0..<pairs {
            // Both methods through the library's entry point (VideoPipeline), the way `fsvideo generate` makes them.
            var vr = VideoRequest(prompt: prompt ?? ToyCaptions.all[k % ToyCaptions.all.count])
            vr.frames = frames; vr.steps = steps; vr.seed = firstSeed + UInt64(k)
            vr.freescale = request
            let plan = try VideoPlan(vr, model: mc)
            let pipeline = VideoPipeline(loaded)
            var line = "pair \(k) seed \(vr.seed) '\(vr.prompt)':"
            var t0 = Date()
            let result = try pipeline.run(plan)
            let final = result.video
            time["freescale"]! += Date().timeIntervalSince(t0)
            let stages = result.stages
            let t2v = try pipeline.textToVideo(plan)     // decodes the intermediate stages, the VAE round trip
            var videos: [FrameSize: (freescale: Tensor, direct: Tensor?)] = [:]
            let base = try t2v.decode(stages[0].latent)
            line += " base=" + baseTally.add(base)
            for size in compared {
                let fsVideo = size == timed ? final : try t2v.decode(stages.first { $0.size == size }!.latent)
                line += " \(size): freescale=" + tally[size, default: [:]]["freescale", default: ObjectTally()].add(fsVideo)
                    + colour[size, default: [:]]["freescale", default: ColourTally()].add(fsVideo, base: base)
                // The VAE's share of the colour drift: the base upscaled, re-encoded and decoded, no sampling.
                let roundTrip = try t2v.decode(Cascade.upscale(stages[0].latent, to: size, mode: .rgb, stage: 1, backend: t2v))
                line += " vae" + colour[size, default: [:]]["vae round trip", default: ColourTally()].add(roundTrip, base: base)
                var direct: Tensor?
                if !freescaleOnly {
                    var d = vr
                    d.freescale.method = .direct; d.freescale.res = size; d.freescale.stages = nil
                    t0 = Date()
                    let video = try pipeline.run(try VideoPlan(d, model: mc)).video
                    if size == timed { time["direct"]! += Date().timeIntervalSince(t0) }
                    line += " direct=" + tally[size, default: [:]]["direct", default: ObjectTally()].add(video)
                        + colour[size, default: [:]]["direct", default: ColourTally()].add(video, base: base)
                    direct = video
                }
                videos[size] = (fsVideo, direct)
            }
            log(line)
            if let sheets, k < sheetPairs {
                for size in compared {
                    let v = videos[size]!
                    let up = resize(base, height: size.height, width: size.width, mode: .nearest)
                    // Rows: base (nearest-upscaled), FreeScale, direct (unless --freescale-only); 6 frames each.
                    let rows = try ([up, v.freescale] + (v.direct.map { [$0] } ?? [])).map { try Frames(tensor: $0) }
                    let picked = ContactSheet.evenlySpaced(count: 6, of: frames)
                    var all = Frames(count: 0, height: size.height, width: size.width)
                    for row in rows { for i in picked { all.append(frame: row.frame(i)) } }
                    try ContactSheet(frames: all, count: all.count, columns: picked.count, tileWidth: min(size.width, 192))
                        .writePNG(to: "\(sheets)/pair\(k)-\(size).png")
                }
            }
        }
        let p = Double(pairs)
        print("| size | method | one object | duplication (≥ 2 objects) | one object, edge streaks ignored | duplication, edge streaks ignored |")
        print("|---|---|---|---|---|---|")
        print("| \(sizes[0]) (base) | plain | " + baseTally.cells(of: pairs) + " |")
        for size in compared {
            for m in ["freescale", "direct"] {
                guard let t = tally[size]?[m] else { continue }
                print("| \(size) | \(m) | " + t.cells(of: pairs) + " |")
            }
        }
        print("")
        print("| size | method | mean RGB distance to the base video | object colour distance | background colour distance |")
        print("|---|---|---|---|---|")
        for size in compared {
            for m in ["freescale", "direct", "vae round trip"] {
                guard let t = colour[size]?[m] else { continue }
                print("| \(size) | \(m) | " + t.cells() + " |")
            }
        }
        if !freescaleOnly {
            print(String(format: "wall time to %@: FreeScale %.1f s/video, direct %.1f s/video, ratio FreeScale / direct %.3f",
                     timed.description, time["freescale"]! / p, time["direct"]! / p, time["freescale"]! / time["direct"]!))
        }
    }
}

/// Videos with one object and with two or more, by the strict count and with edge streaks ignored.
struct ObjectTally {
    var single = 0, duplicated = 0, singleLoose = 0, duplicatedLoose = 0

    /// Counts `video` [3, T, H, W]; returns "strict(loose)" for the log line.
    mutating func add(_ video: Tensor) -> String {
        let n = ObjectCount.medianCount(video), loose = ObjectCount.medianCount(video, ignoreEdgeStreaks: true)
        single += n == 1 ? 1 : 0; duplicated += n >= 2 ? 1 : 0
        singleLoose += loose == 1 ? 1 : 0; duplicatedLoose += loose >= 2 ? 1 : 0
        return "\(n)(\(loose))"
    }

    func cells(of pairs: Int) -> String {
        [single, duplicated, singleLoose, duplicatedLoose]
            .map { String(format: "%d/%d (%.0f%%)", $0, pairs, 100 * Double($0) / Double(Swift.max(pairs, 1))) }
            .joined(separator: " | ")
    }
}

/// Colour fidelity to the base video (ColourFidelity.compare, 8-bit RGB distances), summed over videos.
struct ColourTally {
    var pixel = 0.0, object = 0.0, background = 0.0, videos = 0, withObject = 0

    /// Adds `video` compared with `base`; returns " [pixel/object/background]" for the log line.
    mutating func add(_ video: Tensor, base: Tensor) -> String {
        let c = ColourFidelity.compare(video, base: base)
        pixel += c.pixel; background += c.background; videos += 1
        if let o = c.object { object += o; withObject += 1 }
        return String(format: " [rgb %.1f obj %@ bg %.1f]", c.pixel, c.object.map { String(format: "%.1f", $0) } ?? "-", c.background)
    }

    func cells() -> String {
        let n = Double(Swift.max(videos, 1))
        let objectCell = withObject == 0 ? "—" : String(format: "%.1f", object / Double(withObject))
            + (withObject < videos ? " (\(withObject) of \(videos) videos whose base has object pixels)" : "")
        return String(format: "%.1f | %@ | %.1f", pixel / n, objectCell, background / n)
    }
}
