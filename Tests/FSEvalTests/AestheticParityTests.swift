import Foundation
import XCTest
import FSCheckpoint
@testable import FSEval
import FSEvalParity

final class AestheticParityTests: XCTestCase {
    func testFixture() throws { assertPasses(try AestheticParity.run(evalFixture("aesthetic.safetensors"))) }

    func testResizeAndCropRules() {
        // torchvision truncates the long side and rounds the crop offset half to even.
        XCTAssertEqual(CLIPPreprocess.resizedSize(height: 120, width: 90).height, 298)
        XCTAssertEqual(CLIPPreprocess.resizedSize(height: 60, width: 84).width, 313)
        XCTAssertEqual(CLIPPreprocess.resizedSize(height: 50, width: 50).height, 224)
        XCTAssertEqual(CLIPPreprocess.cropOffset(313), 44)
        XCTAssertEqual(CLIPPreprocess.cropOffset(295), 36)
    }

    func testConfigInferredFromViTL14Manifest() throws {
        let sd = StateDict()
        for (k, s) in [("visual.conv1.weight", [1024, 3, 14, 14]), ("visual.positional_embedding", [257, 1024]),
                       ("visual.proj", [1024, 768])] {
            sd[k] = StoredTensor(dtype: .f16, shape: s, bytes: Data())
        }
        for i in 0..<24 { sd["visual.transformer.resblocks.\(i).attn.in_proj_weight"] = StoredTensor(dtype: .f16, shape: [3072, 1024], bytes: Data()) }
        XCTAssertEqual(try CLIPVisionConfig.inferred(from: sd.view(prefix: "visual.")), .vitL14)
    }
}

/// The real ViT-L/14 layout against ../shared/fixtures/eval/aesthetic_vitl14_manifest.tsv.
final class AestheticManifestTests: XCTestCase {
    func testLayoutMatchesManifest() throws {
        let fixture = try evalFixture("aesthetic.safetensors")
        let path = (fixture.path as NSString).deletingLastPathComponent + "/aesthetic_vitl14_manifest.tsv"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw XCTSkip("\(path) is absent") }
        var clip: [(String, [Int])] = [], head: [(String, [Int])] = []
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(f.count, 4)
            let shape = f[2].split(separator: ",").compactMap { Int($0) }
            if f[0] == "ViT-L-14.pt" { clip.append((f[1], shape)) } else { head.append((f[1], shape)) }
            XCTAssertTrue(["F16", "F32"].contains(f[3]))
        }
        let layout = CLIPVisionWeights.layout(.vitL14)
        XCTAssertEqual(layout.count, 296)
        XCTAssertEqual(layout.map(\.key), clip.map(\.0))
        XCTAssertEqual(layout.map(\.shape), clip.map(\.1))
        XCTAssertEqual(head.map(\.0), ["weight", "bias"])
        XCTAssertEqual(head.map(\.1), [[1, CLIPVisionConfig.vitL14.outputDim], [1]])
    }

    /// The fixture's tower renamed to timm's names loads back to the same features.
    func testTimmNamesMapToOpenAI() throws {
        let f = try evalFixture("aesthetic.safetensors")
        let timm = StateDict(source: "timm.safetensors")
        let v = f.params.view("visual.")
        for k in v.keys {
            guard let t = v[k] else { continue }
            var name = k
            switch k {
            case "class_embedding": timm["cls_token"] = StoredTensor(dtype: t.dtype, shape: [1, 1] + t.shape, bytes: t.bytes); continue
            case "positional_embedding": timm["pos_embed"] = StoredTensor(dtype: t.dtype, shape: [1] + t.shape, bytes: t.bytes); continue
            case "proj":
                let x = t.floats(), (d, o) = (t.shape[0], t.shape[1])
                var tr = [Float](repeating: 0, count: x.count)
                for i in 0..<d { for j in 0..<o { tr[j * d + i] = x[i * o + j] } }
                timm["head.weight"] = StoredTensor(dtype: .f32, shape: [o, d], bytes: tr.withUnsafeBytes { Data($0) }); continue
            default: break
            }
            for (a, b) in [("conv1.weight", "patch_embed.proj.weight"), ("ln_pre.", "norm_pre."), ("ln_post.", "norm."),
                           ("transformer.resblocks.", "blocks."), (".ln_1.", ".norm1."), (".ln_2.", ".norm2."),
                           ("attn.in_proj_weight", "attn.qkv.weight"), ("attn.in_proj_bias", "attn.qkv.bias"),
                           ("attn.out_proj.", "attn.proj."), ("mlp.c_fc.", "mlp.fc1."), ("mlp.c_proj.", "mlp.fc2.")] {
                name = name.replacingOccurrences(of: a, with: b)
            }
            timm[name] = t
        }
        let config = try CLIPVisionConfig.inferred(from: f.params.view("visual."), heads: 2)
        let a = try CLIPVisionTower(f.params.view("visual."), config: config)
        let b = try CLIPVisionTower(try CLIPVisionWeights.visualView(timm), config: config)
        let video = try AestheticParity.video(f.stored("input/landscape_64x96/frames"))
        let px = CLIPPreprocess.pixelValues(video, frames: 0..<1)
        XCTAssertEqual(try a(px).data, try b(px).data)
    }
}
