import Foundation
import FSEval
import FSTensor
import FSVideo

/// One generated set of `eval --compare NAME=DIR`: its videos (found anywhere below DIR, e.g. the
/// `out/fs/<prompt>/video.mp4` folders `fsvideo generate` writes) and their generation times from the
/// run.json beside each video.
struct EvalMethodSet {
    let name: String
    let directory: String
    let videos: [EvalVideo]
    /// Seconds per video from run.json (text encoding + denoising + VAE decoding; model loading excluded).
    let generationSeconds: [Double]

    /// Parses `NAME=DIR`.
    static func parse(_ arg: String) throws -> (name: String, directory: String) {
        guard let eq = arg.firstIndex(of: "="), eq != arg.startIndex, arg.index(after: eq) != arg.endIndex else {
            throw FSError("eval: --compare takes NAME=DIR (e.g. freescale=out/fs), got '\(arg)'")
        }
        return (String(arg[..<eq]), String(arg[arg.index(after: eq)...]))
    }

    static func load(name: String, directory: String, conversion: ColorConversion) throws -> EvalMethodSet {
        let files = try videoFiles(under: directory, flag: "--compare \(name)")
        let paths = files.isEmpty ? try EvalVideoInput.expand([directory], flag: "--compare \(name)", conversion: conversion).map(\.path) : files
        var byFolder: [String: Int] = [:]
        for p in paths { byFolder[(p as NSString).deletingLastPathComponent, default: 0] += 1 }
        // A run.json describes one generation: only used where its folder holds a single video.
        let times = paths.compactMap { p -> Double? in
            let dir = (p as NSString).deletingLastPathComponent
            guard byFolder[dir] == 1 else { return nil }
            return generationSeconds(runJSON: (dir as NSString).appendingPathComponent("run.json"))
        }
        return EvalMethodSet(name: name, directory: directory, videos: paths.map { EvalVideoInput.video($0, conversion) },
                             generationSeconds: times)
    }

    /// Video files below `directory` (sorted; hidden entries and FreeScale's intermediate `stage-*` videos skipped).
    static func videoFiles(under directory: String, flag: String) throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) else {
            throw FSError("\(directory): no such folder (\(flag))")
        }
        guard isDir.boolValue else { return [directory] }
        guard let e = FileManager.default.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            let name = (rel as NSString).lastPathComponent
            if name.hasPrefix(".") { e.skipDescendants(); continue }
            guard EvalVideoInput.videoExtensions.contains((name as NSString).pathExtension.lowercased()), !name.hasPrefix("stage-") else { continue }
            out.append((directory as NSString).appendingPathComponent(rel))
        }
        return out.sorted()
    }

    /// Sum of `timings_seconds` without `load_model`, or nil when the record is absent or has no times.
    static func generationSeconds(runJSON path: String) -> Double? {
        guard let d = FileManager.default.contents(atPath: path),
              let obj = try? JSONSerialization.jsonObject(with: d) as? [String: Any],
              let t = obj["timings_seconds"] as? [String: Any] else { return nil }
        let parts = t.filter { $0.key != "load_model" }.compactMap { ($0.value as? NSNumber)?.doubleValue }
        return parts.isEmpty ? nil : parts.reduce(0, +)
    }
}
