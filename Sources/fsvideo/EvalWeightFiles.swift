import Foundation
import FSCheckpoint
import FSEval
import FSTensor

/// Where `fsvideo eval` finds the I3D and RAFT weights, and how it reads them.
enum EvalWeightFiles {
    static let i3dName = "i3d_pretrained_400.pt"
    static let raftName = "raft-things.pth"
    static let clipName = "ViT-L-14.pt"
    static let aestheticHeadName = "sa_0_4_vit_l_14_linear.pth"

    static let i3dSource = "\(i3dName) is the InceptionI3d state dict of JunyaoHu/common_metrics_on_video_quality (FVD method 'videogpt'; the same file VideoGPT publishes), downloadable from https://onedrive.live.com/download?cid=78EEF3EB6AE7DBCB&resid=78EEF3EB6AE7DBCB%21199&authkey=AApKdFHPXzWLNyI (link in that repository's README)"
    static let raftSource = "\(raftName) is in models.zip of princeton-vl/RAFT (download_models.sh: https://dl.dropboxusercontent.com/s/4j4z58wuv8o0mfz/models.zip); VBench keeps it at ~/.cache/vbench/raft_model/models/\(raftName)"

    static let clipSource = "\(clipName) is OpenAI's CLIP ViT-L/14 (TorchScript archive, sha256 b8cca3fd…3836): https://openaipublic.azureedge.net/clip/models/b8cca3fd41ae0c99ba7e8951adf17d267cdb84cd88be6f7c2e0eca1737a03836/ViT-L-14.pt (what clip.load(\"ViT-L/14\") downloads); open_clip/timm .safetensors exports of the same tower also work"
    static let aestheticHeadSource = "\(aestheticHeadName) is LAION-AI/aesthetic-predictor's linear head: https://github.com/LAION-AI/aesthetic-predictor/raw/main/\(aestheticHeadName); VBench keeps it at ~/.cache/vbench/aesthetic_model/emb_reader/\(aestheticHeadName)"

    static var home: String { ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory() }

    static func i3dCandidates() -> [String] {
        [i3dName, "\(home)/.cache/fsvideo/\(i3dName)", "\(home)/.cache/videogpt/\(i3dName)"]
    }

    static func raftCandidates() -> [String] {
        let env = ProcessInfo.processInfo.environment
        let vbench = env["VBENCH_CACHE_DIR"] ?? "\(home)/.cache/vbench"
        return [raftName, "models/\(raftName)", "\(vbench)/raft_model/models/\(raftName)", "\(home)/.cache/fsvideo/\(raftName)"]
    }

    static var vbenchCache: String { ProcessInfo.processInfo.environment["VBENCH_CACHE_DIR"] ?? "\(home)/.cache/vbench" }

    static func clipCandidates() -> [String] {
        [clipName, "\(vbenchCache)/clip_model/\(clipName)", "\(home)/.cache/clip/\(clipName)", "\(home)/.cache/fsvideo/\(clipName)"]
    }

    static func aestheticHeadCandidates() -> [String] {
        [aestheticHeadName, "\(vbenchCache)/aesthetic_model/emb_reader/\(aestheticHeadName)", "\(home)/.cache/fsvideo/\(aestheticHeadName)"]
    }

    /// The weights file to use: the flag's value (which must exist) or the first default location found.
    static func locate(flag: String?, candidates: [String], what: String, source: String, flagName: String) throws -> String {
        if let flag {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: flag, isDirectory: &isDir) else {
                throw FSError("\(flag): no such file (\(what) weights). \(source)")
            }
            if isDir.boolValue { throw FSError("\(flag): is a directory, expected the \(what) weights file. \(source)") }
            return flag
        }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw FSError("\(what) weights not found (looked for \(candidates.joined(separator: ", "))); pass \(flagName) FILE. \(source)")
    }

    /// True when the file is a TorchScript archive (a zip holding `constants.pkl` or a `code/` folder).
    static func isTorchScript(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let size = (try? h.seekToEnd()) ?? 0
        let tail = UInt64(4 << 20)
        try? h.seek(toOffset: size > tail ? size - tail : 0)
        guard let d = try? h.readToEnd() else { return false }
        return d.range(of: Data("constants.pkl".utf8)) != nil || d.range(of: Data("/code/__torch__".utf8)) != nil
    }

    /// Reads a state dict from `.safetensors` or a torch zip checkpoint (`.pt`, `.pth`, `.ckpt`).
    static func read(_ path: String) throws -> StateDict { try Checkpoint.load(path: path) }

    static func loadI3D(_ path: String) throws -> I3D {
        if isTorchScript(path) || (path as NSString).lastPathComponent == "i3d_torchscript.pt" {
            throw FSError("\(path): is a TorchScript archive (i3d_torchscript.pt, the 'styleganv' FVD network); fsvideo needs the InceptionI3d state dict. \(i3dSource)")
        }
        let sd = try read(path)
        // Keys have no prefix (loaded before the DataParallel wrap); accept a `module.` prefix too.
        let view = sd.keys.allSatisfy({ $0.hasPrefix("module.") }) ? sd.view(prefix: "module.") : sd.view(prefix: "")
        return try I3D(view)
    }

    /// The CLIP image tower (any supported naming; configuration inferred as clip.model.build_model does)
    /// and the LAION head, checked against each other.
    static func loadAesthetic(clip: String, head: String, batch: Int = 8) throws -> AestheticScorer {
        let sd = try read(clip)
        let visual = try CLIPVisionWeights.visualView(sd)
        try CLIPVisionWeights.checkDTypes(visual)
        let config = try CLIPVisionConfig.inferred(from: visual)
        let tower = try CLIPVisionTower(visual, config: config)
        let hsd = try read(head)
        let hview = hsd.keys.allSatisfy({ $0.hasPrefix("module.") }) ? hsd.view(prefix: "module.") : hsd.view(prefix: "")
        return AestheticScorer(tower: tower, head: try AestheticHead(hview, dim: config.outputDim), batch: batch)
    }

    static func loadRAFT(_ path: String) throws -> RAFT {
        let sd = try read(path)
        // raft-things.pth was saved from DataParallel: every key starts with `module.` (VBench strips it).
        let view = sd.keys.allSatisfy({ $0.hasPrefix("module.") }) ? sd.view(prefix: "module.") : sd.view(prefix: "")
        return try RAFT(view)
    }
}
