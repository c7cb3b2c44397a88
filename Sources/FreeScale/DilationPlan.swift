// Restrained dilated convolution (docs/freescale.md, step 2.4): which UNet convs are dilated, by how much, and when.
import FSTensor

/// The part of a UNet's shape the dilation layer set depends on (lvdm UNetModel naming).
public struct UNetLayout: Sendable, Equatable {
    public var levels: Int              // channel_mult.count
    public var numResBlocks: Int        // num_res_blocks
    public var temporalAttention: Bool  // middle_block has a TemporalTransformer at index 2

    public init(levels: Int, numResBlocks: Int, temporalAttention: Bool) {
        self.levels = levels; self.numResBlocks = numResBlocks; self.temporalAttention = temporalAttention
    }

    /// VideoCrafter2 (configs/inference_t2v_512_v2.0.yaml): channel_mult [1,2,4,4], 2 res blocks.
    public static let vc2 = UNetLayout(levels: 4, numResBlocks: 2, temporalAttention: true)
}

public struct DilationPlan: Sendable, Equatable {
    /// lvdm module names of the dilated 3×3 convs.
    public var layers: [String]
    /// Dilation (and padding) for the dilated layers while the step index is below `tau`.
    public var dilation: Int
    /// Steps i < tau (counting skipped restart steps) are dilated.
    public var tau: Int

    public init(layers: [String], dilation: Int, tau: Int) {
        self.layers = layers; self.dilation = dilation; self.tau = tau
    }

    /// The module → dilation map for step `i` (empty when nothing is dilated).
    public func map(step i: Int) -> [String: Int] {
        guard dilation > 1, i < tau else { return [:] }
        return Dictionary(uniqueKeysWithValues: layers.map { ($0, dilation) })
    }

    /// d = round(target width / base width), at least 1.
    public static func factor(targetWidth: Int, baseWidth: Int) -> Int {
        Swift.max(1, Int((Double(targetWidth) / Double(baseWidth)).rounded()))
    }

    /// Default layer set: the ResBlock 3×3 convs (`in_layers.2`, `out_layers.3`) of the two deepest down
    /// levels of input_blocks (never level 0, the full-resolution one), the Downsample convs into those
    /// levels (`.0.op`), and the ResBlocks of middle_block. Never output_blocks, never temporal convs.
    /// For VideoCrafter2 this is input_blocks.6–11 and middle_block.0/3.
    public static func defaultLayers(for layout: UNetLayout) -> [String] {
        var names: [String] = []
        var index = 1  // input_blocks.0 is the input conv
        let firstDilated = Swift.max(1, layout.levels - 2)
        for level in 0..<layout.levels {
            if level > 0 {
                // The Downsample into this level sits just before its res blocks.
                if level >= firstDilated { names.append("input_blocks.\(index - 1).0.op") }
            }
            for _ in 0..<layout.numResBlocks {
                if level >= firstDilated {
                    names.append("input_blocks.\(index).0.in_layers.2")
                    names.append("input_blocks.\(index).0.out_layers.3")
                }
                index += 1
            }
            if level != layout.levels - 1 { index += 1 }  // Downsample block
        }
        let lastMid = layout.temporalAttention ? 3 : 2
        for m in [0, lastMid] {
            names.append("middle_block.\(m).in_layers.2")
            names.append("middle_block.\(m).out_layers.3")
        }
        return names
    }

    /// All names `defaultLayers` could ever produce for a layout — used to validate `--dilate-layers`.
    public static func candidateLayers(for layout: UNetLayout) -> Set<String> {
        var names = Set<String>()
        var index = 1
        for level in 0..<layout.levels {
            for _ in 0..<layout.numResBlocks {
                names.insert("input_blocks.\(index).0.in_layers.2"); names.insert("input_blocks.\(index).0.out_layers.3")
                index += 1
            }
            if level != layout.levels - 1 { names.insert("input_blocks.\(index).0.op"); index += 1 }
        }
        names.insert("input_blocks.0.0")
        let lastMid = layout.temporalAttention ? 3 : 2
        for m in [0, lastMid] { names.insert("middle_block.\(m).in_layers.2"); names.insert("middle_block.\(m).out_layers.3") }
        let outBlocks = layout.levels * (layout.numResBlocks + 1)
        for o in 0..<outBlocks {
            names.insert("output_blocks.\(o).0.in_layers.2"); names.insert("output_blocks.\(o).0.out_layers.3")
            for j in 1...3 { names.insert("output_blocks.\(o).\(j).conv") }
        }
        return names
    }

    /// Checks user-given names (`--dilate-layers`) against the layout.
    public static func validate(_ names: [String], layout: UNetLayout) throws {
        let known = candidateLayers(for: layout)
        for n in names where !known.contains(n) {
            throw FSError("dilated layer '\(n)' is not a 3x3 spatial conv of this UNet (e.g. \(defaultLayers(for: layout).first ?? "input_blocks.4.0.in_layers.2"))")
        }
    }
}
