import Foundation
import FSCheckpoint
import FSTensor

/// Parity for tokenizer CASES.json files: a JSON array of `{"text", "tokens"}` (other keys ignored).
/// Every case is one report line; a mismatch shows both id lists.
public enum TokenizerParity {
    struct Case: Decodable { let text: String; let tokens: [Int] }

    public static func run(json: Data, name: String, tokenizer: CLIPTokenizer? = nil) throws -> ParityReport {
        let tokenizer = try tokenizer ?? .sharedOrThrow()
        let cases: [Case]
        do { cases = try JSONDecoder().decode([Case].self, from: json) } catch {
            throw FSError("\(name): not a JSON array of {text, tokens} objects (\(error.localizedDescription))")
        }
        guard !cases.isEmpty else { throw FSError("\(name): no tokenizer cases") }
        var report = ParityReport(title: "tokenizer \(name) (\(cases.count) cases)")
        for (i, c) in cases.enumerated() {
            let got = tokenizer.tokenize(c.text, contextLength: max(c.tokens.count, 1))
            let label = "case \(i) \(String(c.text.prefix(40)).debugDescription)"
            if got == c.tokens {
                report.record(label, passed: true)
            } else {
                report.record(label, passed: false, note: "got \(trimmed(got)) expected \(trimmed(c.tokens))")
            }
        }
        return report
    }

    /// Ids without the trailing zero padding (kept readable on one line).
    static func trimmed(_ ids: [Int]) -> String {
        var end = ids.count
        while end > 0 && ids[end - 1] == 0 { end -= 1 }
        return "[" + ids[0..<end].map(String.init).joined(separator: ", ") + (end < ids.count ? ", 0 × \(ids.count - end)]" : "]")
    }
}
