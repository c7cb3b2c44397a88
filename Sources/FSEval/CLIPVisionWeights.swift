import Foundation
import FSCheckpoint
import FSTensor

/// The CLIP image tower's weights as users have them, brought to OpenAI's key names under `visual.`:
/// OpenAI's `ViT-L-14.pt` (TorchScript; keys `visual.*` beside the text tower), open_clip exports (the same
/// `visual.*` names, or a visual-only file without the prefix) and timm exports
/// (`patch_embed.proj.weight`, `blocks.N.attn.qkv.weight`, …, renamed here).
public enum CLIPVisionWeights {
    /// `visual.*` keys with their shapes, in the order of OpenAI's state dict (= the rows of
    /// ../shared/fixtures/eval/aesthetic_vitl14_manifest.tsv for ViT-L/14).
    public static func layout(_ c: CLIPVisionConfig) -> [(key: String, shape: [Int])] {
        let d = c.width
        var rows: [(String, [Int])] = [("class_embedding", [d]), ("positional_embedding", [c.tokens, d]), ("proj", [d, c.outputDim]),
                                       ("conv1.weight", [d, 3, c.patch, c.patch]), ("ln_pre.weight", [d]), ("ln_pre.bias", [d])]
        for i in 0..<c.layers {
            let p = "transformer.resblocks.\(i)."
            rows += [(p + "attn.in_proj_weight", [3 * d, d]), (p + "attn.in_proj_bias", [3 * d]),
                     (p + "attn.out_proj.weight", [d, d]), (p + "attn.out_proj.bias", [d]),
                     (p + "ln_1.weight", [d]), (p + "ln_1.bias", [d]),
                     (p + "mlp.c_fc.weight", [c.mlpWidth, d]), (p + "mlp.c_fc.bias", [c.mlpWidth]),
                     (p + "mlp.c_proj.weight", [d, c.mlpWidth]), (p + "mlp.c_proj.bias", [d]),
                     (p + "ln_2.weight", [d]), (p + "ln_2.bias", [d])]
        }
        rows += [("ln_post.weight", [d]), ("ln_post.bias", [d])]
        return rows.map { ("visual." + $0.0, $0.1) }
    }

    /// A view at OpenAI's `visual.` names over any of the supported layouts.
    public static func visualView(_ sd: StateDict) throws -> StateDictView {
        if sd["visual.conv1.weight"] != nil { return sd.view(prefix: "visual.") }
        if sd["conv1.weight"] != nil { return sd.view(prefix: "") }
        if sd["patch_embed.proj.weight"] != nil || sd["visual.trunk.patch_embed.proj.weight"] != nil {
            return try renamedTimm(sd).view(prefix: "visual.")
        }
        throw FSError("\(sd.source): no CLIP image tower found (expected OpenAI/open_clip keys 'visual.conv1.weight' or timm keys 'patch_embed.proj.weight')")
    }

    /// Every `visual.*` tensor must be F16, BF16 or F32 (computation is float32 either way).
    public static func checkDTypes(_ v: StateDictView) throws {
        let bad = v.keys.compactMap { k -> String? in
            guard let t = v[k], ![.f16, .bf16, .f32].contains(t.dtype) else { return nil }
            return "\(v.prefix)\(k) (\(t.dtype.rawValue))"
        }
        if !bad.isEmpty {
            throw FSError("\(v.base.source): CLIP weights must be F16, BF16 or F32; found \(bad.prefix(5).joined(separator: ", "))")
        }
    }

    /// timm's `VisionTransformer` names → OpenAI's: cls_token [1,1,d] → class_embedding [d],
    /// pos_embed [1,t,d] → positional_embedding [t,d], norm_pre → ln_pre, blocks.N.{norm1,norm2,attn.qkv,
    /// attn.proj,mlp.fc1,mlp.fc2} → transformer.resblocks.N.{ln_1,ln_2,attn.in_proj_*,attn.out_proj,mlp.c_fc,
    /// mlp.c_proj}, norm → ln_post, head.weight [out,d] (a Linear) → proj [d,out] (transposed).
    static func renamedTimm(_ sd: StateDict) throws -> StateDict {
        let prefix = sd["visual.trunk.patch_embed.proj.weight"] != nil ? "visual.trunk." : ""
        let out = StateDict(metadata: sd.metadata, source: sd.source)
        let simple: [(String, String)] = [("patch_embed.proj.weight", "conv1.weight"), ("norm_pre.", "ln_pre."), ("norm.", "ln_post.")]
        let block: [(String, String)] = [("norm1.", "ln_1."), ("norm2.", "ln_2."), ("attn.qkv.weight", "attn.in_proj_weight"),
                                         ("attn.qkv.bias", "attn.in_proj_bias"), ("attn.proj.", "attn.out_proj."),
                                         ("mlp.fc1.", "mlp.c_fc."), ("mlp.fc2.", "mlp.c_proj.")]
        for key in sd.keys where key.hasPrefix(prefix) {
            let k = String(key.dropFirst(prefix.count))
            guard let t = sd[key] else { continue }
            var name: String?
            var tensor = t
            switch k {
            case "cls_token": name = "class_embedding"; tensor = StoredTensor(dtype: t.dtype, shape: [t.elementCount], bytes: t.bytes)
            case "pos_embed": name = "positional_embedding"; tensor = StoredTensor(dtype: t.dtype, shape: Array(t.shape.suffix(2)), bytes: t.bytes)
            case "head.weight":
                guard t.shape.count == 2 else { throw FSError("\(sd.source): \(key) is not a matrix") }
                let f = t.floats(), (o, d) = (t.shape[0], t.shape[1])
                var tr = [Float](repeating: 0, count: f.count)
                for i in 0..<o { for j in 0..<d { tr[j * o + i] = f[i * d + j] } }
                name = "proj"; tensor = StoredTensor(dtype: .f32, shape: [d, o], bytes: tr.withUnsafeBytes { Data($0) })
            default:
                if let (from, to) = simple.first(where: { k.hasPrefix($0.0) }) { name = to + k.dropFirst(from.count) }
                else if k.hasPrefix("blocks."), let dot = k.dropFirst(7).firstIndex(of: ".") {
                    let n = k[k.index(k.startIndex, offsetBy: 7)..<dot], rest = String(k[k.index(after: dot)...])
                    if let (from, to) = block.first(where: { rest.hasPrefix($0.0) }) {
                        name = "transformer.resblocks.\(n)." + to + rest.dropFirst(from.count)
                    }
                }
            }
            out["visual." + (name ?? "timm." + k)] = tensor   // unknown keys stay visible as unexpected
        }
        return out
    }
}
