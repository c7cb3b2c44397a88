import Foundation
import FSEval
import FSTensor

/// Decodes one video (file or folder of frames) to 8-bit RGB frames with its frame rate, through FSVideo.
enum EvalVideoDecoder {
    static func decode(_ path: String) throws -> RGBVideo {
        throw FSError("\(path): video decoding is not available in this build (FSVideo's VideoReader has not landed yet)")
    }
}
