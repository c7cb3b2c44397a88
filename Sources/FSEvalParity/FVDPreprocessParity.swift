import Foundation
import FSCheckpoint
import FSEval
import FSTensor

/// Parity runner for `eval/fvd_preprocess` fixtures.
public enum FVDPreprocessParity {
    public static func run(_ f: ParityFixture) throws -> ParityReport {
        var report = ParityReport(title: "FVD preprocessing (resize short side to 224 with ceil, crop, [-1,1]) — \(f.path)")
        for (input, suffix) in [("video", ""), ("video_portrait_down", "_portrait_down"), ("video_ceil_trap", "_ceil_trap")] {
            guard f.has("input/\(input)") else { continue }
            let v = try video(f.stored("input/\(input)"))
            let clip = FVDPreprocess.clip(v)
            // For 8-bit input the styleganv path (float video x = u8/255) is the same computation.
            for method in ["videogpt", "styleganv"] where f.has("output/\(method)\(suffix)") {
                try report.check("output/\(method)\(suffix)", got: clip, fixture: f)
            }
            if input == "video", f.has("debug/resized_frame0") {
                try report.check("debug/resized_frame0", got: FVDPreprocess.resizedFirstFrame(v), fixture: f)
            }
        }
        if f.has("input/quant_float01") {
            let q = try f.tensor("input/quant_float01").data.map { Float(FVDPreprocess.quantize($0)) }
            try report.check("output/quant_uint8", got: Tensor(shape: [q.count], data: q), fixture: f)
        }
        return report
    }

    static func video(_ s: StoredTensor) throws -> RGBVideo {
        guard s.dtype == .u8, s.shape.count == 4, s.shape[3] == 3 else {
            throw FSError("fvd_preprocess: expected a U8 [T,H,W,3] video, got \(s.dtype.rawValue) \(s.shape)")
        }
        return RGBVideo(frames: s.shape[0], height: s.shape[1], width: s.shape[2], bytes: [UInt8](s.bytes))
    }
}
