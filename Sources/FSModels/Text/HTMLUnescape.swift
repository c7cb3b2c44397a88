/// HTML character-reference decoding with the semantics of Python's `html.unescape` (which open_clip
/// applies twice), plus the stricter variant ftfy uses (only `&name;` / `&#…;` forms, semicolon required).
enum HTMLUnescape {
    /// Windows-1252 meaning of the bytes 0x80…0x9F; undefined bytes keep their C1 code point.
    static let cp1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// Python `html.unescape`: `&#123;`, `&#x7B;` (semicolon optional), named references (longest known
    /// prefix when unterminated), numeric references mapped as the HTML5 spec says.
    static func python(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            guard s[i] == "&", i + 1 < s.count else { out.append(s[i]); i += 1; continue }
            if s[i + 1] == "#" {
                var j = i + 2
                var hex = false
                if j < s.count, s[j] == "x" || s[j] == "X" { hex = true; j += 1 }
                let digitsStart = j
                while j < s.count, isDigit(s[j], hex: hex) { j += 1 }
                if j == digitsStart { out.append(s[i]); i += 1; continue }
                let digits = String(String.UnicodeScalarView(s[digitsStart..<j]))
                if j < s.count, s[j] == ";" { j += 1 }
                out.append(contentsOf: numericReference(digits, hex: hex).unicodeScalars)
                i = j
                continue
            }
            // Named: up to 32 scalars outside [\t\n\f <&#;], then an optional ';'.
            var j = i + 1
            while j < s.count, j - (i + 1) < 32, !"\t\n\u{0C} <&#;".unicodeScalars.contains(s[j]) { j += 1 }
            if j == i + 1 { out.append(s[i]); i += 1; continue }
            if j < s.count, s[j] == ";" { j += 1 }
            let name = String(String.UnicodeScalarView(s[(i + 1)..<j]))
            out.append(contentsOf: namedReference(name).unicodeScalars)
            i = j
        }
        return String(out)
    }

    static func isDigit(_ c: Unicode.Scalar, hex: Bool) -> Bool {
        switch c {
        case "0"..."9": return true
        case "a"..."f", "A"..."F": return hex
        default: return false
        }
    }

    static func numericReference(_ digits: String, hex: Bool) -> String {
        let trimmed = digits.drop { $0 == "0" }
        let num: UInt32 = trimmed.count > 8 ? 0x110000 : UInt32(trimmed.isEmpty ? "0" : String(trimmed), radix: hex ? 16 : 10).map { min($0, 0x110000) } ?? 0x110000
        switch num {
        case 0x00: return "\u{FFFD}"
        case 0x0D: return "\r"
        case 0x80...0x9F: return String(Unicode.Scalar(cp1252High[Int(num - 0x80)])!)
        case 0xD800...0xDFFF, 0x110000...: return "\u{FFFD}"
        case 0x01...0x08, 0x0B, 0x0E...0x1F, 0x7F, 0xFDD0...0xFDEF: return ""
        default:
            if num & 0xFFFE == 0xFFFE { return "" }  // U+xFFFE / U+xFFFF of every plane
            return String(Unicode.Scalar(num)!)
        }
    }

    static func namedReference(_ name: String) -> String {
        if let v = HTMLEntities.table[name] { return v }
        let scalars = Array(name.unicodeScalars)
        var x = scalars.count - 1
        while x > 1 {
            let prefix = String(String.UnicodeScalarView(scalars[0..<x]))
            if let v = HTMLEntities.table[prefix] { return v + String(String.UnicodeScalarView(scalars[x...])) }
            x -= 1
        }
        return "&" + name
    }

    /// ftfy also reads an all-caps spelling of an all-lowercase entity (`&EACUTE;` → "É") when that
    /// spelling means nothing to html.unescape.
    static func uppercasedEntity(_ name: String) -> String? {
        let lower = name.lowercased()
        guard name == lower.uppercased(), name != lower, let v = HTMLEntities.table[lower],
              python("&" + name) == "&" + name else { return nil }
        return v.uppercased()
    }

    /// ftfy's `unescape_html`: only `&[#]alnum{1,24};` forms; known names with ';', or numeric references
    /// whose whole text is consumed; anything else is left as written.
    static func ftfy(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if s[i] == "&" {
                var j = i + 1
                if j < s.count, s[j] == "#" { j += 1 }
                let start = j
                while j < s.count, j - start < 24, s[j].isASCII, s[j].properties.isAlphabetic || ("0"..."9").contains(s[j]) { j += 1 }
                if j > start, j < s.count, s[j] == ";" {
                    let whole = String(String.UnicodeScalarView(s[i...j]))
                    let name = String(String.UnicodeScalarView(s[(i + 1)...j]))
                    var replacement: String? = nil
                    if let v = HTMLEntities.table[name] {
                        replacement = v
                    } else if let v = uppercasedEntity(name) {
                        replacement = v
                    } else if s[i + 1] == "#" {
                        let u = python(whole)
                        if !u.contains(";") { replacement = u }
                    }
                    if let r = replacement {
                        out.append(contentsOf: r.unicodeScalars)
                        i = j + 1
                        continue
                    }
                }
            }
            out.append(s[i])
            i += 1
        }
        return String(out)
    }
}
