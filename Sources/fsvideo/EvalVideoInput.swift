import Foundation
import FSEval
import FSTensor
import FSVideo

/// Turns `fsvideo eval` PATH arguments into videos: files as given, folders expanded to the video files
/// they hold (sorted), a folder holding only images = one video of frames (sorted by name).
enum EvalVideoInput {
    static let videoExtensions: Set<String> = ["mp4", "webm", "gif", "avi", "mov", "mkv", "m4v", "mpg", "mpeg", "ogv"]
    static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "bmp", "webp"]

    static func expand(_ paths: [String], flag: String, conversion: ColorConversion = .ffmpeg) throws -> [EvalVideo] {
        var out: [EvalVideo] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { throw FSError("\(path): no such file or folder (\(flag))") }
            if !isDir.boolValue { out.append(video(path, conversion)); continue }
            let names = (try? fm.contentsOfDirectory(atPath: path))?.filter { !$0.hasPrefix(".") }.sorted() ?? []
            let ext = { (n: String) in (n as NSString).pathExtension.lowercased() }
            let videos = names.filter { videoExtensions.contains(ext($0)) }
            let images = names.filter { imageExtensions.contains(ext($0)) }
            if !videos.isEmpty {
                out += videos.map { video((path as NSString).appendingPathComponent($0), conversion) }
            } else if !images.isEmpty {
                out.append(video(path, conversion))
            } else {
                throw FSError("\(path): folder holds no videos (\(videoExtensions.sorted().joined(separator: ", "))) or image frames (\(flag))")
            }
        }
        guard !out.isEmpty else { throw FSError("\(flag): no videos given") }
        return out
    }

    static func video(_ path: String, _ conversion: ColorConversion = .ffmpeg) -> EvalVideo {
        EvalVideo(path: path) { try EvalVideoDecoder.decode(path, conversion: conversion) }
    }
}
