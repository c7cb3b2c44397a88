import Foundation
import XCTest
@testable import FSVideo

final class PNGAndSheetTests: XCTestCase {
    /// PNG dumps (libavcodec's encoder) decode back bit-exact, both with our reader and with the ffmpeg CLI.
    func testPNGDumpsAreBitExact() throws {
        let dir = try scratchDir()
        defer { removeDir(dir) }
        let clip = Clips.noise(t: 5, h: 23, w: 31, seed: 7)
        let paths = try PNGWriter.dumpFrames(clip, to: "\(dir)/frames")
        XCTAssertEqual(paths.map { ($0 as NSString).lastPathComponent }, ["0001.png", "0002.png", "0003.png", "0004.png", "0005.png"])
        for (i, p) in paths.enumerated() {
            let data = try Data(contentsOf: URL(fileURLWithPath: p))
            XCTAssertEqual(Array(data.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            let ours = try VideoReader.read(p)
            XCTAssertEqual(Array(ours.frame(0)), Array(clip.frame(i)))
            let (status, raw) = try runTool("ffmpeg", ["-v", "error", "-i", p, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
            XCTAssertEqual(status, 0)
            XCTAssertEqual([UInt8](raw), Array(clip.frame(i)), "ffmpeg decode of \(p)")
        }
        // --every numbering keeps source frame numbers; the folder holds nothing else.
        let every = try PNGWriter.dumpFrames(clip, to: "\(dir)/every2", every: 2)
        XCTAssertEqual(every.map { ($0 as NSString).lastPathComponent }, ["0001.png", "0003.png", "0005.png"])
        XCTAssertEqual(listing("\(dir)/every2"), ["0001.png", "0003.png", "0005.png"])
    }

    /// Evenly spaced indices, grid geometry, tiles equal to the frames (at tile size = frame size) and labels drawn.
    func testContactSheet() throws {
        XCTAssertEqual(ContactSheet.evenlySpaced(count: 4, of: 10), [0, 3, 6, 9])
        XCTAssertEqual(ContactSheet.evenlySpaced(count: 16, of: 5), [0, 1, 2, 3, 4])
        XCTAssertEqual(ContactSheet.evenlySpaced(count: 1, of: 7), [0])
        XCTAssertEqual(ContactSheet.evenlySpaced(count: 3, of: 16), [0, 8, 15])

        // Frames of uniform colours so the tiles are easy to check.
        var clip = Frames(count: 10, height: 40, width: 60)
        for k in 0..<10 { for i in 0..<(40 * 60) { clip.pixels[(k * 2400 + i) * 3 + 1] = UInt8(20 * k + 10) } }
        let sheet = try ContactSheet(frames: clip, count: 4, columns: 2)
        XCTAssertEqual(sheet.frameIndices, [0, 3, 6, 9])
        XCTAssertEqual([sheet.width, sheet.height], [2 * 60 + 3 * 4, 2 * 40 + 3 * 4])
        for (k, idx) in sheet.frameIndices.enumerated() {
            let ox = 4 + (k % 2) * 64, oy = 4 + (k / 2) * 44
            // Bottom-right pixel of the tile shows the frame; the top-left corner holds the black label box.
            let br = ((oy + 39) * sheet.width + ox + 59) * 3
            XCTAssertEqual(sheet.pixels[br + 1], UInt8(20 * idx + 10))
            let tl = (oy * sheet.width + ox) * 3
            XCTAssertEqual(Array(sheet.pixels[tl..<tl + 3]), [0, 0, 0])
            // Some white label pixels inside the label box.
            var white = 0
            for y in oy..<(oy + 9) { for x in ox..<(ox + 12) where sheet.pixels[(y * sheet.width + x) * 3] == 255 { white += 1 } }
            XCTAssertGreaterThan(white, 5)
        }
        // Gap pixels are the background.
        XCTAssertEqual(Array(sheet.pixels[0..<3]), [32, 32, 32])

        let dir = try scratchDir()
        defer { removeDir(dir) }
        try sheet.writePNG(to: "\(dir)/sheet.png")
        let back = try VideoReader.read("\(dir)/sheet.png")
        XCTAssertEqual(back.pixels, sheet.pixels)
        XCTAssertThrowsError(try ContactSheet(frames: clip, count: 0))
    }

    /// The 5×7 font draws the digits it claims to.
    func testBitmapFontGlyphs() {
        var img = [UInt8](repeating: 0, count: 11 * 7 * 3)
        BitmapFont.draw("10", x: 0, y: 0, scale: 1, color: (255, 255, 255), into: &img, width: 11, height: 7)
        var rows: [String] = []
        for y in 0..<7 { rows.append(String((0..<11).map { img[(y * 11 + $0) * 3] == 255 ? "#" : "." })) }
        XCTAssertEqual(rows, [
            "..#....###.",
            ".##...#...#",
            "..#...#..##",
            "..#...#.#.#",
            "..#...##..#",
            "..#...#...#",
            ".###...###.",
        ])
    }
}
