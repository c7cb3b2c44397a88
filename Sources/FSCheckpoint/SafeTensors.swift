// PLACEHOLDER — the FSCheckpoint owner implements (mmap reader with full validation, writer).
import Foundation
import FSTensor

public enum SafeTensors {
    /// Reads and validates a .safetensors file.
    public static func read(path: String) throws -> StateDict { fatalError("unimplemented") }
    /// Writes tensors (+ metadata) atomically (temporary file, then rename).
    public static func write(_ sd: StateDict, to path: String) throws { fatalError("unimplemented") }
}
