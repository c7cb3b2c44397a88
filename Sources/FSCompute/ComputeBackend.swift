import FSTensor

/// The device seam: the ops the UNet, VAE, text tower, FreeScale and DDIM use, on tensors that live on
/// one device. One model implementation calls these and runs on whichever backend it is handed
/// (`CPUBackend` here, `CUDABackend` in FSCUDA). Layouts follow FSTensor (PyTorch's): NCHW, NCTHW,
/// Linear weights [out, in], tokens [B, N, C].
public protocol ComputeBackend: AnyObject {
    var device: DeviceKind { get }
    /// A short name for logs and run.json ("cpu", "cuda:0 NVIDIA H200").
    var name: String { get }

    // Transfers
    /// An fp32 activation on the device.
    func upload(_ tensor: Tensor) throws -> DeviceTensor
    /// A weight in the device's weight format (bf16 on the GPU, fp32 on the CPU); uploaded once.
    func uploadWeight(_ tensor: Tensor) throws -> DeviceTensor
    /// Back to the host as fp32 (waits for pending work).
    func download(_ tensor: DeviceTensor) throws -> Tensor
    func synchronize() throws

    // GEMMs (fp32 accumulation)
    /// x [..., in] · weightᵀ [out, in] + bias [out] → [..., out].
    func linear(_ x: DeviceTensor, weight: DeviceTensor, bias: DeviceTensor?) throws -> DeviceTensor
    /// a [B?, M, K] · b [B?, K, N] (or bᵀ with b [B?, N, K]) → [B?, M, N].
    func matmul(_ a: DeviceTensor, _ b: DeviceTensor, transposeB: Bool) throws -> DeviceTensor
    /// x [N, C, H, W], weight [O, C, kh, kw] → [N, O, H', W'] (im2col + GEMM on the GPU); `dilation` for
    /// FreeScale's restrained dilated convolutions.
    func conv2d(_ x: DeviceTensor, weight: DeviceTensor, bias: DeviceTensor?, stride: Int, padding: Int, dilation: Int) throws
        -> DeviceTensor
    /// x [N, C, T, H, W], weight [O, C, k, 1, 1], padding along T → [N, O, T', H, W].
    func temporalConv(_ x: DeviceTensor, weight: DeviceTensor, bias: DeviceTensor?, padding: Int) throws -> DeviceTensor

    // Normalisation and activations
    func groupNorm(_ x: DeviceTensor, groups: Int, weight: DeviceTensor?, bias: DeviceTensor?, eps: Float) throws -> DeviceTensor
    func layerNorm(_ x: DeviceTensor, weight: DeviceTensor?, bias: DeviceTensor?, eps: Float) throws -> DeviceTensor
    func softmax(_ x: DeviceTensor) throws -> DeviceTensor
    func silu(_ x: DeviceTensor) throws -> DeviceTensor
    func gelu(_ x: DeviceTensor) throws -> DeviceTensor
    /// h [rows, 2·inner] (value | gate) → value · GELU(gate) [rows, inner].
    func geglu(_ h: DeviceTensor, inner: Int) throws -> DeviceTensor

    // Arithmetic
    func add(_ a: DeviceTensor, _ b: DeviceTensor) throws -> DeviceTensor
    func mul(_ a: DeviceTensor, _ b: DeviceTensor) throws -> DeviceTensor
    func scale(_ a: DeviceTensor, by s: Float) throws -> DeviceTensor
    /// α·a + β·b (classifier-free guidance: (1 − g)·uncond + g·cond).
    func axpby(_ a: DeviceTensor, _ alpha: Float, _ b: DeviceTensor, _ beta: Float) throws -> DeviceTensor
    /// One DDIM update: (xPrev, predX0).
    func ddimStep(x: DeviceTensor, eps: DeviceTensor, noise: DeviceTensor?, _ c: DDIMCoefficients) throws
        -> (xPrev: DeviceTensor, predX0: DeviceTensor)

    // Attention
    /// q [B, N, h·d], k [B, M, h·d], v [B, M, h·dv] → [B, N, h·dv]; fused, never an N×M matrix.
    func attention(q: DeviceTensor, k: DeviceTensor, v: DeviceTensor, heads: Int, scale: Float) throws -> DeviceTensor

    // Resampling and FreeScale's gathers
    /// The last two axes, like torch F.interpolate(align_corners=False).
    func resize(_ x: DeviceTensor, height: Int, width: Int, mode: ResizeMode) throws -> DeviceTensor
    /// Separable Gaussian blur with zero padding along `axes` (FSTensor.gaussianBlur).
    func gaussianBlur(_ x: DeviceTensor, kernelSize: Int, sigma: Float, axes: [Int]) throws -> DeviceTensor
    /// x [B, h·w, C] → windows' tokens [nWin·B, wh·ww, C] (window outer; outside the grid = 0).
    func gatherWindows(_ x: DeviceTensor, height: Int, width: Int, windows: [WindowRect]) throws -> DeviceTensor
    /// Adds y [nWin·B, wh·ww, C] back into value [B, h·w, C] (outside positions dropped); returns the sum.
    func scatterAddWindows(_ y: DeviceTensor, into value: DeviceTensor, height: Int, width: Int,
                           windows: [WindowRect]) throws -> DeviceTensor
}

extension ComputeBackend {
    /// conv2d without dilation.
    public func conv2d(_ x: DeviceTensor, weight: DeviceTensor, bias: DeviceTensor?, stride: Int, padding: Int) throws -> DeviceTensor {
        try conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: 1)
    }

    /// Throws unless `t` lives on this backend's device.
    public func requireLocal(_ t: DeviceTensor, _ op: String) throws {
        guard t.device == device else {
            throw FSError("\(op): tensor on \(t.device.rawValue) given to the \(device.rawValue) backend")
        }
    }
}
