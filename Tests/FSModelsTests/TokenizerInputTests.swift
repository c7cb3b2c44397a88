import FSTensor
import XCTest
@testable import FSModels

final class TokenizerInputTests: XCTestCase {
    func testInvalidUTF8IsRefusedWithOffset() {
        XCTAssertThrowsError(try TextCleaning.decodePrompt([0x61, 0x62, 0xFF, 0x63])) { error in
            XCTAssertEqual((error as? FSError)?.message, "prompt is not valid UTF-8 (bad byte 0xff at offset 2)")
        }
        XCTAssertEqual(try TextCleaning.decodePrompt(Array("café".utf8)), "café")
    }

    func testControlCharactersAreCleaned() {
        XCTAssertEqual(TextCleaning.clean("a\u{0}b\u{7}c\u{1B}[31m red\u{FEFF}"), "abc red")
        XCTAssertEqual((try CLIPTokenizer.sharedOrThrow()).tokenize("a\u{0}b"), (try CLIPTokenizer.sharedOrThrow()).tokenize("ab"))
    }

    func testInflateRejectsGarbage() {
        XCTAssertThrowsError(try Inflate.gunzip([1, 2, 3]))
        XCTAssertThrowsError(try Inflate.gunzip([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0]))
    }

    func testTextEncoderRejectsBadTokenRows() throws {
        let enc = try OpenCLIPTextEncoder(
            config: OpenCLIPTextConfig(embedDim: 32, textCfg: .init(contextLength: 77, vocabSize: 100, width: 32, heads: 2, layers: 2)),
            source: SyntheticWeights(seed: 3))
        XCTAssertThrowsError(try enc.encode(tokens: [[Int](repeating: 0, count: 76)]))
        XCTAssertThrowsError(try enc.encode(tokens: [[500] + [Int](repeating: 0, count: 76)]))
        XCTAssertThrowsError(try enc.encode(tokens: []))
    }
}
