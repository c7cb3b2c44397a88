import XCTest

/// `--help` is not an error: usage on stdout, exit 0, and typed options list their values.
final class HelpTests: XCTestCase {
    func testHelpExitsZeroWithUsage() throws {
        for (program, args) in [(try CLIProcess.binary(), ["--help"]), (try CLIProcess.binary(), ["generate", "--help"]),
                                (try CLIProcess.binary(), ["upscale", "-h"]), (try CLIProcess.benchBinary(), ["--help"])] {
            let r = try CLIProcess.run(args, program: program)
            XCTAssertEqual(r.status, 0, "\(args): \(r.err)")
            XCTAssertTrue(r.out.contains("USAGE:"), "\(args): \(r.out.prefix(200))")
            XCTAssertFalse(r.err.contains("error"), "\(args): \(r.err)")
        }
        // Help text is wrapped at the terminal width: compare with the whitespace folded.
        let generate = try CLIProcess.run(["generate", "--help"], program: try CLIProcess.binary()).out
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(generate.contains("values: freescale, direct"), "--method lists its values")
        XCTAssertTrue(generate.contains("values: rgb, latent"), "--upsample lists its values")
    }
}
