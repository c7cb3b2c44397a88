/// The ten captions of the toy benchmarks (shape, colour, motion, background: the toy model's vocabulary).
public enum ToyCaptions {
    public static let all = [
        "a red circle moving right on a black background", "a green square moving left on a gray background",
        "a blue diamond moving up on a purple background", "a yellow circle moving down on a brown background",
        "a white square staying still on a gray background", "a red diamond moving left on a black background",
        "a green circle moving up on a brown background", "a blue square moving right on a gray background",
        "a yellow diamond staying still on a purple background", "a white circle moving down on a black background",
    ]
}
