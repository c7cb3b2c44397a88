/// A 5×7 pixel font for the digits and '#', enough to label contact-sheet tiles.
enum BitmapFont {
    static let glyphWidth = 5, glyphHeight = 7

    /// Rows top to bottom; bit 4 is the leftmost pixel.
    static let glyphs: [Character: [UInt8]] = [
        "0": [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E],
        "1": [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        "2": [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
        "3": [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        "4": [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
        "5": [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        "6": [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
        "7": [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        "8": [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
        "9": [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        "#": [0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A],
    ]

    /// Width in pixels of `text` at `scale` (1 px spacing between glyphs).
    static func width(of text: String, scale: Int) -> Int {
        max(0, text.count * (glyphWidth + 1) - 1) * scale
    }

    /// Draws `text` into a packed RGB image at (x, y) (top-left), clipped to the image.
    static func draw(_ text: String, x: Int, y: Int, scale: Int, color: (UInt8, UInt8, UInt8),
                     into image: inout [UInt8], width: Int, height: Int) {
        var penX = x
        for ch in text {
            if let rows = glyphs[ch] {
                for (r, bits) in rows.enumerated() {
                    for c in 0..<glyphWidth where bits & (0x10 >> UInt8(c)) != 0 {
                        for dy in 0..<scale {
                            for dx in 0..<scale {
                                let px = penX + c * scale + dx, py = y + r * scale + dy
                                guard px >= 0, py >= 0, px < width, py < height else { continue }
                                let o = (py * width + px) * 3
                                image[o] = color.0; image[o + 1] = color.1; image[o + 2] = color.2
                            }
                        }
                    }
                }
            }
            penX += (glyphWidth + 1) * scale
        }
    }
}
