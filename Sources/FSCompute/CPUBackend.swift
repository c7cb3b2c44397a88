import FSTensor

/// The CPU side of the seam: every op is the existing FSTensor op (same numerics, fp32 weights).
public final class CPUBackend: ComputeBackend {
    public init() {}
    public var device: DeviceKind { .cpu }
    public var name: String { "cpu" }

    func wrap(_ t: Tensor) -> DeviceTensor {
        DeviceTensor(shape: t.shape, dtype: .fp32, device: .cpu, storage: HostStorage(t))
    }

    func host(_ t: DeviceTensor, _ op: String) throws -> Tensor {
        guard let s = t.storage as? HostStorage else { throw FSError("\(op): \(t) is not a CPU tensor") }
        return s.tensor
    }

    func host(_ t: DeviceTensor?, _ op: String) throws -> Tensor? {
        guard let t else { return nil }
        return try host(t, op) as Tensor
    }

    public func upload(_ tensor: Tensor) throws -> DeviceTensor { wrap(tensor) }
    public func uploadWeight(_ tensor: Tensor) throws -> DeviceTensor { wrap(tensor) }
    public func download(_ tensor: DeviceTensor) throws -> Tensor { try host(tensor, "download") }
    public func synchronize() throws {}

    public func linear(_ x: DeviceTensor, weight: DeviceTensor, bias: DeviceTensor?) throws -> DeviceTensor {
        wrap(FSTensor.linear(try host(x, "linear"), weight: try host(weight, "linear"), bias: try host(bias, "linear")))
    }

    public func matmul(_ a: DeviceTensor, _ b: DeviceTensor, transposeB: Bool) throws -> DeviceTensor {
        wrap(FSTensor.matmul(try host(a, "matmul"), try host(b, "matmul"), transposeB: transposeB))
    }

    public func conv2d(_ x: DeviceTensor, weight: DeviceTensor, bias: DeviceTensor?, stride: Int, padding: Int,
                       dilation: Int) throws -> DeviceTensor {
        wrap(FSTensor.conv2d(try host(x, "conv2d"), weight: try host(weight, "conv2d") as Tensor, bias: try host(bias, "conv2d"),
                             stride: stride, padding: padding, dilation: dilation))
    }

    public func temporalConv(_ x: DeviceTensor, weight: DeviceTensor, bias: DeviceTensor?, padding: Int) throws -> DeviceTensor {
        wrap(FSTensor.temporalConv(try host(x, "temporalConv"), weight: try host(weight, "temporalConv") as Tensor,
                                   bias: try host(bias, "temporalConv"), padding: padding))
    }

    public func groupNorm(_ x: DeviceTensor, groups: Int, weight: DeviceTensor?, bias: DeviceTensor?, eps: Float) throws -> DeviceTensor {
        wrap(FSTensor.groupNorm(try host(x, "groupNorm"), groups: groups, weight: try host(weight, "groupNorm"),
                                bias: try host(bias, "groupNorm"), eps: eps))
    }

    public func layerNorm(_ x: DeviceTensor, weight: DeviceTensor?, bias: DeviceTensor?, eps: Float) throws -> DeviceTensor {
        wrap(FSTensor.layerNorm(try host(x, "layerNorm"), weight: try host(weight, "layerNorm"),
                                bias: try host(bias, "layerNorm"), eps: eps))
    }

    public func softmax(_ x: DeviceTensor) throws -> DeviceTensor { wrap(FSTensor.softmax(try host(x, "softmax"))) }
    public func silu(_ x: DeviceTensor) throws -> DeviceTensor { wrap(FSTensor.silu(try host(x, "silu"))) }
    public func gelu(_ x: DeviceTensor) throws -> DeviceTensor { wrap(FSTensor.gelu(try host(x, "gelu"))) }
    public func geglu(_ h: DeviceTensor, inner: Int) throws -> DeviceTensor {
        wrap(FSTensor.geglu(try host(h, "geglu"), inner: inner))
    }

    public func add(_ a: DeviceTensor, _ b: DeviceTensor) throws -> DeviceTensor { wrap(try host(a, "add") + host(b, "add")) }
    public func mul(_ a: DeviceTensor, _ b: DeviceTensor) throws -> DeviceTensor { wrap(try host(a, "mul") * host(b, "mul")) }
    public func scale(_ a: DeviceTensor, by s: Float) throws -> DeviceTensor { wrap(try host(a, "scale") * s) }

    public func axpby(_ a: DeviceTensor, _ alpha: Float, _ b: DeviceTensor, _ beta: Float) throws -> DeviceTensor {
        let (x, y) = (try host(a, "axpby"), try host(b, "axpby"))
        guard x.shape == y.shape else { throw FSError("axpby: shapes \(x.shape) and \(y.shape) differ") }
        var out = x
        for i in 0..<x.count { out.data[i] = alpha * x.data[i] + beta * y.data[i] }
        return wrap(out)
    }

    public func ddimStep(x: DeviceTensor, eps: DeviceTensor, noise: DeviceTensor?, _ c: DDIMCoefficients) throws
        -> (xPrev: DeviceTensor, predX0: DeviceTensor) {
        let (xh, eh, nh) = (try host(x, "ddimStep"), try host(eps, "ddimStep"), try host(noise, "ddimStep"))
        guard xh.shape == eh.shape, nh.map({ $0.shape == xh.shape }) ?? true else {
            throw FSError("ddimStep: x \(xh.shape), ε \(eh.shape), noise \(nh?.shape ?? []) differ")
        }
        var pred = Tensor(zeros: xh.shape), xp = Tensor(zeros: xh.shape)
        for i in 0..<xh.count {
            let p = c.cx * xh.data[i] - c.ce * eh.data[i]
            pred.data[i] = p
            xp.data[i] = c.cp * p + c.cd * eh.data[i]
        }
        if let nh { for i in 0..<xh.count { xp.data[i] += c.cn * nh.data[i] } }
        return (wrap(xp), wrap(pred))
    }

    public func attention(q: DeviceTensor, k: DeviceTensor, v: DeviceTensor, heads: Int, scale: Float) throws -> DeviceTensor {
        wrap(FSTensor.multiHeadAttention(q: try host(q, "attention"), k: try host(k, "attention"), v: try host(v, "attention"),
                                         heads: heads, scale: scale))
    }

    public func resize(_ x: DeviceTensor, height: Int, width: Int, mode: ResizeMode) throws -> DeviceTensor {
        wrap(FSTensor.resize(try host(x, "resize"), height: height, width: width, mode: mode))
    }

    public func gaussianBlur(_ x: DeviceTensor, kernelSize: Int, sigma: Float, axes: [Int]) throws -> DeviceTensor {
        wrap(FSTensor.gaussianBlur(try host(x, "gaussianBlur"), kernelSize: kernelSize, sigma: sigma, axes: axes))
    }

    public func gatherWindows(_ x: DeviceTensor, height: Int, width: Int, windows: [WindowRect]) throws -> DeviceTensor {
        wrap(try WindowOps.gather(try host(x, "gatherWindows"), height: height, width: width, windows: windows))
    }

    public func scatterAddWindows(_ y: DeviceTensor, into value: DeviceTensor, height: Int, width: Int,
                                  windows: [WindowRect]) throws -> DeviceTensor {
        wrap(try WindowOps.scatterAdd(try host(y, "scatterAddWindows"), into: try host(value, "scatterAddWindows"),
                                      height: height, width: width, windows: windows))
    }
}
