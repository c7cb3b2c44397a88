import Foundation
import FSTensor

/// A folder of PNG/JPEG images read as a video, in natural file-name order (frame2 before frame10).
struct FrameDirectory {
    let path: String
    let files: [String]

    static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    init(path: String) throws {
        self.path = path
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw FSError("\(path): cannot list the folder (\(error.localizedDescription))")
        }
        files = names
            .filter { !$0.hasPrefix(".") && Self.extensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted { $0.compare($1, options: [.numeric]) == .orderedAscending }
            .map { (path as NSString).appendingPathComponent($0) }
        guard !files.isEmpty else { throw FSError("\(path): folder holds no PNG or JPEG frames") }
    }

    func info(fps: Rational) throws -> VideoInfo {
        let first = try MediaDecoder(path: files[0])
        let i = VideoReader.info(of: first)
        return VideoInfo(width: i.width, height: i.height, fps: fps, frameCount: files.count, frameCountIsExact: true,
                         duration: Double(files.count) / fps.value, codec: i.codec, container: "directory", rotation: 0)
    }

    func forEachFrame(options: VideoReadOptions, _ body: (Frames, Int) throws -> Void) throws {
        let fps = options.directoryFPS.value
        let wanted = options.frameIndices.map(Set.init)
        var selected: [(String, Int)] = []
        var inWindow = 0
        for (i, f) in files.enumerated() {
            let t = Double(i) / fps
            if let s = options.startTime, t < s - 1e-6 { continue }
            if let e = options.endTime, t >= e - 1e-6 { break }
            defer { inWindow += 1 }
            if inWindow % options.stride == 0, wanted?.contains(i) ?? true { selected.append((f, i)) }
            if let m = options.maxFrames, selected.count >= m { break }
        }
        guard !selected.isEmpty else { throw FSError("\(path): no frames in the selected range (the folder has \(files.count))") }
        var size: (w: Int, h: Int)? = nil
        var one = VideoReadOptions()
        one.maxFrames = 1
        one.interpolation = options.interpolation
        one.size = options.size
        for (f, i) in selected {
            let image: Frames
            do {
                image = try VideoReader.read(f, options: one)
            } catch let e as FSError {
                throw FSError("\(path): frame \(e.message)")
            }
            if size == nil { size = (image.width, image.height) }
            guard image.width == size!.w, image.height == size!.h else {
                throw FSError("\(f): is \(image.width)x\(image.height) but the first frame is \(size!.w)x\(size!.h); pass an output size")
            }
            try body(image, i)
        }
    }
}
