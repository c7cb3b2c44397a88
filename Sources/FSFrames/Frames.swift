import FSTensor

/// A clip of RGB frames, uint8, laid out [t, h, w, 3] (row-major, channels last).
public struct Frames: Equatable, Sendable {
    public var count: Int
    public var height: Int
    public var width: Int
    public var pixels: [UInt8]

    public init(count: Int, height: Int, width: Int, pixels: [UInt8]) {
        precondition(pixels.count == count * height * width * 3, "Frames: \(pixels.count) bytes for [\(count),\(height),\(width),3]")
        self.count = count; self.height = height; self.width = width; self.pixels = pixels
    }

    public init(count: Int, height: Int, width: Int, repeating value: UInt8 = 0) {
        self.init(count: count, height: height, width: width,
                  pixels: [UInt8](repeating: value, count: count * height * width * 3))
    }

    public var shape: [Int] { [count, height, width, 3] }
    public var frameBytes: Int { height * width * 3 }

    /// One frame's bytes ([h, w, 3]).
    public func frame(_ i: Int) -> ArraySlice<UInt8> {
        pixels[i * frameBytes ..< (i + 1) * frameBytes]
    }

    /// The clip with only the frames at `indices` (in that order).
    public func selecting(_ indices: [Int]) -> Frames {
        var out = [UInt8]()
        out.reserveCapacity(indices.count * frameBytes)
        for i in indices { out.append(contentsOf: frame(i)) }
        return Frames(count: indices.count, height: height, width: width, pixels: out)
    }

    /// Appends one frame of the same size.
    public mutating func append<C: Collection>(frame bytes: C) where C.Element == UInt8 {
        precondition(bytes.count == frameBytes, "Frames.append: wrong frame size")
        pixels.append(contentsOf: bytes)
        count += 1
    }

    /// The top-left `height`×`width` region of every frame.
    public func cropped(height h: Int, width w: Int) -> Frames {
        precondition(h <= height && w <= width)
        if h == height && w == width { return self }
        var out = [UInt8](repeating: 0, count: count * h * w * 3)
        for t in 0..<count {
            for y in 0..<h {
                let src = (t * height + y) * width * 3
                let dst = (t * h + y) * w * 3
                for x in 0..<(w * 3) { out[dst + x] = pixels[src + x] }
            }
        }
        return Frames(count: count, height: h, width: w, pixels: out)
    }
}
