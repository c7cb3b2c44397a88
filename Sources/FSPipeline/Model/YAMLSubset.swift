import Foundation
import FSDiffusion
import FSTensor

/// The block-style YAML subset VideoCrafter's configs use: nested mappings by indentation, `key: scalar`,
/// `- item` lists, flow lists `[a, b]` / `[]`, `#` comments. Scalars become Int, Double, Bool or String.
/// Anchors, multi-line strings and flow mappings are refused with an error naming the line.
public enum YAMLSubset {
    private struct Line { let indent: Int; let text: String; let number: Int }

    public static func parse(_ text: String, source: String) throws -> Any {
        var lines: [Line] = []
        for (i, raw) in text.components(separatedBy: .newlines).enumerated() {
            var s = raw
            if let hash = s.range(of: " #") ?? (s.trimmingCharacters(in: .whitespaces).hasPrefix("#") ? s.range(of: "#") : nil) {
                s = String(s[..<hash.lowerBound])
            }
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed == "---" { continue }
            if trimmed.hasPrefix("&") || trimmed.contains(": &") || trimmed.contains(": *") || trimmed.hasSuffix("|") || trimmed.hasSuffix(">") {
                throw FSError("\(source):\(i + 1): YAML feature not supported (anchors, block scalars)")
            }
            lines.append(Line(indent: s.prefix { $0 == " " }.count, text: trimmed, number: i + 1))
        }
        var pos = 0
        return try block(lines, &pos, indent: lines.first?.indent ?? 0, source: source)
    }

    private static func block(_ lines: [Line], _ pos: inout Int, indent: Int, source: String) throws -> Any {
        if pos < lines.count, lines[pos].text.hasPrefix("- ") || lines[pos].text == "-" {
            var list: [Any] = []
            while pos < lines.count, lines[pos].indent == indent, lines[pos].text.hasPrefix("-") {
                let item = String(lines[pos].text.dropFirst()).trimmingCharacters(in: .whitespaces)
                if item.contains(": ") || item.hasSuffix(":") {
                    throw FSError("\(source):\(lines[pos].number): lists of mappings are not supported")
                }
                list.append(scalar(item)); pos += 1
            }
            return list
        }
        var map: [String: Any] = [:]
        while pos < lines.count, lines[pos].indent == indent {
            let l = lines[pos]
            guard let colon = l.text.range(of: ":") else { throw FSError("\(source):\(l.number): expected 'key: value'") }
            let key = String(l.text[..<colon.lowerBound]).trimmingCharacters(in: .whitespaces)
            let rest = String(l.text[colon.upperBound...]).trimmingCharacters(in: .whitespaces)
            pos += 1
            if !rest.isEmpty {
                map[key] = scalar(rest)
            } else if pos < lines.count, lines[pos].indent > indent
                        || (lines[pos].indent == indent && lines[pos].text.hasPrefix("-")) {
                map[key] = try block(lines, &pos, indent: lines[pos].indent, source: source)
            } else {
                map[key] = NSNull()
            }
        }
        if pos < lines.count, lines[pos].indent > indent {
            throw FSError("\(source):\(lines[pos].number): unexpected indentation")
        }
        return map
    }

    public static func scalar(_ s: String) -> Any {
        if s.hasPrefix("[") && s.hasSuffix("]") {
            let inner = s.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            return inner.isEmpty ? [Any]() : inner.split(separator: ",").map { scalar($0.trimmingCharacters(in: .whitespaces)) }
        }
        if let i = Int(s) { return i }
        if let d = Double(s) { return d }
        switch s.lowercased() {
        case "true": return true
        case "false": return false
        case "null", "~": return NSNull()
        default:
            if (s.hasPrefix("\"") && s.hasSuffix("\"") || s.hasPrefix("'") && s.hasSuffix("'")) && s.count >= 2 {
                return String(s.dropFirst().dropLast())
            }
            return s
        }
    }
}
