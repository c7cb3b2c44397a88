import Foundation
import FSCheckpoint
import FSEval
import FSTensor

/// Parity runner for `eval/dynamic_degree` fixtures: the safetensors flows plus the JSON beside it
/// (same name, `.json`) with thresholds, counts, decisions and the fps → interval table.
public enum DynamicDegreeParity {
    public static func run(_ f: ParityFixture) throws -> ParityReport {
        var report = ParityReport(title: "VBench dynamic degree decision — \(f.path)")
        let jsonPath = (f.path as NSString).deletingPathExtension + ".json"
        guard let data = FileManager.default.contents(atPath: jsonPath),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FSError("\(jsonPath): missing or unreadable (dynamic degree cases are described there)")
        }
        for row in root["fps_interval_table"] as? [[String: Any]] ?? [] {
            guard let fps = (row["fps"] as? NSNumber)?.doubleValue, let iv = (row["interval"] as? NSNumber)?.intValue else { continue }
            let idx = (row["sampled_indices_of_first_33_frames"] as? [NSNumber])?.map(\.intValue) ?? []
            let got = DynamicDegree.interval(fps: fps)
            let gotIdx = DynamicDegree.sampledIndices(frameCount: 33, fps: fps)
            report.record("fps \(fps): interval", passed: got == iv && (idx.isEmpty || idx == gotIdx),
                          note: got == iv ? "" : "got \(got), expected \(iv)")
        }
        for c in root["cases"] as? [[String: Any]] ?? [] {
            guard let name = c["name"] as? String, let hw = c["frame_hw"] as? [NSNumber],
                  let n = (c["num_frames"] as? NSNumber)?.intValue else { continue }
            let flows = try f.input("\(name)/flows")
            let pairs = flows.shape[0], ph = flows.shape[2], pw = flows.shape[3]
            let thres = DynamicDegree.threshold(height: hw[0].intValue, width: hw[1].intValue)
            let needed = DynamicDegree.countNeeded(sampledFrames: n)
            let cut = DynamicDegree.cutIndex(height: ph, width: pw)
            func exact(_ what: String, _ got: Double, _ key: String) {
                let ref = (c[key] as? NSNumber)?.doubleValue
                report.record("\(name): \(what)", passed: ref == got, note: ref == got ? "" : "got \(got), expected \(ref.map { "\($0)" } ?? "-")")
            }
            exact("thres", thres, "thres"); exact("count_num", Double(needed), "count_num"); exact("cut_index", Double(cut), "cut_index")
            let per = pairs > 0 ? flows.count / pairs : 0
            let scores = (0..<pairs).map { p in
                DynamicDegree.topFivePercentMean(flow: Tensor(shape: [2, ph, pw], data: Array(flows.data[(p * per)..<((p + 1) * per)])))
            }
            try report.check("output/\(name)/top5_mean", got: scores, fixture: f)
            let dyn = DynamicDegree.isDynamic(scores: scores, threshold: thres, countNeeded: needed)
            let ref = try f.stored("output/\(name)/is_dynamic").doubles().first.map { $0 != 0 }
            report.record("output/\(name)/is_dynamic", passed: dyn == ref, note: dyn == ref ? "" : "got \(dyn)")
        }
        return report
    }
}
