import CFFmpeg
import Foundation
import FSTensor

/// Small helpers around the libav* C API: error text, log level, rationals.
enum LibAV {
    /// libav's own log goes to stderr; fsvideo reports problems as one FSError line instead, so the
    /// libraries are quiet unless FSVIDEO_AV_LOG=debug|info|warning|error is set.
    static let configured: Void = {
        let level: Int32
        switch ProcessInfo.processInfo.environment["FSVIDEO_AV_LOG"]?.lowercased() {
        case "debug": level = AV_LOG_DEBUG
        case "info": level = AV_LOG_INFO
        case "warning": level = AV_LOG_WARNING
        case "error": level = AV_LOG_ERROR
        default: level = AV_LOG_QUIET
        }
        av_log_set_level(level)
    }()

    static func configure() { _ = configured }

    /// The text libav gives for an error code ("No such file or directory", "Invalid data found …").
    static func message(_ code: Int32) -> String {
        var buf = [CChar](repeating: 0, count: 256)
        if av_strerror(code, &buf, buf.count) < 0 { return "libav error \(code)" }
        return String(cString: buf)
    }

    /// Throws FSError("<context>: <libav message>") when `code` is negative; returns it otherwise.
    @discardableResult
    static func check(_ code: Int32, _ context: @autoclosure () -> String) throws -> Int32 {
        if code < 0 { throw FSError("\(context()): \(message(code))") }
        return code
    }

    static func pixelFormatName(_ f: AVPixelFormat) -> String {
        guard let n = av_get_pix_fmt_name(f) else { return "unknown" }
        return String(cString: n)
    }

    static let eagain = fsv_averror_eagain()
    static let eof = fsv_averror_eof()
    static let noPTS = fsv_nopts_value()
}

/// A frame rate or time base as a fraction (e.g. 30000/1001).
public struct Rational: Equatable, Sendable, CustomStringConvertible {
    public var num: Int32
    public var den: Int32
    /// The fraction in lowest terms (a zero denominator is kept as an invalid rate).
    public init(_ num: Int32, _ den: Int32 = 1) {
        var a = Int64(num).magnitude, b = Int64(den).magnitude
        while b != 0 { (a, b) = (b, a % b) }
        let g = a == 0 ? 1 : Int64(a)
        self.num = Int32(truncatingIfNeeded: Int64(num) / g)
        self.den = Int32(truncatingIfNeeded: Int64(den) / g)
    }

    /// The nearest fraction with a denominator of at most 1001·1000 (10 → 10/1, 29.97 → 30000/1001).
    public init(approximating value: Double) {
        for den: Int32 in [1, 1001, 1000, 100_100] {
            let n = (value * Double(den)).rounded()
            if abs(n / Double(den) - value) < 1e-9 * max(1, value), abs(n) < Double(Int32.max) {
                self.init(Int32(n), den)
                return
            }
        }
        let q = av_d2q(value, 1_000_000)
        self.init(q.num, q.den)
    }

    /// Parses "30", "29.97" or "30000/1001".
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, let n = Int32(parts[0]), let d = Int32(parts[1]), d != 0 {
            self.init(n, d)
        } else if parts.count == 1, let v = Double(text), v.isFinite {
            self.init(approximating: v)
        } else {
            return nil
        }
    }

    public var value: Double { den == 0 ? 0 : Double(num) / Double(den) }
    public var isValid: Bool { num > 0 && den > 0 }
    public var description: String { den == 1 ? "\(num)" : "\(num)/\(den)" }

    var av: AVRational { AVRational(num: num, den: den) }
    init(_ r: AVRational) { self.init(r.num, r.den) }
}
