import Foundation
import FSCheckpoint
import FSModels
import FSTensor

/// Parity runner for `clip_text` fixtures (../shared/fixtures/lvdm/clip_text_tiny.safetensors): builds the
/// text tower from the fixture's config and `param/cond_stage_model.model.*`, encodes `input/tokens` with
/// layer "penultimate" and "last", and compares outputs and the debug activations in compute order.
public enum OpenCLIPTextParity {
    struct FixtureConfig: Decodable {
        let openClipModelCfg: OpenCLIPTextConfig
        enum CodingKeys: String, CodingKey { case openClipModelCfg = "open_clip_model_cfg" }
    }

    public static func run(_ f: ParityFixture, precision: Precision = .fp32) throws -> ParityReport {
        guard let json = f.configJSON else { throw FSError("\(f.path): clip_text fixture has no config") }
        let config: OpenCLIPTextConfig
        do { config = try JSONDecoder().decode(FixtureConfig.self, from: json).openClipModelCfg } catch {
            throw FSError("\(f.path): clip_text config does not decode: \(error)")
        }
        let encoder = try OpenCLIPTextEncoder(config: config, layer: .penultimate,
                                              weights: f.stateDict.view(prefix: "param/" + OpenCLIPTextEncoder.checkpointPrefix),
                                              precision: precision)
        let stored = try f.stored("input/tokens")
        let ids = stored.int64s().map { Int($0) }
        let l = stored.shape.last ?? 0
        guard l > 0, ids.count % l == 0 else { throw FSError("\(f.path): input/tokens has shape \(stored.shape)") }
        let rows = stride(from: 0, to: ids.count, by: l).map { Array(ids[$0..<($0 + l)]) }

        var report = ParityReport(title: "clip_text \(f.path)")
        var debug: [(String, Tensor)] = []
        let last = try encoder.encode(tokens: rows, layer: .last, probe: { debug.append(($0, $1)) })
        for (name, t) in debug where f.has("debug/" + name) { try report.check("debug/" + name, got: t, fixture: f) }
        let penultimate = try encoder.encode(tokens: rows, layer: .penultimate)
        try report.check("output/penultimate", got: penultimate, fixture: f)
        try report.check("output/last", got: last, fixture: f)
        return report
    }
}
