import Foundation
import FreeScale
import FSPipeline
import FSTensor
import FSVideo
import FSCommandLine

/// Writes one pipeline result into an output folder (under `subdirectory`): video.mp4, contact_sheet.png,
/// frames/*.png (with --dump-frames), stage-<k>-<H>x<W>.mp4 for the kept stages, and run.json last.
struct RunOutput {
    var saveFps: Double
    var dumpFrames = false
    var quiet = false
    var loadSeconds = 0.0
    var weightsChecksum = ""
    /// run.json's device fields (`ResolvedDevice.runRecord`).
    var device: [String: Any] = [:]

    /// Returns a one-line summary for the closing message.
    func write(_ result: VideoResult, to output: OutputDirectory, subdirectory sub: String = "") throws -> String {
        var record = result.record
        var timings = record.timings
        let frames = result.frames
        var options = VideoWriterOptions()
        options.fps = Rational(approximating: saveFps)
        let mux = ProgressBar("muxing", total: 1, quiet: quiet)
        let summary = try timings.time("mux") { try VideoWriter.write(frames, to: output.file(sub + "video.mp4"), options: options) }
        mux.finish()
        try timings.time("frames") {
            if dumpFrames { try PNGWriter.dumpFrames(frames, to: output.file(sub + "frames")) }
            try ContactSheet(frames: frames).writePNG(to: output.file(sub + "contact_sheet.png"))
        }
        var outputs = ["video.mp4", "contact_sheet.png"] + (dumpFrames ? ["frames/"] : [])
        for (k, stage) in zip(result.stageFrames.indices, result.stages) {
            let name = "stage-\(k)-\(stage.size).mp4"
            _ = try VideoWriter.write(result.stageFrames[k], to: output.file(sub + name), options: options)
            outputs.append(name)
        }
        record.timings = timings
        record.saveFps = saveFps
        record.encoder = summary.encoder
        record.outputs = outputs
        record.loadSeconds = loadSeconds
        record.weightsChecksum = weightsChecksum
        for (k, v) in device { record.extra[k] = v }
        try output.write(try record.json(version: FSVideoVersion.string), to: sub + "run.json")
        let parts = timings.entries.filter { ["denoising", "vae_decode"].contains($0.0) }.map { "\($0.0) \(ProgressBar.duration($0.1))" }
        let stages = result.stages.count > 1 ? ", stages " + result.stages.map(\.size.description).joined(separator: " → ") : ""
        return "\(frames.count) frames \(frames.height)x\(frames.width)\(stages), \(result.steps) steps, seed \(record.settings.seed), "
            + parts.joined(separator: ", ")
    }

    /// SHA-256 of the weights file; for files over 1 GB, of the size plus the first and last 64 MB (recorded
    /// as "sampled:" so it is not mistaken for a full digest).
    static func checksum(_ path: String) -> String {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size <= 1 << 30 { return SHA256.file(path) ?? "" }
        guard let fh = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? fh.close() }
        var h = SHA256()
        h.update(Data(String(size).utf8))
        h.update(fh.readData(ofLength: 64 << 20))
        fh.seek(toFileOffset: UInt64(size - (64 << 20)))
        h.update(fh.readData(ofLength: 64 << 20))
        return "sampled:" + h.finalize()
    }
}

/// Mask files: an image, or a directory of per-frame images, read and mapped onto the plan's frames.
enum MaskFile {
    static func read(_ path: String, flag: String, plan: VideoPlan) throws -> DetailMask {
        guard FileManager.default.fileExists(atPath: path) else { throw FSError("\(flag) \(path): no such file or directory") }
        let images: Frames
        do { images = try VideoReader.read(path) } catch {
            throw FSError("\(flag) \(path): cannot read the mask image(s) (\(error))")
        }
        do { return try plan.mask(images) } catch let e as FSError { throw FSError("\(flag) \(path): \(e.message)") }
    }
}
