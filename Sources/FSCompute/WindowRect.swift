/// One scale-fusion window on a token grid (FreeScale's `FusionWindow`, without the FreeScale dependency):
/// it may reach past the grid; positions outside read as zero and are dropped when scattered back.
public struct WindowRect: Equatable, Sendable {
    public var top: Int
    public var left: Int
    public var height: Int
    public var width: Int
    public init(top: Int, left: Int, height: Int, width: Int) {
        self.top = top; self.left = left; self.height = height; self.width = width
    }
}

/// The fused DDIM update's coefficients (lvdm `p_sample_ddim`, see FSDiffusion.DDIMSchedule.step):
/// predX0 = cx·x − ce·ε; xPrev = cp·predX0 + cd·ε + cn·noise.
public struct DDIMCoefficients: Equatable, Sendable {
    public var cx: Float, ce: Float, cp: Float, cd: Float, cn: Float
    public init(cx: Float, ce: Float, cp: Float, cd: Float, cn: Float) {
        self.cx = cx; self.ce = ce; self.cp = cp; self.cd = cd; self.cn = cn
    }
}
