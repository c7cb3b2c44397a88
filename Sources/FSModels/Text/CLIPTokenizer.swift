import Foundation
import FSTensor

/// open_clip's SimpleTokenizer (v2.22) as VideoCrafter2's FrozenOpenCLIPEmbedder uses it: clean the
/// prompt, split it with CLIP's pattern, byte-level BPE with the 48,894 merges of
/// bpe_simple_vocab_16e6.txt.gz, then `[sot] + ids + [eot]` cut to 77 with the last entry forced to eot,
/// zero-padded.
public final class CLIPTokenizer: @unchecked Sendable {
    public static let startOfText = 49406
    public static let endOfText = 49407
    public static let contextLength = 77
    static let mergeCount = 49152 - 256 - 2  // lines 1…48894 of the merges file (line 0 is a header)

    let byteSymbol: [String]          // byte → printable symbol (GPT-2 byte-to-unicode table)
    let encoder: [String: Int]        // BPE symbol → id
    let ranks: [Pair: Int]            // merge → priority
    private var cache: [String: [Int]] = [:]
    private let lock = NSLock()
    private let splitter: NSRegularExpression

    struct Pair: Hashable { let a: String; let b: String }

    /// The tokenizer with the bundled merges file, loaded once (a missing or corrupt resource is an error).
    private static let loaded: Result<CLIPTokenizer, Error> = Result(catching: { try CLIPTokenizer() })

    /// The tokenizer with the bundled merges file; a package installed without its resources is an error.
    public static func sharedOrThrow() throws -> CLIPTokenizer { try loaded.get() }

    public convenience init() throws {
        guard let url = Bundle.module.url(forResource: "bpe_simple_vocab_16e6.txt", withExtension: "gz", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "bpe_simple_vocab_16e6.txt", withExtension: "gz") else {
            throw FSError("BPE vocabulary resource bpe_simple_vocab_16e6.txt.gz is missing from the FSModels bundle")
        }
        let gz = try Data(contentsOf: url)
        try self.init(gzippedMerges: [UInt8](gz))
    }

    public init(gzippedMerges: [UInt8]) throws {
        let raw = try Inflate.gunzip(gzippedMerges)
        guard let text = String(bytes: raw, encoding: .utf8) else { throw FSError("BPE vocabulary is not UTF-8") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > CLIPTokenizer.mergeCount else {
            throw FSError("BPE vocabulary has \(lines.count) lines, expected at least \(CLIPTokenizer.mergeCount + 1)")
        }
        // Byte-to-unicode: printable Latin-1 bytes map to themselves, the others (ascending) to U+0100….
        // Vocabulary order: the printable bytes first, then the others — the order of that table.
        let printable = Set(Array(33...126) + Array(161...172) + Array(174...255))
        let order = (0..<256).filter { printable.contains($0) } + (0..<256).filter { !printable.contains($0) }
        var symbol = [String](repeating: "", count: 256)
        for (n, b) in order.enumerated() {
            symbol[b] = String(Unicode.Scalar(UInt32(printable.contains(b) ? b : 256 + n - printable.count))!)
        }
        byteSymbol = symbol
        var vocab: [String] = order.map { symbol[$0] }
        vocab += vocab.map { $0 + "</w>" }
        var ranks: [Pair: Int] = [:]
        for i in 0..<CLIPTokenizer.mergeCount {
            let parts = lines[i + 1].split(separator: " ")
            guard parts.count == 2 else { throw FSError("BPE vocabulary line \(i + 2) is not a merge pair") }
            let p = Pair(a: String(parts[0]), b: String(parts[1]))
            ranks[p] = i
            vocab.append(p.a + p.b)
        }
        vocab += ["<start_of_text>", "<end_of_text>"]
        var enc: [String: Int] = [:]
        for (i, v) in vocab.enumerated() { enc[v] = i }
        encoder = enc
        self.ranks = ranks
        splitter = try NSRegularExpression(
            pattern: #"<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"#,
            options: [.caseInsensitive])
    }

    /// The pieces of an already-cleaned text, as CLIP's regex finds them.
    func pieces(_ cleaned: String) -> [String] {
        let ns = cleaned as NSString
        return splitter.matches(in: cleaned, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
    }

    /// BPE ids of a cleaned text (no start/end tokens).
    public func encodeCleaned(_ cleaned: String) -> [Int] {
        var ids: [Int] = []
        for piece in pieces(cleaned) {
            if piece == "<start_of_text>" { ids.append(CLIPTokenizer.startOfText); continue }
            if piece == "<end_of_text>" { ids.append(CLIPTokenizer.endOfText); continue }
            lock.lock()
            let cached = cache[piece]
            lock.unlock()
            if let c = cached { ids += c; continue }
            let mapped = piece.utf8.map { byteSymbol[Int($0)] }
            let symbols = bpe(mapped)
            let pieceIds = symbols.map { encoder[$0] ?? 0 }
            lock.lock()
            if cache.count < 10_000 { cache[piece] = pieceIds }
            lock.unlock()
            ids += pieceIds
        }
        return ids
    }

    /// Byte-pair merging of one piece: the last symbol carries "</w>"; lowest-ranked pair first.
    func bpe(_ chars: [String]) -> [String] {
        guard !chars.isEmpty else { return [] }
        var word = chars
        word[word.count - 1] += "</w>"
        while word.count > 1 {
            var best: (rank: Int, pair: Pair)? = nil
            for i in 0..<(word.count - 1) {
                let p = Pair(a: word[i], b: word[i + 1])
                if let r = ranks[p], best == nil || r < best!.rank { best = (r, p) }
            }
            guard let (_, pair) = best else { break }
            var merged: [String] = []
            merged.reserveCapacity(word.count)
            var i = 0
            while i < word.count {
                if i < word.count - 1, word[i] == pair.a, word[i + 1] == pair.b {
                    merged.append(pair.a + pair.b)
                    i += 2
                } else {
                    merged.append(word[i])
                    i += 1
                }
            }
            word = merged
        }
        return word
    }

    /// `[sot] + BPE ids + [eot]` before truncation.
    public func fullTokens(_ text: String) -> [Int] {
        [CLIPTokenizer.startOfText] + encodeCleaned(TextCleaning.clean(text)) + [CLIPTokenizer.endOfText]
    }

    /// The 77 ids `open_clip.tokenize(text)` gives: truncated with the last entry forced to eot, 0-padded.
    public func tokenize(_ text: String, contextLength: Int = CLIPTokenizer.contextLength) -> [Int] {
        var t = fullTokens(text)
        if t.count > contextLength {
            t = Array(t.prefix(contextLength))
            t[contextLength - 1] = CLIPTokenizer.endOfText
        }
        return t + [Int](repeating: 0, count: contextLength - t.count)
    }

    /// Rows of ids for several prompts, as an [n, 77] tensor of Float-held integer ids.
    public func tokenize(_ texts: [String]) -> [[Int]] { texts.map { tokenize($0) } }
}
