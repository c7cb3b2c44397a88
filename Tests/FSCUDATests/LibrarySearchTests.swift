import Foundation
import XCTest
@testable import FSCUDA

final class LibrarySearchTests: XCTestCase {
    func makeFolder(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "fscuda-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func testOrderIsEnvThenLdLibraryPathThenSystemThenWheels() throws {
        let site = try makeFolder("site")
        var s = LibrarySearch.isolated(environment: [
            "FSVIDEO_CUDA_LIBS": "/a:/b", "LD_LIBRARY_PATH": "/c::/a", "FSVIDEO_PYTHON_SITE": site,
        ])
        s.systemFolders = ["/usr/local/cuda/lib64"]
        let paths = s.folders(for: .nvrtc).map(\.path)
        XCTAssertEqual(paths, ["/a", "/b", "/c", "/usr/local/cuda/lib64", site + "/nvidia/cuda_nvrtc/lib"])
        // The driver is never looked for in wheels.
        XCTAssertEqual(s.folders(for: .driver).map(\.path), ["/a", "/b", "/c", "/usr/local/cuda/lib64"])
        XCTAssertEqual(s.folders(for: .cublasLt).last?.path, site + "/nvidia/cublas/lib")
    }

    func testVirtualEnvAndPythonRootsAreScanned() throws {
        let venv = try makeFolder("venv")
        try FileManager.default.createDirectory(atPath: venv + "/lib/python3.11/site-packages", withIntermediateDirectories: true)
        let root = try makeFolder("pyroot")
        try FileManager.default.createDirectory(atPath: root + "/python3.12/dist-packages", withIntermediateDirectories: true)
        var s = LibrarySearch.isolated(environment: ["VIRTUAL_ENV": venv])
        s.pythonLibRoots = [root]
        let sites = s.sitePackages().map(\.path)
        XCTAssertEqual(sites, [venv + "/lib/python3.11/site-packages", root + "/python3.12/dist-packages"])
    }

    func testVersionedCUDAFoldersNewestFirst() throws {
        let root = try makeFolder("usrlocal")
        for v in ["cuda-11.8", "cuda-12.10", "cuda-12.4", "other"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(v)", withIntermediateDirectories: true)
        }
        XCTAssertEqual(LibrarySearch.versionedCUDAFolders(in: root),
                       ["\(root)/cuda-12.10/lib64", "\(root)/cuda-12.4/lib64", "\(root)/cuda-11.8/lib64"])
    }

    func testFakeLibraryIsFoundButUnloadable() throws {
        let dir = try makeFolder("fake")
        try Data("not an ELF file".utf8).write(to: URL(fileURLWithPath: dir + "/libnvrtc.so.12"))
        let s = LibrarySearch.isolated(environment: ["FSVIDEO_CUDA_LIBS": dir])
        let probe = s.locate(.nvrtc)
        XCTAssertFalse(probe.loaded)
        XCTAssertEqual(probe.rejected.first?.path, dir + "/libnvrtc.so.12")
        XCTAssertTrue(probe.description.contains("found \(dir)/libnvrtc.so.12 but it does not load"), probe.description)
    }

    func testMissingLibraryIsReportedNotFound() {
        let s = LibrarySearch.isolated(environment: ["FSVIDEO_CUDA_LIBS": "/nonexistent-fsvideo"])
        let probe = s.locate(.cublasLt)
        XCTAssertFalse(probe.loaded)
        XCTAssertTrue(probe.description.hasPrefix("cublasLt: not found (libcublasLt.so.12"), probe.description)
    }

    func testLaterLoadableCopyWinsOverAnUnloadableOne() throws {
        let bad = try makeFolder("bad"), good = try makeFolder("good")
        try Data("junk".utf8).write(to: URL(fileURLWithPath: bad + "/libcuda.so.1"))
        try Data("junk".utf8).write(to: URL(fileURLWithPath: good + "/libcuda.so.1"))
        let s = LibrarySearch.isolated(environment: ["FSVIDEO_CUDA_LIBS": "\(bad):\(good)"])
        let fake = UnsafeMutableRawPointer(bitPattern: 0x1000)!
        let open: (String) -> (handle: UnsafeMutableRawPointer?, error: String?) = { path in
            path.hasPrefix(good) ? (fake, nil) : (nil, "invalid ELF header")
        }
        let probe = s.locate(.driver, open: open)
        XCTAssertEqual(probe.path, good + "/libcuda.so.1")
        XCTAssertEqual(probe.rejected, [LibraryProbe.Rejected(path: bad + "/libcuda.so.1", error: "invalid ELF header")])
    }
}
