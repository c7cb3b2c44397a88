// swift-tools-version:5.10
import PackageDescription

// Compute-heavy targets are optimised even in debug builds so the test suite (which runs
// real parity checks on tiny models) stays quick. Release builds are unaffected.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "fsvideo",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fsvideo", targets: ["fsvideo"]),
        .executable(name: "fsvideo-bench", targets: ["fsvideo-bench"]),   // #15 item 5: the benchmarks, out of the CLI
        .executable(name: "fsvideo-gpu-check", targets: ["fsvideo-gpu-check"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "pkg-config"])]),
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat libavcodec libswscale libavutil",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]),
        // bf16 GEMM kernels (AVX512-BF16 behind runtime dispatch; the rest compiles for baseline x86-64).
        .target(name: "CBF16Kernels", cSettings: [.unsafeFlags(["-O3"])]),
        // Element-wise kernels compiled for baseline, AVX2 and AVX-512, chosen at run time.
        .target(name: "CVectorMath", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "FSTensor", dependencies: ["CBLAS", "CBF16Kernels", "CVectorMath"], swiftSettings: optimizedInDebug),
        .target(name: "FSCheckpoint", dependencies: ["FSTensor"],
                resources: [.copy("Resources")], swiftSettings: optimizedInDebug),
        .target(name: "FSModels", dependencies: ["FSTensor", "FSCheckpoint"],
                resources: [.copy("Resources")], swiftSettings: optimizedInDebug),
        .target(name: "FSDiffusion", dependencies: ["FSTensor", "FSCheckpoint", "FSModels"], swiftSettings: optimizedInDebug),
        // uint8 RGB frames ⇄ tensors, without libav* (FSPipeline and the GPU check need frames, not FFmpeg).
        .target(name: "FSFrames", dependencies: ["FSTensor"], swiftSettings: optimizedInDebug),
        .target(name: "FSVideo", dependencies: ["CFFmpeg", "FSTensor", "FSFrames"], swiftSettings: optimizedInDebug),
        .target(name: "FreeScale", dependencies: ["FSTensor", "FSCheckpoint", "FSModels"],
                swiftSettings: optimizedInDebug),
        // Prompt → video as one call: model loading and config resolution, the text-to-video run, the cascade.
        .target(name: "FSPipeline", dependencies: ["FSTensor", "FSCheckpoint", "FSModels", "FSDiffusion", "FreeScale", "FSFrames"],
                swiftSettings: optimizedInDebug),
        .target(name: "FSEval", dependencies: ["FSTensor", "FSCheckpoint", "FSVideo", "CBLAS"],
                swiftSettings: optimizedInDebug),
        // Device seam (#19): the backend protocol and its CPU side; the CUDA side loaded at run time (no CUDA at build time).
        .target(name: "FSCompute", dependencies: ["FSTensor"], swiftSettings: optimizedInDebug),
        .target(name: "CCUDA", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "FSCUDA", dependencies: ["CCUDA", "FSCompute", "FSTensor"], swiftSettings: optimizedInDebug),
        // The GPU check (#19): links the compute, checkpoint, model and CUDA targets only (no libav).
        .executableTarget(name: "fsvideo-gpu-check", dependencies: [
            "FSCompute", "FSCUDA", "FSTensor", "FSCheckpoint", "FSModels", "FSDiffusion",
            "FSParity",
        ], swiftSettings: optimizedInDebug),
        // #15 item 5 (parity, test support, bench): parity runners out of the product libraries; one support
        // target for the tests and the bench; the ArgumentParser pieces both executables share; the bench.
        // FSParity stays free of libav (fsvideo-gpu-check links it); the eval runners need FSEval, so FSVideo.
        .target(name: "FSParity", dependencies: ["FSTensor", "FSCheckpoint", "FSModels", "FSDiffusion", "FreeScale", "FSPipeline"],
                swiftSettings: optimizedInDebug),
        .target(name: "FSEvalParity", dependencies: ["FSTensor", "FSCheckpoint", "FSEval"], swiftSettings: optimizedInDebug),
        .target(name: "FSTestSupport", dependencies: ["FSTensor", "FSCheckpoint", "FSDiffusion", "FSPipeline"], swiftSettings: optimizedInDebug),
        .target(name: "FSCommandLine", dependencies: ["FSTensor", "FSCheckpoint", "FreeScale", "FSPipeline", "FSCUDA", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: optimizedInDebug),
        .executableTarget(name: "fsvideo-bench", dependencies: [
            "FSTensor", "FSCheckpoint", "FSModels", "FSDiffusion", "FreeScale", "FSPipeline", "FSVideo", "FSEval",
            "FSCommandLine", "FSTestSupport", "CBLAS",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimizedInDebug),
        // end #15 item 5 targets
        .executableTarget(name: "fsvideo", dependencies: [
            "FSTensor", "FSCheckpoint", "FSModels", "FSDiffusion", "FreeScale", "FSPipeline", "FSVideo", "FSEval",
            "FSParity", "FSEvalParity", "FSCommandLine", "FSCUDA",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimizedInDebug),
        .testTarget(name: "FSTensorTests", dependencies: ["FSTensor"]),
        .testTarget(name: "FSCheckpointTests", dependencies: ["FSCheckpoint", "FSTensor", "FSTestSupport"]),
        .testTarget(name: "FSModelsTests", dependencies: ["FSModels", "FSCheckpoint", "FSTensor", "FSParity", "FSTestSupport"]),
        .testTarget(name: "FSDiffusionTests", dependencies: ["FSDiffusion", "FSPipeline", "FSModels", "FSCheckpoint", "FSTensor",
                                                      "FSParity", "FSTestSupport"]),
        .testTarget(name: "FreeScaleTests", dependencies: ["FreeScale", "FSPipeline", "FSDiffusion", "FSModels", "FSCheckpoint", "FSTensor", "FSVideo",
                                                    "FSTestSupport"]),
        .testTarget(name: "FSVideoTests", dependencies: ["FSVideo", "FSTensor"]),
        .testTarget(name: "FSEvalTests", dependencies: ["FSEval", "FSVideo", "FSCheckpoint", "FSTensor", "FSEvalParity", "FSTestSupport"]),
        .testTarget(name: "FSCUDATests", dependencies: ["FSCUDA", "FSCompute", "FSTensor"]),
        .testTarget(name: "fsvideoTests", dependencies: ["fsvideo", "FSPipeline", "FreeScale", "FSCommandLine"]),
    ]
)
