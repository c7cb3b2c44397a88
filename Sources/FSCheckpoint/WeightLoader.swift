import FSTensor

/// Binds a module's weights by checkpoint key and collects every problem, so a model can report
/// missing, unexpected and mis-shaped keys all at once in one error.
///
///     let w = WeightLoader(sd.view(prefix: "model.diffusion_model."), what: "UNet")
///     let conv = w.tensor("input_blocks.0.0.weight", shape: [320, 4, 3, 3])
///     ...
///     try w.finish()   // throws one FSError listing all problems
///
/// Missing or mis-shaped tensors come back as zeros of the requested shape so construction can go on
/// and every problem is found; `finish()` must be called before the model is used.
public final class WeightLoader {
    public let view: StateDictView
    public let what: String
    public private(set) var requested: [String: [Int]] = [:]
    public private(set) var missing: [String] = []
    public private(set) var misShaped: [(key: String, expected: [Int], found: [Int])] = []
    /// Keys under the view that are allowed to be present without being requested.
    public var ignoredKeyPrefixes: [String] = []

    public init(_ view: StateDictView, what: String) { self.view = view; self.what = what }

    /// The Float32 tensor stored at `key` (relative to the view), which must have `shape`.
    public func tensor(_ key: String, shape: [Int]) -> Tensor {
        requested[key] = shape
        guard let t = view[key] else {
            missing.append(key)
            return Tensor(zeros: shape)
        }
        if t.shape != shape {
            // Conv1d/Linear weights sometimes differ only by trailing singleton dims; accept equal counts
            // of the same non-1 dims? No: the reference shapes are exact, so report.
            misShaped.append((key, shape, t.shape))
            return Tensor(zeros: shape)
        }
        return t.tensor()
    }

    /// An optional tensor (e.g. a bias that some configs omit): nil when absent, never reported missing.
    public func optionalTensor(_ key: String, shape: [Int]) -> Tensor? {
        guard view[key] != nil else { return nil }
        return tensor(key, shape: shape)
    }

    /// Keys present under the view that nobody requested.
    public var unexpected: [String] {
        view.keys.filter { requested[$0] == nil && !ignoredKeyPrefixes.contains(where: $0.hasPrefix) }.sorted()
    }

    /// Throws one error naming every missing, unexpected and mis-shaped key.
    public func finish() throws {
        let unexp = unexpected
        if missing.isEmpty && misShaped.isEmpty && unexp.isEmpty { return }
        var parts: [String] = []
        func list(_ xs: [String]) -> String {
            xs.count <= 12 ? xs.joined(separator: ", ")
                : xs.prefix(12).joined(separator: ", ") + ", … (\(xs.count - 12) more)"
        }
        if !missing.isEmpty { parts.append("\(missing.count) missing (\(list(missing.map { view.prefix + $0 })))") }
        if !misShaped.isEmpty {
            parts.append("\(misShaped.count) mis-shaped (" + list(misShaped.map {
                "\(view.prefix + $0.key): expected \($0.expected), found \($0.found)" }) + ")")
        }
        if !unexp.isEmpty { parts.append("\(unexp.count) unexpected (\(list(unexp.map { view.prefix + $0 })))") }
        throw FSError("\(what) weights do not match the config\(view.base.source.isEmpty ? "" : " in \(view.base.source)"): " + parts.joined(separator: "; "))
    }
}
