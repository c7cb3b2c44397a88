import Foundation
import FSCheckpoint
import FSTensor

/// Reads a PyTorch zip checkpoint (`.pt`, `.pth`, `.ckpt`) through FSCheckpoint for `fsvideo eval`.
enum TorchCheckpointBridge {
    static func read(path: String) throws -> StateDict {
        throw FSError("\(path): reading PyTorch checkpoints is not available in this build yet; convert it to .safetensors")
    }
}
