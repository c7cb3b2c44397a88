import Foundation
import XCTest
@testable import FSModels

final class TokenizerCasesTests: XCTestCase {
    struct Case: Decodable { let text: String; let tokens: [Int]; let cleaned: String; let n_tokens_before_truncation: Int }

    func testEveryReferenceCase() throws {
        let path = try textVAESharedFixture("lvdm/tokenizer_cases.json")
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(cases.count, 50)
        let tok = (try CLIPTokenizer.sharedOrThrow())
        var failures = 0
        for c in cases {
            let cleaned = TextCleaning.clean(c.text)
            XCTAssertEqual(cleaned, c.cleaned, "cleaning of \(c.text.debugDescription)")
            let ids = tok.tokenize(c.text)
            if ids != c.tokens { failures += 1 }
            XCTAssertEqual(ids, c.tokens, "tokens of \(c.text.debugDescription)")
            XCTAssertEqual(tok.fullTokens(c.text).count, c.n_tokens_before_truncation, "length of \(c.text.debugDescription)")
        }
        XCTAssertEqual(failures, 0)
    }

    func testVocabularyLayout() throws {
        let tok = (try CLIPTokenizer.sharedOrThrow())
        XCTAssertEqual(tok.encoder.count, 49408)
        XCTAssertEqual(tok.encoder["!"], 0)
        XCTAssertEqual(tok.encoder["<start_of_text>"], 49406)
        XCTAssertEqual(tok.tokenize(""), [49406, 49407] + [Int](repeating: 0, count: 75))
    }
}
