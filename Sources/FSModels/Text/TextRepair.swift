import Foundation

/// The part of `ftfy.fix_text` (default options, ftfy 6.3) that CLIP prompts meet: HTML entities (only
/// when the segment has no '<'), UTF-8 mojibake read as Latin-1 / Windows-1252 (including the lossy
/// "â€�" form), C1 controls, Latin ligatures, full/half-width forms, curly quotes, line breaks, control
/// characters and NFC — repeated per line until nothing changes, as ftfy does.
///
/// ftfy decides *whether* text is mojibake with a large "badness" heuristic; here a text is treated as
/// mojibake only when re-encoding it gives well-formed UTF-8 containing a multi-byte sequence and it
/// shows a typical lead/continuation pair (e.g. "Ã©", "â€"). Rare mixed-script mojibake that ftfy would
/// repair in pieces is repaired piecewise the same way; other exotic cases may differ from ftfy.
enum TextRepair {
    static func fixText(_ text: String) -> String {
        var out = ""
        var unescapeHTML = true
        // Segments end after each '\n' (kept), like ftfy.fix_text.
        var segment = ""
        func flush() {
            if segment.contains("<") { unescapeHTML = false }  // ftfy "auto": stays off for later segments
            out += fixSegment(segment, unescapeHTML: unescapeHTML)
            segment = ""
        }
        for ch in text.unicodeScalars {
            segment.unicodeScalars.append(ch)
            if ch == "\n" { flush() }
        }
        if !segment.isEmpty { flush() }
        return out
    }

    static func fixSegment(_ input: String, unescapeHTML: Bool) -> String {
        var text = input
        for _ in 0..<16 {
            let before = text
            if unescapeHTML { text = HTMLUnescape.ftfy(text) }
            text = fixEncoding(text)
            text = fixC1Controls(text)
            text = mapScalars(text) { ligatures[$0.value] }
            text = mapScalars(text) { widthMap($0) }
            text = uncurlQuotes(text)
            text = fixLineBreaks(text)
            text = removeTerminalEscapes(text)
            text = mapScalars(text) { isRemovedControl($0.value) ? "" : nil }
            text = text.precomposedStringWithCanonicalMapping
            if text == before { break }
        }
        return text
    }

    // MARK: - mojibake

    /// Byte of `c` in "sloppy" Windows-1252 (undefined bytes map to their C1 code points, U+FFFD → 0x1A).
    static func sloppyCP1252Byte(_ c: Unicode.Scalar) -> UInt8? {
        let v = c.value
        if v < 0x80 || (0xA0...0xFF).contains(v) { return UInt8(v) }
        if v == 0xFFFD { return 0x1A }
        if let i = HTMLUnescape.cp1252High.firstIndex(of: v) { return UInt8(0x80 + i) }
        return nil
    }

    static func latin1Byte(_ c: Unicode.Scalar) -> UInt8? { c.value < 0x100 ? UInt8(c.value) : nil }

    /// Mojibake signature: a UTF-8 lead byte's character followed by a continuation byte's character.
    static func looksLikeMojibake(_ text: String) -> Bool {
        let s = Array(text.unicodeScalars)
        guard s.count >= 2 else { return false }
        for i in 0..<(s.count - 1) {
            guard let lead = sloppyCP1252Byte(s[i]), (0xC2...0xF4).contains(lead), s[i].value >= 0x80 else { continue }
            if let next = sloppyCP1252Byte(s[i + 1]), (0x80...0xBF).contains(next) || next == 0x1A { return true }
        }
        return false
    }

    static func fixEncoding(_ text: String) -> String {
        var text = text
        for _ in 0..<8 {
            let fixed = fixEncodingOneStep(text)
            if fixed == text { break }
            text = fixed
        }
        return text
    }

    static func fixEncodingOneStep(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy(\.isASCII), looksLikeMojibake(text) else { return text }
        for (sloppy, encode) in [(false, latin1Byte), (true, sloppyCP1252Byte)] as [(Bool, (Unicode.Scalar) -> UInt8?)] {
            let bytes = text.unicodeScalars.map(encode)
            guard bytes.allSatisfy({ $0 != nil }) else { continue }
            var b = restoreByteA0(bytes.map { $0! })
            if sloppy { b = replaceLossySequences(b) }
            if let decoded = decodeUTF8Strict(b) { return decoded }
        }
        return decodeInconsistentUTF8(text)
    }

    /// UTF-8 sequences whose 0xA0 byte became a plain space (a Windows-1252 program's doing) get it back,
    /// for the lead bytes and positions ftfy accepts.
    static func restoreByteA0(_ b: [UInt8]) -> [UInt8] {
        guard b.contains(0x20) else { return b }
        func cont(_ x: UInt8) -> Bool { (0x80...0xBF).contains(x) }
        func likely(_ x: UInt8) -> Bool { (0x80...0x84).contains(x) || (0x86...0x9F).contains(x) || (0xA1...0xBF).contains(x) }
        // Alternatives in ftfy's order: each a list of byte predicates (a space is where 0xA0 belongs).
        let sp: (UInt8) -> Bool = { $0 == 0x20 }
        let patterns: [[(UInt8) -> Bool]] = [
            [{ [0xC2, 0xC3, 0xC5, 0xCE, 0xD0, 0xD9].contains($0) }, sp],
            [{ $0 == 0xE2 || $0 == 0xE3 }, sp, likely],
            [{ (0xE0...0xE3).contains($0) }, likely, sp],
            [{ $0 == 0xF0 }, sp, cont, cont],
            [{ $0 == 0xF0 }, cont, sp, cont],
            [{ $0 == 0xF0 }, cont, cont, sp],
        ]
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        outer: while i < b.count {
            for p in patterns where i + p.count <= b.count && p.indices.allSatisfy({ p[$0](b[i + $0]) }) {
                out += b[i..<(i + p.count)].map { $0 == 0x20 ? 0xA0 : $0 }
                i += p.count
                continue outer
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    /// UTF-8 sequences that lost a byte (0x1A stands for a byte that became U+FFFD) become one U+FFFD.
    static func replaceLossySequences(_ b: [UInt8]) -> [UInt8] {
        guard b.contains(0x1A) else { return b }
        var out: [UInt8] = []
        var i = 0
        func isCont(_ x: UInt8) -> Bool { (0x80...0xBF).contains(x) || x == 0x1A }
        while i < b.count {
            let lead = b[i]
            let n = (0xC2...0xDF).contains(lead) ? 2 : (0xE0...0xEF).contains(lead) ? 3 : (0xF0...0xF4).contains(lead) ? 4 : 0
            if n > 0, i + n <= b.count, (1..<n).allSatisfy({ isCont(b[i + $0]) }), (1..<n).contains(where: { b[i + $0] == 0x1A }) {
                out += [0xEF, 0xBF, 0xBD]
                i += n
            } else if lead == 0x1A {
                out += [0xEF, 0xBF, 0xBD]
                i += 1
            } else {
                out.append(lead)
                i += 1
            }
        }
        return out
    }

    static func decodeUTF8Strict(_ b: [UInt8]) -> String? {
        var it = b.makeIterator()
        var codec = UTF8()
        var s = String.UnicodeScalarView()
        while true {
            switch codec.decode(&it) {
            case .scalarValue(let c): s.append(c)
            case .emptyInput: return String(s)
            case .error: return nil
            }
        }
    }

    /// Repairs runs of mojibake embedded in otherwise fine text, one run at a time.
    static func decodeInconsistentUTF8(_ text: String) -> String {
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            var j = i
            var bytes: [UInt8] = []
            // Greedily collect complete lead+continuation groups.
            while j < s.count, let lead = sloppyCP1252Byte(s[j]), s[j].value >= 0x80 {
                let n = (0xC2...0xDF).contains(lead) ? 2 : (0xE0...0xEF).contains(lead) ? 3 : (0xF0...0xF4).contains(lead) ? 4 : 0
                guard n > 0, j + n <= s.count else { break }
                let cont = (1..<n).compactMap { sloppyCP1252Byte(s[j + $0]) }
                guard cont.count == n - 1, cont.allSatisfy({ (0x80...0xBF).contains($0) }) else { break }
                bytes.append(lead); bytes += cont
                j += n
            }
            if j > i, let decoded = decodeUTF8Strict(bytes) {
                out.append(contentsOf: decoded.unicodeScalars)
                i = j
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }

    // MARK: - character fixes

    static func fixC1Controls(_ text: String) -> String {
        mapScalars(text) { c in
            (0x80...0x9F).contains(c.value) ? String(Unicode.Scalar(HTMLUnescape.cp1252High[Int(c.value - 0x80)])!) : nil
        }
    }

    static let ligatures: [UInt32: String] = [
        0x132: "IJ", 0x133: "ij", 0x149: "\u{2BC}n", 0x1F1: "DZ", 0x1F2: "Dz", 0x1F3: "dz", 0x1C4: "D\u{17D}",
        0x1C5: "D\u{17E}", 0x1C6: "d\u{17E}", 0x1C7: "LJ", 0x1C8: "Lj", 0x1C9: "lj", 0x1CA: "NJ", 0x1CB: "Nj",
        0x1CC: "nj", 0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "\u{17F}t",
        0xFB06: "st",
    ]

    /// Full-width and half-width forms (U+FF01…U+FFEF) → their NFKC form; ideographic space → space.
    static func widthMap(_ c: Unicode.Scalar) -> String? {
        if c.value == 0x3000 { return " " }
        guard (0xFF01...0xFFEF).contains(c.value) else { return nil }
        let s = String(c)
        let n = s.precomposedStringWithCompatibilityMapping
        return n == s ? nil : n
    }

    static func uncurlQuotes(_ text: String) -> String {
        mapScalars(text) { c in
            switch c.value {
            case 0x2BC, 0x2018...0x201B: return "'"
            case 0x201C...0x201F: return "\""
            default: return nil
            }
        }
    }

    static func fixLineBreaks(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { [0x0D, 0x2028, 0x2029, 0x85].contains($0.value) }) else { return text }
        var out = String.UnicodeScalarView()
        let s = Array(text.unicodeScalars)
        var i = 0
        while i < s.count {
            switch s[i].value {
            case 0x0D:
                out.append("\n")
                if i + 1 < s.count, s[i + 1] == "\n" { i += 1 }
            case 0x2028, 0x2029, 0x85: out.append("\n")
            default: out.append(s[i])
            }
            i += 1
        }
        return String(out)
    }

    /// ANSI terminal escapes `ESC [ digits/; letter`.
    static func removeTerminalEscapes(_ text: String) -> String {
        guard text.unicodeScalars.contains("\u{1B}") else { return text }
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if s[i] == "\u{1B}", i + 1 < s.count, s[i + 1] == "[" {
                var j = i + 2
                while j < s.count, ("0"..."9").contains(s[j]) || s[j] == ";" { j += 1 }
                if j < s.count, s[j].isASCII, s[j].properties.isAlphabetic { i = j + 1; continue }
            }
            out.append(s[i])
            i += 1
        }
        return String(out)
    }

    /// The control characters ftfy strips (tab, LF, FF, CR are kept; so are ZWJ, ZWSP and soft hyphen).
    static func isRemovedControl(_ v: UInt32) -> Bool {
        (0x00...0x08).contains(v) || v == 0x0B || (0x0E...0x1F).contains(v) || v == 0x7F
            || (0x206A...0x206F).contains(v) || v == 0xFEFF || (0xFFF9...0xFFFC).contains(v)
    }

    static func mapScalars(_ text: String, _ f: (Unicode.Scalar) -> String?) -> String {
        var changed = false
        var out = String.UnicodeScalarView()
        for c in text.unicodeScalars {
            if let r = f(c) { out.append(contentsOf: r.unicodeScalars); changed = true } else { out.append(c) }
        }
        return changed ? String(out) : text
    }
}
