import FSDiffusion
import FSTensor
import XCTest

final class SeededNoiseTests: XCTestCase {
    /// Known-answer vectors of Random123's kat_vectors for philox4x32_10.
    func testPhiloxKnownAnswers() {
        XCTAssertEqual(Philox4x32.block(counter: (0, 0, 0, 0), key: (0, 0)),
                       [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
        XCTAssertEqual(Philox4x32.block(counter: (.max, .max, .max, .max), key: (.max, .max)),
                       [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
        XCTAssertEqual(Philox4x32.block(counter: (0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344),
                                        key: (0xa409_3822, 0x299f_31d0)),
                       [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1])
    }

    /// Box–Muller on the first block, recomputed by hand.
    func testBoxMullerDefinition() {
        let z = SeededNoise(seed: 0).normal([4], stream: NoiseStream(id: 0)).data
        let u = Philox4x32.block(counter: (0, 0, 0, 0), key: (0, 0)).map { (Double($0) + 1) / 4294967296.0 }
        let r0 = (-2 * log(u[0])).squareRoot(), r1 = (-2 * log(u[2])).squareRoot()
        let want = [r0 * cos(2 * .pi * u[1]), r0 * sin(2 * .pi * u[1]), r1 * cos(2 * .pi * u[3]), r1 * sin(2 * .pi * u[3])]
        for i in 0..<4 { XCTAssertEqual(Double(z[i]), want[i], accuracy: 1e-6) }
    }

    /// Same values for 1 and 2 threads, odd sizes; prefix-stable; streams and seeds differ; N(0, 1) moments.
    func testThreadIndependentAndWellDistributed() {
        let saved = ParallelFor.threadCount
        defer { ParallelFor.threadCount = saved }
        let g = SeededNoise(seed: 42)
        ParallelFor.threadCount = 1
        let a = g.normal([3, 4, 5, 997], stream: .initialLatent())
        ParallelFor.threadCount = 2
        let b = g.normal([3, 4, 5, 997], stream: .initialLatent())
        XCTAssertEqual(a.data, b.data)
        XCTAssertEqual(Array(g.normal([10], stream: .initialLatent()).data), Array(a.data.prefix(10)))
        XCTAssertNotEqual(g.normal([64], stream: .ddimStep(0)).data, g.normal([64], stream: .ddimStep(1)).data)
        XCTAssertNotEqual(SeededNoise(seed: 43).normal([64], stream: .initialLatent()).data, Array(a.data.prefix(64)))
        let n = Double(a.count)
        let mean = a.data.reduce(0.0) { $0 + Double($1) } / n
        let v = a.data.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        XCTAssertEqual(mean, 0, accuracy: 0.02)
        XCTAssertEqual(v, 1, accuracy: 0.02)
    }
}
