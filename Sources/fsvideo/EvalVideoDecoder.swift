import Foundation
import FSEval
import FSTensor
import FSVideo

/// Decodes one video (file or folder of frames) to 8-bit RGB frames with its frame rate, through FSVideo.
enum EvalVideoDecoder {
    static func decode(_ path: String, conversion: ColorConversion = .ffmpeg) throws -> RGBVideo {
        // VBench keeps every image of a frame folder (no interval): give folders 8 fps → interval 1.
        let info = try VideoReader.info(path, directoryFPS: Rational(8))
        var options = VideoReadOptions()
        options.directoryFPS = Rational(8)
        options.colorConversion = conversion
        let frames = try VideoReader.read(path, options: options)
        guard frames.count > 0 else { throw FSError("\(path): no frames decoded") }
        return RGBVideo(frames: frames.count, height: frames.height, width: frames.width, bytes: frames.pixels,
                        fps: info.fps.value > 0 ? info.fps.value : 8)
    }
}
