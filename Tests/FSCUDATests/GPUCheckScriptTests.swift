import Foundation
import XCTest

/// Rehearses the GPU check in CPU mode: Tools/gpu-check.sh runs the debug-built fsvideo-gpu-check at small
/// sizes (CPU backend vs CPU ops, the lvdm fixtures when ../shared/fixtures is present) and prints one line.
final class GPUCheckScriptTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func checkBinary() throws -> String {
        let runner = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0]).resolvingSymlinksInPath()
        let candidates = [ProcessInfo.processInfo.environment["FSVIDEO_GPU_CHECK_BIN"] ?? "",
                          runner.deletingLastPathComponent().appendingPathComponent("fsvideo-gpu-check").path,
                          Bundle(for: Self.self).bundleURL.deletingLastPathComponent().appendingPathComponent("fsvideo-gpu-check").path,
                          Self.repo.appendingPathComponent(".build/debug/fsvideo-gpu-check").path]
        guard let path = candidates.first(where: { !$0.isEmpty && FileManager.default.isExecutableFile(atPath: $0) }) else {
            XCTFail("fsvideo-gpu-check is missing (looked at \(candidates.dropFirst())): build it with `swift build --build-tests` (Tools/test.sh does)")
            throw XCTSkip("no check binary")
        }
        return path
    }

    func run(_ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [Self.repo.appendingPathComponent("Tools/gpu-check.sh").path] + args
        let pipe = Pipe()
        p.standardOutput = pipe; p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testCPURehearsalPassesAndWritesResults() throws {
        let bin = try checkBinary()
        let out = NSTemporaryDirectory() + "gpu-check-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let fixtures = Self.repo.appendingPathComponent("../shared/fixtures/lvdm").standardized.path
        let (status, output) = try run(["--binary", bin, "--device", "auto", "--sizes", "small",
                                        "--fixtures", fixtures, "--out", out])
        XCTAssertEqual(status, 0, output)
        let lines = output.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one summary line: \(output)")
        XCTAssertTrue(output.hasPrefix("fsvideo-gpu-check: PASS device=cpu ops=27/27"), output)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/results.json"))) as? [String: Any]
        XCTAssertEqual(json?["device"] as? String, "cpu")
        XCTAssertEqual((json?["ops"] as? [Any])?.count, 27)
        XCTAssertEqual(json?["device_choice"] as? String, "auto")
        XCTAssertEqual((json?["benchmarks"] as? [[String: Any]])?.count, 5)
        XCTAssertNil((json?["benchmarks"] as? [[String: Any]])?.first { $0["error"] != nil })
        let log = try String(contentsOfFile: out + "/log.txt", encoding: .utf8)
        XCTAssertTrue(log.contains("no usable NVIDIA GPU"), "the fallback line is logged")
        if !FileManager.default.fileExists(atPath: fixtures) {
            print("GPUCheckScriptTests: \(fixtures) absent; the fixture part of the rehearsal was skipped")
        }
    }

    func testCudaWithoutGPUFailsWithOneLine() throws {
        let bin = try checkBinary()
        let out = NSTemporaryDirectory() + "gpu-check-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let (status, output) = try run(["--binary", bin, "--device", "cuda", "--sizes", "small", "--out", out])
        if status == 0 { throw XCTSkip("a GPU is present: --device cuda succeeded") }
        XCTAssertEqual(output.split(separator: "\n").count, 1, output)
        XCTAssertTrue(output.contains("--device cuda: no usable NVIDIA GPU"), output)
    }
}
