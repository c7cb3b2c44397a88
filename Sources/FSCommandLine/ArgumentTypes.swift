import ArgumentParser
import FreeScale
import FSTensor

// Typed command-line values: the parser checks them and `--help` lists the choices.

extension GenerationMethod: @retroactive ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension UpsampleMode: @retroactive ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension FrameSize: @retroactive ExpressibleByArgument {
    /// "HxW", e.g. 320x512.
    public init?(argument: String) { try? self.init(parsing: argument) }
    public static var defaultValueDescription: String { "HxW" }
}

/// "HxW,HxW,…" (e.g. `--stages 320x512,640x1024`).
public struct FrameSizeList: ExpressibleByArgument, Sendable {
    public var sizes: [FrameSize]
    public init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        let sizes = parts.compactMap { FrameSize(argument: $0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, sizes.count == parts.count else { return nil }
        self.sizes = sizes
    }
    public var description: String { sizes.map(\.description).joined(separator: ",") }
}
