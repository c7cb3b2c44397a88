import ArgumentParser
import Foundation
import FSModels
import FSTensor

/// `fsvideo tokenize "text"`: the 77 CLIP token ids VideoCrafter2 feeds its text encoder (open_clip rules).
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the 77 CLIP token ids of a prompt (open_clip 2.22 tokenizer, as VideoCrafter2 uses it).")

    @Argument(help: "The prompt (omit with --file).")
    var text: String?

    @Option(help: "Read the prompt from a UTF-8 text file instead (a trailing newline is part of it and cleaned away).")
    var file: String?

    @Flag(help: "Also print the cleaned text and the number of tokens before truncation.")
    var verbose = false

    @Flag(help: "Print a JSON object {text, cleaned, tokens, n_tokens_before_truncation}.")
    var json = false

    func run() throws {
        let prompt = try readPrompt()
        let tokenizer = try CLIPTokenizer.sharedOrThrow()
        let cleaned = TextCleaning.clean(prompt)
        let full = tokenizer.fullTokens(prompt)
        let ids = tokenizer.tokenize(prompt)
        PromptCheck.warnTruncation(tokens: full.count)
        if json {
            let obj: [String: Any] = ["text": prompt, "cleaned": cleaned, "tokens": ids, "n_tokens_before_truncation": full.count]
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        if verbose {
            print("cleaned: \(cleaned)")
            print("tokens before truncation: \(full.count)")
        }
        print(ids.map(String.init).joined(separator: " "))
    }

    func readPrompt() throws -> String {
        switch (text, file) {
        case (.some, .some): throw FSError("give the prompt either as an argument or with --file, not both")
        case (nil, nil): throw FSError("no prompt given (pass it as an argument or with --file)")
        case (_, .some(let path)):
            guard let data = FileManager.default.contents(atPath: path) else { throw FSError("\(path): cannot read prompt file") }
            return try TextCleaning.decodePrompt([UInt8](data))
        case (.some(let t), nil):
            // The shell hands bytes; Swift would silently replace invalid UTF-8, so check the raw argument.
            if let raw = Self.rawArgument(matching: t) { return try TextCleaning.decodePrompt(raw) }
            return t
        }
    }

    /// The raw bytes of the command-line argument that decoded to `text` (nil if none differs from it).
    static func rawArgument(matching text: String) -> [UInt8]? {
        for i in 1..<Int(CommandLine.argc) {
            guard let p = CommandLine.unsafeArgv[i] else { continue }
            let bytes = [UInt8](UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
            if String(decoding: bytes, as: UTF8.self) == text { return bytes }
        }
        return nil
    }
}
