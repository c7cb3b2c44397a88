import FSTensor

/// One scale-fusion window on a token grid: FSTensor's `GridWindow` (it may reach past the grid; positions
/// outside read as zero and are dropped when scattered back).
public typealias WindowRect = GridWindow

/// The fused DDIM update's coefficients (lvdm `p_sample_ddim`, see FSDiffusion.DDIMSchedule.step):
/// predX0 = cx·x − ce·ε; xPrev = cp·predX0 + cd·ε + cn·noise.
public struct DDIMCoefficients: Equatable, Sendable {
    public var cx: Float, ce: Float, cp: Float, cd: Float, cn: Float
    public init(cx: Float, ce: Float, cp: Float, cd: Float, cn: Float) {
        self.cx = cx; self.ce = ce; self.cp = cp; self.cd = cd; self.cn = cn
    }
}
