import Foundation
import FSCheckpoint
import FSTensor

/// Reads a PyTorch zip checkpoint (`.pt`, `.pth`, `.ckpt`) through FSCheckpoint (kept for callers that
/// predate `Checkpoint.load`, which tells the formats apart by content).
enum TorchCheckpointBridge {
    static func read(path: String) throws -> StateDict { try Checkpoint.load(path: path) }
}
