import Foundation
import FreeScale
import FSTensor

/// Range checks of numeric flags, made before any file is read or model loaded. The limits are far beyond
/// anything useful and small enough that every product of them (frames × height × width × channels)
/// fits in an Int, so nothing downstream can overflow.
public enum FlagCheck {
    public static let maxFrames = 1024
    public static let maxSide = 16384
    public static let maxSteps = 1000

    public static func int(_ value: Int?, _ flag: String, _ range: ClosedRange<Int>) throws {
        guard let value else { return }
        guard range.contains(value) else {
            throw FSError("\(flag) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
    }

    /// Also refuses NaN and ±infinity.
    public static func double(_ value: Double?, _ flag: String, _ range: ClosedRange<Double>, openLower: Bool = false) throws {
        guard let value else { return }
        guard value.isFinite, range.contains(value), !(openLower && value == range.lowerBound) else {
            throw FSError("\(flag) must be a number in \(openLower ? "(" : "[")\(Self.format(range.lowerBound)), \(Self.format(range.upperBound))], got \(value)")
        }
    }

    /// Each side of the frame sizes within 1...maxSide.
    public static func size(_ sizes: [FrameSize], _ flag: String) throws {
        for size in sizes where size.height > maxSide || size.width > maxSide {
            throw FSError("\(flag) \(size): a side of \(Swift.max(size.height, size.width)) pixels is beyond the limit of \(maxSide)")
        }
    }

    private static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
