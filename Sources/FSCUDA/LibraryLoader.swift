import CCUDA

/// dlopen through CCUDA, with the loader's message on failure.
public enum LibraryLoader {
    public static func open(_ path: String) -> (handle: UnsafeMutableRawPointer?, error: String?) {
        var buffer = [CChar](repeating: 0, count: 512)
        let h = ccuda_open(path, &buffer, buffer.count)
        if h != nil { return (h, nil) }
        return (nil, String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}
