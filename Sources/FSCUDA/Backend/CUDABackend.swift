import FSCompute
import FSTensor

/// The GPU side of the seam. Activations are fp32 device buffers that stay on the GPU; weights of rank ≥ 2
/// are bf16 (uploaded once); 1-D weights (biases, norm scales) stay fp32. GEMMs are cuBLASLt bf16 with fp32
/// accumulation (fp32 activations are converted to bf16 scratch first); everything else is an NVRTC kernel.
public final class CUDABackend: ComputeBackend {
    public let context: CUDAContext
    public var device: DeviceKind { .cuda }
    public var name: String { "cuda:\(context.info.ordinal) \(context.info.name)" }

    public init(context: CUDAContext) { self.context = context }

    public convenience init() throws { self.init(context: try CUDAContext()) }

    // MARK: tensors

    func buffer(_ t: DeviceTensor, _ op: String) throws -> DeviceBuffer {
        guard let b = t.storage as? DeviceBuffer else { throw FSError("\(op): \(t) is not a CUDA tensor") }
        return b
    }

    func pointer(_ t: DeviceTensor, _ op: String) throws -> UInt64 { try buffer(t, op).pointer }

    func pointer(_ t: DeviceTensor?, _ op: String) throws -> UInt64 {
        guard let t else { return 0 }
        guard t.dtype == .fp32 else { throw FSError("\(op): \(t) must be fp32") }
        return try pointer(t, op) as UInt64
    }

    func empty(_ shape: [Int], _ dtype: DeviceDType = .fp32) throws -> DeviceTensor {
        let count = shape.reduce(1, *)
        return DeviceTensor(shape: shape, dtype: dtype, device: .cuda, storage: try context.allocate(count * dtype.byteSize))
    }

    /// An fp32 input, checked.
    func fp32(_ t: DeviceTensor, _ op: String) throws -> UInt64 {
        guard t.dtype == .fp32 else { throw FSError("\(op): expects an fp32 activation, got \(t)") }
        return try pointer(t, op)
    }

    /// `t` as bf16 (converted into scratch when it is fp32).
    func bf16(_ t: DeviceTensor) throws -> DeviceTensor {
        if t.dtype == .bf16 { return t }
        let out = try empty(t.shape, .bf16)
        try context.launch1D("fs_f32_to_bf16", count: t.count, [.pointer(try pointer(t, "bf16")), .pointer(try pointer(out, "bf16")), .long(t.count)])
        return out
    }

    func elementwise(_ kernel: String, _ inputs: [DeviceTensor], extra: [KernelArgument] = []) throws -> DeviceTensor {
        let shape = inputs[0].shape
        for t in inputs where t.shape != shape { throw FSError("\(kernel): shapes \(inputs.map(\.shape)) differ") }
        let out = try empty(shape)
        let ins = try inputs.map { KernelArgument.pointer(try fp32($0, kernel)) }
        try context.launch1D(kernel, count: out.count, ins + extra + [.pointer(try pointer(out, kernel)), .long(out.count)])
        return out
    }

    public func upload(_ tensor: Tensor) throws -> DeviceTensor {
        try context.makeCurrent()
        let out = try empty(tensor.shape)
        try tensor.data.withUnsafeBytes { try context.copyToDevice($0.baseAddress!, try pointer(out, "upload"), bytes: $0.count) }
        return out
    }

    public func uploadWeight(_ tensor: Tensor) throws -> DeviceTensor {
        let f = try upload(tensor)
        return tensor.rank >= 2 ? try bf16(f) : f
    }

    public func download(_ tensor: DeviceTensor) throws -> Tensor {
        let src = tensor.dtype == .fp32 ? tensor : try elementwiseConvert(tensor)
        let p = try pointer(src, "download")
        var data = [Float](repeating: 0, count: tensor.count)
        try data.withUnsafeMutableBytes { try context.copyToHost(p, $0.baseAddress!, bytes: $0.count) }
        return Tensor(shape: tensor.shape, data: data)
    }

    func elementwiseConvert(_ t: DeviceTensor) throws -> DeviceTensor {
        let out = try empty(t.shape)
        try context.launch1D("fs_bf16_to_f32", count: t.count, [.pointer(try pointer(t, "download")), .pointer(try pointer(out, "download")), .long(t.count)])
        return out
    }

    public func synchronize() throws { try context.synchronize() }

    // MARK: GEMMs

    public func linear(_ x: DeviceTensor, weight: DeviceTensor, bias: DeviceTensor?) throws -> DeviceTensor {
        guard weight.rank == 2, x.rank >= 1, x.shape[x.rank - 1] == weight.shape[1] else {
            throw FSError("linear: input \(x.shape) does not match weight \(weight.shape)")
        }
        let (outF, inF) = (weight.shape[0], weight.shape[1])
        if let bias, bias.count != outF { throw FSError("linear: bias \(bias.shape) for \(outF) outputs") }
        let rows = x.count / inF
        var shape = x.shape; shape[shape.count - 1] = outF
        let out = try empty(shape)
        let xb = try bf16(x), wb = try bf16(weight)
        try context.gemm!.run(.linear(rows: rows, inFeatures: inF, outFeatures: outF, x: try pointer(xb, "linear"),
                                      weight: try pointer(wb, "linear"), out: try pointer(out, "linear")),
                              bias: bias.map { _ in try pointer(bias, "linear") as UInt64 })
        return out
    }

    public func matmul(_ a: DeviceTensor, _ b: DeviceTensor, transposeB: Bool) throws -> DeviceTensor {
        guard a.rank == b.rank, a.rank == 2 || a.rank == 3, a.rank == 2 || a.shape[0] == b.shape[0] else {
            throw FSError("matmul: shapes \(a.shape), \(b.shape) do not fit")
        }
        let batched = a.rank == 3
        let batch = batched ? a.shape[0] : 1
        let (m, k) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (kb, n) = transposeB ? (b.shape[b.rank - 1], b.shape[b.rank - 2]) : (b.shape[b.rank - 2], b.shape[b.rank - 1])
        guard k == kb else { throw FSError("matmul: inner sizes \(k) and \(kb) differ") }
        let out = try empty(batched ? [batch, m, n] : [m, n])
        let ab = try bf16(a), bb = try bf16(b)
        try context.gemm!.run(.matmul(batch: batch, m: m, n: n, k: k, transposeB: transposeB, a: try pointer(ab, "matmul"),
                                      b: try pointer(bb, "matmul"), out: try pointer(out, "matmul")))
        return out
    }

    /// Images per im2col chunk, so the bf16 column buffer stays under 512 MiB.
    static let im2colBytes = 512 << 20

    public func conv2d(_ x: DeviceTensor, weight: DeviceTensor, bias: DeviceTensor?, stride: Int, padding: Int,
                       dilation: Int) throws -> DeviceTensor {
        guard x.rank == 4, weight.rank == 4, weight.shape[1] == x.shape[1], stride > 0, padding >= 0, dilation > 0 else {
            throw FSError("conv2d: input \(x.shape) does not match weight \(weight.shape)")
        }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        let oh = (h + 2 * padding - dilation * (kh - 1) - 1) / stride + 1
        let ow = (w + 2 * padding - dilation * (kw - 1) - 1) / stride + 1
        guard oh > 0, ow > 0 else { throw FSError("conv2d: kernel larger than the padded input \(x.shape)") }
        let k = c * kh * kw, p = oh * ow
        let out = try empty([n, o, oh, ow])
        let wb = try bf16(weight)
        let chunk = Swift.max(1, Swift.min(n, Self.im2colBytes / Swift.max(k * p * 2, 1)))
        let xp = try fp32(x, "conv2d"), op = try pointer(out, "conv2d")
        var img0 = 0
        while img0 < n {
            let imgs = Swift.min(chunk, n - img0)
            let cols = try empty([imgs, k, p], .bf16)
            let colsPointer = try pointer(cols, "conv2d")
            try context.launch1D("fs_im2col_bf16", count: imgs * k * p, [
                .pointer(xp + UInt64(img0 * c * h * w * 4)), .pointer(colsPointer), .long(imgs),
                .int(c), .int(h), .int(w), .int(kh), .int(kw), .int(stride), .int(padding), .int(dilation), .int(oh), .int(ow),
            ])
            try context.gemm!.run(.conv2d(images: imgs, firstImage: img0, outChannels: o, k: k, positions: p,
                                          weight: try pointer(wb, "conv2d"), cols: colsPointer, out: op))
            img0 += imgs
        }
        if let bias { try addChannelBias(out, bias, n: n, c: o, inner: p) }
        return out
    }

    func addChannelBias(_ y: DeviceTensor, _ bias: DeviceTensor, n: Int, c: Int, inner: Int) throws {
        guard bias.count == c else { throw FSError("bias \(bias.shape) for \(c) channels") }
        try context.launch1D("fs_add_channel_bias", count: y.count, [
            .pointer(try pointer(y, "bias")), .pointer(try pointer(bias, "bias") as UInt64), .long(n), .long(c), .long(inner),
        ])
    }

    public func temporalConv(_ x: DeviceTensor, weight: DeviceTensor, bias: DeviceTensor?, padding: Int) throws -> DeviceTensor {
        guard x.rank == 5, weight.rank == 5, weight.shape[1] == x.shape[1], weight.shape[3] == 1, weight.shape[4] == 1,
              padding >= 0 else {
            throw FSError("temporalConv: input \(x.shape) does not match weight \(weight.shape)")
        }
        let (n, c, t, hw) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3] * x.shape[4])
        let (o, k) = (weight.shape[0], weight.shape[2])
        let tOut = t + 2 * padding - k + 1
        guard tOut > 0 else { throw FSError("temporalConv: kernel \(k) longer than the padded frame count \(t)") }
        let out = try empty([n, o, tOut, x.shape[3], x.shape[4]])
        let wb = try bf16(weight)   // [O, C·k] row-major
        let unfolded = try empty([n, tOut, c * k, hw], .bf16)
        let up = try pointer(unfolded, "temporalConv"), op = try pointer(out, "temporalConv")
        try context.launch1D("fs_temporal_unfold_bf16", count: unfolded.count, [
            .pointer(try fp32(x, "temporalConv")), .pointer(up), .int(n), .int(c), .int(t), .int(k), .int(padding),
            .int(tOut), .long(hw),
        ])
        for b in 0..<n {
            // out[b, :, to, :] ([O, HW] with row stride T'·HW) = W [O, C·k] · unfolded[b, to] [C·k, HW], batched over to.
            try context.gemm!.run(.temporalConv(entry: b, outChannels: o, ck: c * k, frames: tOut, hw: hw,
                                                weight: try pointer(wb, "temporalConv"), unfolded: up, out: op))
        }
        if let bias { try addChannelBias(out, bias, n: n, c: o, inner: tOut * hw) }
        return out
    }

    // MARK: normalisation, activations, arithmetic

    public func groupNorm(_ x: DeviceTensor, groups: Int, weight: DeviceTensor?, bias: DeviceTensor?, eps: Float) throws -> DeviceTensor {
        guard x.rank >= 2, groups > 0, x.shape[1] % groups == 0 else {
            throw FSError("groupNorm: \(x.shape) channels not divisible into \(groups) groups")
        }
        let (n, c) = (x.shape[0], x.shape[1])
        let out = try empty(x.shape)
        try context.launch("fs_group_norm", grid: (n * groups, 1, 1), block: 512, [
            .pointer(try fp32(x, "groupNorm")), .pointer(try pointer(out, "groupNorm")),
            .pointer(try pointer(weight, "groupNorm")), .pointer(try pointer(bias, "groupNorm")),
            .int(groups), .int(c), .long(x.count / (n * c)), .float(eps),
        ])
        return out
    }

    public func layerNorm(_ x: DeviceTensor, weight: DeviceTensor?, bias: DeviceTensor?, eps: Float) throws -> DeviceTensor {
        let d = x.shape[x.rank - 1]
        let out = try empty(x.shape)
        try context.launch("fs_layer_norm", grid: (x.count / d, 1, 1), block: 256, [
            .pointer(try fp32(x, "layerNorm")), .pointer(try pointer(out, "layerNorm")),
            .pointer(try pointer(weight, "layerNorm")), .pointer(try pointer(bias, "layerNorm")), .int(d), .float(eps),
        ])
        return out
    }

    public func softmax(_ x: DeviceTensor) throws -> DeviceTensor {
        let d = x.shape[x.rank - 1]
        let out = try empty(x.shape)
        try context.launch("fs_softmax", grid: (x.count / d, 1, 1), block: 256, [
            .pointer(try fp32(x, "softmax")), .pointer(try pointer(out, "softmax")), .int(d),
        ])
        return out
    }

    public func silu(_ x: DeviceTensor) throws -> DeviceTensor { try elementwise("fs_silu", [x]) }
    public func gelu(_ x: DeviceTensor) throws -> DeviceTensor { try elementwise("fs_gelu", [x]) }

    public func geglu(_ h: DeviceTensor, inner: Int) throws -> DeviceTensor {
        guard h.rank == 2, h.shape[1] == 2 * inner else { throw FSError("geglu: \(h.shape) is not [rows, 2·\(inner)]") }
        let out = try empty([h.shape[0], inner])
        try context.launch1D("fs_geglu", count: out.count, [
            .pointer(try fp32(h, "geglu")), .pointer(try pointer(out, "geglu")), .long(h.shape[0]), .long(inner),
        ])
        return out
    }

    public func add(_ a: DeviceTensor, _ b: DeviceTensor) throws -> DeviceTensor { try elementwise("fs_add", [a, b]) }
    public func mul(_ a: DeviceTensor, _ b: DeviceTensor) throws -> DeviceTensor { try elementwise("fs_mul", [a, b]) }
    public func scale(_ a: DeviceTensor, by s: Float) throws -> DeviceTensor { try elementwise("fs_scale", [a], extra: [.float(s)]) }

    public func axpby(_ a: DeviceTensor, _ alpha: Float, _ b: DeviceTensor, _ beta: Float) throws -> DeviceTensor {
        guard a.shape == b.shape else { throw FSError("axpby: shapes \(a.shape) and \(b.shape) differ") }
        let out = try empty(a.shape)
        try context.launch1D("fs_axpby", count: a.count, [
            .pointer(try fp32(a, "axpby")), .float(alpha), .pointer(try fp32(b, "axpby")), .float(beta),
            .pointer(try pointer(out, "axpby")), .long(a.count),
        ])
        return out
    }

    public func ddimStep(x: DeviceTensor, eps: DeviceTensor, noise: DeviceTensor?, _ c: DDIMCoefficients) throws
        -> (xPrev: DeviceTensor, predX0: DeviceTensor) {
        guard x.shape == eps.shape, noise.map({ $0.shape == x.shape }) ?? true else {
            throw FSError("ddimStep: x \(x.shape), ε \(eps.shape), noise \(noise?.shape ?? []) differ")
        }
        let xp = try empty(x.shape), pred = try empty(x.shape)
        try context.launch1D("fs_ddim_step", count: x.count, [
            .pointer(try fp32(x, "ddim")), .pointer(try fp32(eps, "ddim")), .pointer(try pointer(noise, "ddim")),
            .float(c.cx), .float(c.ce), .float(c.cp), .float(c.cd), .float(c.cn),
            .pointer(try pointer(xp, "ddim")), .pointer(try pointer(pred, "ddim")), .long(x.count),
        ])
        return (xp, pred)
    }

    // MARK: attention

    public func attention(q: DeviceTensor, k: DeviceTensor, v: DeviceTensor, heads: Int, scale: Float) throws -> DeviceTensor {
        guard q.rank == 3, k.rank == 3, v.rank == 3, heads > 0, q.shape[2] % heads == 0, v.shape[2] % heads == 0,
              q.shape[0] == k.shape[0], k.shape[0] == v.shape[0], q.shape[2] == k.shape[2], k.shape[1] == v.shape[1],
              q.dtype == k.dtype, k.dtype == v.dtype else {
            throw FSError("attention: shapes q \(q.shape), k \(k.shape), v \(v.shape) do not fit \(heads) heads")
        }
        let (b, n, m) = (q.shape[0], q.shape[1], k.shape[1])
        let (d, dv) = (q.shape[2] / heads, v.shape[2] / heads)
        guard let width = AttentionKernels.headWidths.first(where: { $0 >= Swift.max(d, dv) }) else {
            throw FSError("attention: head width \(Swift.max(d, dv)) above \(AttentionKernels.headWidths.last!)")
        }
        let out = try empty([b, n, v.shape[2]])
        let kernel = "fs_attention_\(q.dtype == .bf16 ? "bf16" : "f32")_d\(width)"
        let bq = AttentionKernels.queriesPerBlock
        try context.launch(kernel, grid: (b * heads, (n + bq - 1) / bq, 1), block: bq, [
            .pointer(try pointer(q, "attention")), .pointer(try pointer(k, "attention")), .pointer(try pointer(v, "attention")),
            .pointer(try pointer(out, "attention")), .int(n), .int(m), .int(heads), .int(d), .int(dv),
            .int(q.shape[2]), .int(k.shape[2]), .int(v.shape[2]), .int(v.shape[2]), .float(scale),
        ])
        return out
    }

    // MARK: resampling, FreeScale

    public func resize(_ x: DeviceTensor, height: Int, width: Int, mode: ResizeMode) throws -> DeviceTensor {
        guard x.rank >= 2, height > 0, width > 0 else { throw FSError("resize: bad sizes \(x.shape) → \(height)x\(width)") }
        let (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
        if h == height && w == width { return x }
        var shape = x.shape; shape[x.rank - 2] = height; shape[x.rank - 1] = width
        let out = try empty(shape)
        try context.launch1D("fs_resize_\(mode.rawValue)", count: out.count, [
            .pointer(try fp32(x, "resize")), .pointer(try pointer(out, "resize")), .long(x.count / (h * w)),
            .int(h), .int(w), .int(height), .int(width),
        ])
        return out
    }

    public func gaussianBlur(_ x: DeviceTensor, kernelSize: Int, sigma: Float, axes: [Int]) throws -> DeviceTensor {
        let taps = try upload(Tensor(shape: [kernelSize], data: gaussianKernel1D(size: kernelSize, sigma: sigma)))
        var y = x
        for axis in axes {
            let ax = axis < 0 ? axis + x.rank : axis
            guard ax >= 0 && ax < x.rank else { throw FSError("gaussianBlur: axis \(axis) out of range for \(x.shape)") }
            let len = x.shape[ax], inner = x.shape[(ax + 1)...].reduce(1, *)
            let out = try empty(x.shape)
            try context.launch1D("fs_blur_axis", count: x.count, [
                .pointer(try fp32(y, "gaussianBlur")), .pointer(try pointer(out, "gaussianBlur")),
                .pointer(try pointer(taps, "gaussianBlur")), .int(kernelSize), .long(x.count / (len * inner)), .long(len), .long(inner),
            ])
            y = out
        }
        return y
    }

    func windowTables(_ windows: [WindowRect], _ op: String) throws -> (tops: DeviceTensor, lefts: DeviceTensor, wh: Int, ww: Int) {
        guard let first = windows.first,
              windows.allSatisfy({ $0.height == first.height && $0.width == first.width }) else {
            throw FSError("\(op): windows must be non-empty and of one size")
        }
        // Int32 tables, uploaded through fp32 storage of the same byte size.
        func table(_ values: [Int]) throws -> DeviceTensor {
            let bits = values.map { Float(bitPattern: UInt32(bitPattern: Int32($0))) }
            return try upload(Tensor(shape: [values.count], data: bits))
        }
        return (try table(windows.map(\.top)), try table(windows.map(\.left)), first.height, first.width)
    }

    public func gatherWindows(_ x: DeviceTensor, height: Int, width: Int, windows: [WindowRect]) throws -> DeviceTensor {
        guard x.rank == 3, x.shape[1] == height * width else { throw FSError("gatherWindows: \(x.shape) is not [B, \(height)·\(width), C]") }
        let (tops, lefts, wh, ww) = try windowTables(windows, "gatherWindows")
        let (b, c) = (x.shape[0], x.shape[2])
        let out = try empty([windows.count * b, wh * ww, c])
        try context.launch1D("fs_gather_windows", count: out.count, [
            .pointer(try fp32(x, "gatherWindows")), .pointer(try pointer(out, "gatherWindows")),
            .pointer(try pointer(tops, "gatherWindows")), .pointer(try pointer(lefts, "gatherWindows")),
            .int(windows.count), .int(b), .int(height), .int(width), .int(wh), .int(ww), .int(c),
        ])
        return out
    }

    public func scatterAddWindows(_ y: DeviceTensor, into value: DeviceTensor, height: Int, width: Int,
                                  windows: [WindowRect]) throws -> DeviceTensor {
        let (tops, lefts, wh, ww) = try windowTables(windows, "scatterAddWindows")
        guard value.rank == 3, value.shape[1] == height * width, y.rank == 3, y.shape[2] == value.shape[2],
              y.shape[0] == windows.count * value.shape[0], y.shape[1] == wh * ww else {
            throw FSError("scatterAddWindows: y \(y.shape) does not fit value \(value.shape) with \(windows.count) windows")
        }
        let out = try empty(value.shape)
        try context.check(context.driver.cuMemcpyDtoDAsync!(try pointer(out, "scatter"), try fp32(value, "scatter"),
                                                            value.count * 4, context.stream), "copy")
        try context.launch1D("fs_scatter_add_windows", count: out.count, [
            .pointer(try fp32(y, "scatterAddWindows")), .pointer(try pointer(out, "scatterAddWindows")),
            .pointer(try pointer(tops, "scatterAddWindows")), .pointer(try pointer(lefts, "scatterAddWindows")),
            .int(windows.count), .int(value.shape[0]), .int(height), .int(width), .int(wh), .int(ww), .int(value.shape[2]),
        ])
        return out
    }
}
