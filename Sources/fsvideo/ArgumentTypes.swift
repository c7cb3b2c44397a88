import ArgumentParser
import FreeScale
import FSTensor

// Typed command-line values: the parser checks them and `--help` lists the choices.

extension GenerationMethod: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension UpsampleMode: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension FrameSize: ExpressibleByArgument {
    /// "HxW", e.g. 320x512.
    public init?(argument: String) { try? self.init(parsing: argument) }
    public static var defaultValueDescription: String { "HxW" }
}

/// "HxW,HxW,…" (e.g. `--stages 320x512,640x1024`).
struct FrameSizeList: ExpressibleByArgument, Sendable {
    var sizes: [FrameSize]
    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        let sizes = parts.compactMap { FrameSize(argument: $0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, sizes.count == parts.count else { return nil }
        self.sizes = sizes
    }
    var description: String { sizes.map(\.description).joined(separator: ",") }
}
