import Foundation
import FSCheckpoint
import FSModels
import FSTensor

/// Parity runner for fixtures of kind `unet3d` (../shared/fixtures/lvdm/README.md §1–2): builds the UNet from
/// the fixture's `config` and `param/` weights, runs it on `input/`, and compares every `debug/` intermediate
/// (in forward order, so the first FAIL names the first diverging block) and `output/eps`.
/// A fixture with `dilated`/`dilation` metadata runs with those convolutions dilated.
public enum UNet3DParity {
    /// `precision` bf16 builds the UNet in bf16 (today's tolerances are fp32's: read the errors, not the verdict).
    public static func run(_ f: ParityFixture, precision: Precision = .fp32) throws -> ParityReport {
        try run(f, weights: f.params.view(UNet3D.checkpointPrefix), title: "unet3d \(f.path)", precision: precision)
    }

    /// Same inputs and comparisons, with the weights taken from another state dict (e.g. a `.ckpt`).
    public static func run(_ f: ParityFixture, weights: StateDictView, title: String,
                           tolerance: (atol: Double, rtol: Double)? = nil, precision: Precision = .fp32) throws -> ParityReport {
        let model = try makeModel(f, weights: weights, precision: precision)
        let (eps, debug) = try forward(model, f, observe: tolerance == nil)
        var report = ParityReport(title: title)
        for (name, t) in debug { try report.check("debug/" + name, got: t, fixture: f) }
        let produced = Set(debug.map(\.0))
        for name in f.names(prefix: "debug/") where !produced.contains(String(name.dropFirst(6))) {
            report.record(name, passed: false, note: "not produced by the Swift UNet")
        }
        if let tolerance {
            report.check("output/eps", got: eps, ref: try f.output("eps"), atol: tolerance.atol, rtol: tolerance.rtol)
        } else {
            try report.check("output/eps", got: eps, fixture: f)
        }
        return report
    }

    /// The config of a fixture (its `config` metadata).
    public static func config(of f: ParityFixture) throws -> UNet3DConfig {
        guard let json = f.configJSON else { throw FSError("\(f.path): fixture has no 'config' metadata") }
        return try UNet3DConfig.decode(json: json)
    }

    public static func makeModel(_ f: ParityFixture, weights: StateDictView, precision: Precision = .fp32) throws -> UNet3D {
        try UNet3D(config: try config(of: f), weights: weights, precision: precision)
    }

    /// The dilation map of a dilated fixture (`dilated` names, `dilation` value), empty otherwise.
    public static func dilationMap(of f: ParityFixture) throws -> [String: Int] {
        guard let names = f.json("dilated") as? [String] else { return [:] }
        guard let d = f.metadata["dilation"].flatMap({ Int($0) }) else {
            throw FSError("\(f.path): 'dilated' metadata without an integer 'dilation'")
        }
        return Dictionary(uniqueKeysWithValues: names.map { ($0, d) })
    }

    /// Runs the fixture's inputs; returns ε and the observed intermediates the fixture has, in forward order.
    public static func forward(_ model: UNet3D, _ f: ParityFixture, observe: Bool = true) throws
        -> (eps: Tensor, debug: [(String, Tensor)]) {
        let x = try f.input("x")
        let timesteps = try f.stored("input/timesteps").int64s().map { Int($0) }
        let fps = f.has("input/fps") ? try f.stored("input/fps").int64s().map { Int($0) } : []
        let context = try f.input("context")
        var seen: [(String, Tensor)] = []
        var options = UNet3DForwardOptions(convDilation: try dilationMap(of: f))
        if observe {
            options.observer = { name, t in if f.has("debug/" + name) { seen.append((name, t)) } }
        }
        let eps = try model.forward(x: x, timesteps: timesteps, context: context, fps: fps, options: options)
        return (eps, seen)
    }
}
