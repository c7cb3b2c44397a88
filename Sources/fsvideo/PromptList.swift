import Foundation
import FSTensor

/// One entry of a prompt list: a prompt and, from a JSON-lines file, its own negative prompt, seed and name.
struct PromptEntry: Equatable {
    var prompt: String
    var negativePrompt: String?
    var seed: UInt64?
    var name: String?
}

/// `--prompt-file`: plain text (one prompt per line, blank lines skipped) or JSON lines (one object per line
/// with "prompt" and optionally "negative_prompt", "seed", "name"); `-` reads standard input. A file whose first
/// non-blank line starts with `{` is read as JSON lines.
enum PromptList {
    static let jsonKeys: Set<String> = ["prompt", "negative_prompt", "seed", "name"]

    static func read(_ path: String) throws -> [PromptEntry] {
        let source = path == "-" ? "standard input" : path
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                throw FSError("\(path): cannot read the prompt file (it is a directory)")
            }
            guard let d = FileManager.default.contents(atPath: path) else { throw FSError("\(path): cannot read the prompt file") }
            data = d
        }
        guard let text = String(data: data, encoding: .utf8) else { throw FSError("\(source): prompt file is not valid UTF-8") }
        let entries = try parse(text, source: source)
        guard !entries.isEmpty else { throw FSError("\(source): prompt file has no prompts") }
        return entries
    }

    static func parse(_ text: String, source: String) throws -> [PromptEntry] {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        let firstReal = lines.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard firstReal?.trimmingCharacters(in: .whitespaces).hasPrefix("{") == true else {
            return lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { PromptEntry(prompt: $0) }
        }
        var out: [PromptEntry] = []
        for (n, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            out.append(try entry(line, at: "\(source):\(n + 1)"))
        }
        return out
    }

    private static func entry(_ line: String, at place: String) throws -> PromptEntry {
        guard let obj = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
            throw FSError("\(place): not a JSON object (a JSON-lines prompt file has one object per line)")
        }
        if let unknown = obj.keys.filter({ !jsonKeys.contains($0) }).sorted().first {
            throw FSError("\(place): unknown key \"\(unknown)\" (expected prompt, negative_prompt, seed, name)")
        }
        guard let prompt = obj["prompt"] as? String else { throw FSError("\(place): \"prompt\" must be a string") }
        var e = PromptEntry(prompt: prompt)
        if let v = obj["negative_prompt"] {
            guard let s = v as? String else { throw FSError("\(place): \"negative_prompt\" must be a string") }
            e.negativePrompt = s
        }
        if let v = obj["seed"] {
            guard !(v is String), let n = v as? NSNumber, let s = UInt64(n.stringValue) else {
                throw FSError("\(place): \"seed\" must be a whole number ≥ 0")
            }
            e.seed = s
        }
        if let v = obj["name"] {
            guard let s = v as? String else { throw FSError("\(place): \"name\" must be a string") }
            try checkName(s, at: place)
            e.name = s
        }
        return e
    }

    /// A name becomes a file or directory name: no `/`, no NUL, not empty, not hidden, not `.`/`..`.
    static func checkName(_ s: String, at place: String) throws {
        if s.isEmpty || s.hasPrefix(".") || s.contains("/") || s.contains("\0") || s.utf8.count > 200 {
            throw FSError("\(place): \"name\" '\(s)' cannot be a file name (non-empty, ≤ 200 bytes, no '/', not starting with '.')")
        }
    }
}
