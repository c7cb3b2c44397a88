import Foundation
import FSTensor

/// A reference fixture (one safetensors file): `param/`, `input/`, `output/`, `debug/` tensors and
/// metadata (`kind`, `config`, `tolerance`, …). See ../shared/fixtures/*/README.md.
public struct ParityFixture {
    public let path: String
    public let stateDict: StateDict

    public init(path: String) throws {
        self.path = path
        self.stateDict = try SafeTensors.read(path: path)
    }

    public init(stateDict: StateDict, path: String) { self.stateDict = stateDict; self.path = path }

    public var metadata: [String: String] { stateDict.metadata }
    public var kind: String? { metadata["kind"] }
    /// The `config` metadata as raw JSON bytes (decode with JSONDecoder into a module's config struct).
    public var configJSON: Data? { metadata["config"].map { Data($0.utf8) } }
    /// Parsed JSON of a metadata entry.
    public func json(_ key: String) -> Any? {
        metadata[key].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed]) }
    }

    public var params: StateDictView { stateDict.view(prefix: "param/") }

    public func has(_ name: String) -> Bool { stateDict[name] != nil }
    /// Tensor by full name (`input/x`, `output/eps`, `debug/input_blocks.1`); throws naming it if absent.
    public func stored(_ name: String) throws -> StoredTensor {
        guard let t = stateDict[name] else { throw FSError("\(path): fixture has no tensor '\(name)'") }
        return t
    }
    public func tensor(_ name: String) throws -> Tensor { try stored(name).tensor() }
    public func input(_ name: String) throws -> Tensor { try tensor("input/" + name) }
    public func output(_ name: String) throws -> Tensor { try tensor("output/" + name) }
    public func names(prefix: String) -> [String] { stateDict.keys.filter { $0.hasPrefix(prefix) } }

    /// Tolerance for a full tensor name: `tolerance_by_output[name]`, else `tolerance.per_tensor[name]`,
    /// else the file-wide `tolerance` atol/rtol; for `debug/` names, 10× the `observed_f32_error` entry.
    public func tolerance(for name: String) -> (atol: Double, rtol: Double) {
        func pair(_ d: [String: Any]?) -> (Double, Double)? {
            guard let d, let a = (d["atol"] as? NSNumber)?.doubleValue else { return nil }
            return (a, (d["rtol"] as? NSNumber)?.doubleValue ?? 0)
        }
        if name.hasPrefix("debug/"), let obs = json("observed_f32_error") as? [String: Any],
           let e = obs[name] as? [String: Any],
           let a = (e["max_abs"] as? NSNumber)?.doubleValue, let r = (e["max_rel"] as? NSNumber)?.doubleValue {
            return (Swift.max(1e-5, 10 * a), Swift.max(1e-5, 10 * r))
        }
        if let by = json("tolerance_by_output") as? [String: Any], let p = pair(by[name] as? [String: Any]) { return p }
        let tol = json("tolerance") as? [String: Any]
        if let per = tol?["per_tensor"] as? [String: Any], let p = pair(per[name] as? [String: Any]) { return p }
        if let p = pair(tol) { return p }
        return (1e-5, 1e-4)
    }
}

/// The result of comparing outputs with a fixture: one line per tensor.
public struct ParityReport: CustomStringConvertible {
    public struct Line {
        public let name: String
        public let maxAbs: Double
        public let maxRel: Double
        public let atol: Double
        public let rtol: Double
        public let passed: Bool
        public let note: String
    }
    public var title: String
    public private(set) var lines: [Line] = []

    public init(title: String) { self.title = title }

    public var passed: Bool { !lines.isEmpty && lines.allSatisfy(\.passed) }
    public var firstFailure: Line? { lines.first { !$0.passed } }

    /// Adds a comparison: passes when |got − ref| ≤ atol + rtol·|ref| for every element.
    public mutating func check(_ name: String, got: [Double], ref: [Double], atol: Double, rtol: Double) {
        guard got.count == ref.count else {
            lines.append(Line(name: name, maxAbs: .infinity, maxRel: .infinity, atol: atol, rtol: rtol, passed: false,
                              note: "element count \(got.count) ≠ reference \(ref.count)"))
            return
        }
        var maxAbs = 0.0, maxRel = 0.0, ok = true
        for i in 0..<got.count {
            let d = abs(got[i] - ref[i])
            if !(d <= atol + rtol * abs(ref[i])) { ok = false }
            if d.isNaN { maxAbs = .nan; continue }
            maxAbs = Swift.max(maxAbs, d)
            if ref[i] != 0 { maxRel = Swift.max(maxRel, d / abs(ref[i])) }
        }
        lines.append(Line(name: name, maxAbs: maxAbs, maxRel: maxRel, atol: atol, rtol: rtol, passed: ok, note: ""))
    }

    public mutating func check(_ name: String, got: Tensor, ref: Tensor, atol: Double, rtol: Double) {
        if got.shape != ref.shape {
            lines.append(Line(name: name, maxAbs: .infinity, maxRel: .infinity, atol: atol, rtol: rtol, passed: false,
                              note: "shape \(got.shape) ≠ reference \(ref.shape)"))
            return
        }
        check(name, got: got.data.map(Double.init), ref: ref.data.map(Double.init), atol: atol, rtol: rtol)
    }

    /// Compares with the fixture tensor `name`, using the fixture's tolerance for it.
    public mutating func check(_ name: String, got: Tensor, fixture: ParityFixture) throws {
        let ref = try fixture.stored(name)
        let (a, r) = fixture.tolerance(for: name)
        if got.shape != ref.shape && got.count == ref.elementCount {
            check(name, got: got.reshaped(ref.shape), ref: ref.tensor(), atol: a, rtol: r)
        } else {
            check(name, got: got, ref: ref.tensor(), atol: a, rtol: r)
        }
    }

    public mutating func check(_ name: String, got: [Double], fixture: ParityFixture) throws {
        let ref = try fixture.stored(name)
        let (a, r) = fixture.tolerance(for: name)
        check(name, got: got, ref: ref.doubles(), atol: a, rtol: r)
    }

    /// Records a non-numeric check (e.g. token ids equal).
    public mutating func record(_ name: String, passed: Bool, note: String = "") {
        lines.append(Line(name: name, maxAbs: passed ? 0 : .infinity, maxRel: 0, atol: 0, rtol: 0, passed: passed, note: note))
    }

    public var description: String {
        var s = "\(title)\n"
        for l in lines {
            let status = l.passed ? "PASS" : "FAIL"
            s += String(format: "  %@  %@  max|Δ| %.3e  max rel %.3e  (atol %.2e, rtol %.2e)",
                        status, l.name, l.maxAbs, l.maxRel, l.atol, l.rtol)
            if !l.note.isEmpty { s += "  " + l.note }
            s += "\n"
        }
        if let f = firstFailure { s += "  first divergence: \(f.name)\n" }
        s += passed ? "PASS (\(lines.count) tensors)\n" : "FAIL (\(lines.filter { !$0.passed }.count) of \(lines.count) tensors)\n"
        return s
    }
}
