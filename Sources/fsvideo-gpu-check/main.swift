import Foundation
import FSCompute
import FSCUDA
import FSTensor

// fsvideo-gpu-check: the GPU check of issue #19, as one binary that needs no Swift toolchain where it runs.
// (a) op-by-op parity of the selected backend against the CPU ops at real sizes, with timings (d);
// (d) device-only op timings at the 640×1024 sizes (GPU only);
// (b) the lvdm fixtures (CPU path until the models call the backend seam); writes results.json + log.txt.

let log = CheckLog()
let options: CheckOptions
do { options = try CheckOptions.parse(Array(CommandLine.arguments.dropFirst())) } catch {
    FileHandle.standardError.write(Data("fsvideo-gpu-check: error: \(error)\n".utf8)); exit(2)
}
let resolved: ResolvedDevice
do { resolved = try DeviceSelection.resolve(options.device) } catch {
    FileHandle.standardError.write(Data("fsvideo-gpu-check: error: \(error)\n".utf8)); exit(1)
}
if let notice = resolved.notice { log(notice) }
let backend: ComputeBackend
do { backend = resolved.kind == .cuda ? try CUDABackend() : CPUBackend() } catch {
    FileHandle.standardError.write(Data("fsvideo-gpu-check: error: cannot start the CUDA backend: \(error)\n".utf8)); exit(1)
}
try? FileManager.default.createDirectory(atPath: options.output, withIntermediateDirectories: true)
let started = Date()
log("fsvideo-gpu-check: backend \(backend.name), sizes \(options.sizes), seed \(options.seed)")
for line in CUDARuntime.shared.report { log("library \(line)") }
if let gpu = resolved.gpu { log("gpu \(gpu.summary), cuBLASLt \(gpu.cublasLtVersion), NVRTC \(gpu.nvrtcVersion)") }

let ops = OpParity.run(cases: OpCases.make(sizes: options.sizes, seed: options.seed), device: backend, log: log)
// At real sizes only on the GPU (minutes on a CPU); at small sizes everywhere (the rehearsal runs the code).
let benchmarks = backend.device == .cuda || options.sizes == "small"
    ? OpBenchmarks.run(device: backend, small: options.sizes == "small", log: log) : []
let fixtures = FixtureChecks.run(directory: options.fixtures, log: log)

let opsPassed = ops.filter(\.passed).count
let fixturesRun = fixtures.filter { !$0.skipped }
let fixturesPassed = fixturesRun.filter(\.passed).count
let passed = opsPassed == ops.count && fixturesPassed == fixturesRun.count && benchmarks.allSatisfy { $0.error == nil }
var record: [String: Any] = [
    "tool": "fsvideo-gpu-check", "issue": 19, "passed": passed, "sizes": options.sizes, "seed": options.seed,
    "backend": backend.name, "seconds": Date().timeIntervalSince(started),
    "ops": ops.map(\.record), "fixtures": fixtures.map(\.record), "benchmarks": benchmarks.map(\.record),
    "libraries": CUDARuntime.shared.report,
    "model_path_on_device": "pending: UNet/VAE/text tower still call FSTensor CPU ops (see docs/gpu.md)",
]
record.merge(resolved.runRecord) { a, _ in a }
if let data = try? JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys]) {
    try? data.write(to: URL(fileURLWithPath: options.output + "/results.json"))
}
let summary = "fsvideo-gpu-check: \(passed ? "PASS" : "FAIL") device=\(resolved.kind.rawValue)"
    + (resolved.gpu.map { " gpu=\"\($0.name)\"" } ?? "")
    + " ops=\(opsPassed)/\(ops.count) fixtures=\(fixturesPassed)/\(fixturesRun.count) (cpu path) results=\(options.output)"
log(summary)
try? log.write(to: options.output)
exit(passed ? 0 : 1)
