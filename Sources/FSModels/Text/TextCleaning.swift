import Foundation
import FSTensor

/// open_clip 2.22's prompt cleaning: `ftfy.fix_text` → `html.unescape` twice → strip → every run of
/// whitespace becomes one space → strip → lower-case.
public enum TextCleaning {
    /// Cleans a prompt the way open_clip's SimpleTokenizer does before splitting it.
    public static func clean(_ text: String) -> String {
        var t = TextRepair.fixText(text)
        t = HTMLUnescape.python(HTMLUnescape.python(t))
        t = collapseWhitespace(t)
        return pythonLower(t)
    }

    /// Validates raw prompt bytes: invalid UTF-8 is refused with one clear line.
    public static func decodePrompt(_ bytes: [UInt8]) throws -> String {
        guard let s = TextRepair.decodeUTF8Strict(bytes) else {
            let bad = firstInvalidUTF8Offset(bytes)
            throw FSError("prompt is not valid UTF-8 (bad byte 0x\(String(bytes[bad], radix: 16)) at offset \(bad))")
        }
        return s
    }

    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
        var lo = 0, hi = bytes.count
        while hi - lo > 1 {  // the shortest invalid prefix
            let mid = (lo + hi) / 2
            if TextRepair.decodeUTF8Strict(Array(bytes[0..<mid])) == nil { hi = mid } else { lo = mid }
        }
        return min(lo, bytes.count - 1)
    }

    /// Python's `str.isspace` set (what `\s` matches in a `str` pattern).
    static func isPythonWhitespace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// strip, `re.sub(r"\s+", " ", …)`, strip.
    static func collapseWhitespace(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for c in text.unicodeScalars {
            if isPythonWhitespace(c) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" "); pendingSpace = false }
                out.append(c)
            }
        }
        return String(out)
    }

    /// Python `str.lower()`: full Unicode lower-case mapping, with the final-sigma rule.
    static func pythonLower(_ text: String) -> String {
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, c) in s.enumerated() {
            if c.value == 0x3A3 {
                out.append(isFinalSigma(s, i) ? "\u{3C2}" : "\u{3C3}")
                continue
            }
            out.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
        }
        return String(out)
    }

    /// Σ preceded by a cased letter and not followed by one (case-ignorable characters skipped).
    static func isFinalSigma(_ s: [Unicode.Scalar], _ i: Int) -> Bool {
        var j = i - 1
        while j >= 0, s[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0, s[j].properties.isCased else { return false }
        var k = i + 1
        while k < s.count, s[k].properties.isCaseIgnorable { k += 1 }
        return !(k < s.count && s[k].properties.isCased)
    }
}
