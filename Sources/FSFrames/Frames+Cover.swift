import FSTensor

extension Frames {
    /// Resized (bicubic) so the frames cover height×width with their aspect ratio kept, then centre-cropped
    /// to exactly height×width: how an input clip, or a mask drawn on it, is brought to the model's size.
    public func covering(height: Int, width: Int) -> Frames {
        let scale = Swift.max(Double(height) / Double(self.height), Double(width) / Double(self.width))
        let h = Swift.max(height, Int((Double(self.height) * scale).rounded()))
        let w = Swift.max(width, Int((Double(self.width) * scale).rounded()))
        var t = tensor()                                                  // [3, F, H, W]
        if h != self.height || w != self.width { t = resize(t, height: h, width: w, mode: .bicubic) }
        let top = (h - height) / 2, left = (w - width) / 2
        t = t.slice(axis: 2, top..<(top + height)).slice(axis: 3, left..<(left + width))
        return (try? Frames(tensor: t)) ?? self
    }
}
