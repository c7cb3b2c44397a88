import ArgumentParser
import FSTensor

// PLACEHOLDER — owned by the issue that builds `fsvideo upscale`.
struct UpscaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upscale", abstract: "Upscale an existing video with FreeScale (video-to-video).")

    func run() throws { throw FSError("'fsvideo upscale' is not implemented yet") }
}
