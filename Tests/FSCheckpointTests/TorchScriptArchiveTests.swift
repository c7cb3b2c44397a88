import Foundation
import XCTest
@testable import FSCheckpoint

/// TorchScript archives (OpenAI's `ViT-L-14.pt`): `data.pkl` holds `__torch__.*` module objects whose
/// attributes hold the tensors. They load as inert records flattened into a state dict; nothing runs.
final class TorchScriptArchiveTests: XCTestCase {
    func testModuleTreeFlattensToStateDict() throws {
        let sd = try Checkpoint.load(data: TorchScriptArchiveBuilder.archive(), source: "ViT-tiny.pt")
        XCTAssertEqual(sd.keys, ["logit_scale", "visual.conv1.weight", "visual.proj", "visual.transformer.resblocks.0.ln_1.weight"])
        XCTAssertEqual(sd["visual.proj"]?.shape, [2, 3])
        XCTAssertEqual(sd["visual.proj"]?.floats(), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(sd["visual.conv1.weight"]?.floats(), [0, 2, 4, 1, 3, 5])   // a strided (column-major) view
        XCTAssertEqual(sd["logit_scale"]?.floats(), [4, 5])
        XCTAssertEqual(sd["visual.transformer.resblocks.0.ln_1.weight"]?.floats(), [1, 2, 3])
    }

    func testForeignGlobalsAreRefused() {
        for (module, name) in [("os", "system"), ("builtins", "eval"), ("torch.nn.modules.linear", "Linear"), ("__builtin__", "getattr")] {
            let data = TorchScriptArchiveBuilder.archive(extraClass: (module, name))
            XCTAssertThrowsError(try Checkpoint.load(data: data, source: "bad.pt")) { e in
                XCTAssertTrue("\(e)".contains("refuses pickle global '\(module).\(name)'"), "\(e)")
            }
        }
    }

    func testTorchScriptClassCannotBeCalled() {
        // GLOBAL '__torch__.model CLIP', EMPTY_TUPLE, REDUCE: a call, not an inert NEWOBJ record.
        var p = Data([0x80, 0x02]); p.append(Data("c__torch__.model\nCLIP\n".utf8)); p.append(contentsOf: [UInt8(ascii: ")"), UInt8(ascii: "R"), UInt8(ascii: ".")])
        let zip = ZipBuilder.build([("m/data.pkl", p)])
        XCTAssertThrowsError(try Checkpoint.load(data: zip, source: "call.pt")) { e in
            XCTAssertTrue("\(e)".contains("refuses to call pickle global '__torch__.model.CLIP'"), "\(e)")
        }
    }

    func testObjectStateSetAfterNestingIsRefused() {
        // NEWOBJ → memo 0; a dict holding the object; then BUILD on the (now nested) object.
        var p = Data([0x80, 0x02]); p.append(Data("c__torch__.m\nA\n".utf8))
        p.append(contentsOf: [UInt8(ascii: ")"), 0x81, UInt8(ascii: "q"), 0,
                              UInt8(ascii: "}"), UInt8(ascii: "X"), 1, 0, 0, 0, UInt8(ascii: "a"), UInt8(ascii: "h"), 0, UInt8(ascii: "s"),
                              UInt8(ascii: "b"), UInt8(ascii: ".")])
        XCTAssertThrowsError(try Checkpoint.load(data: ZipBuilder.build([("m/data.pkl", p)]), source: "cycle.pt"))
    }
}

/// Writes a small TorchScript-style archive: `<root>/data.pkl` (protocol 2, as torch.jit.save writes it:
/// GLOBAL class, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK, name/value pairs, SETITEMS, BUILD), `constants.pkl`,
/// `code/`, and one float storage `data/0` = [0, 1, 2, 3, 4, 5].
enum TorchScriptArchiveBuilder {
    static func str(_ s: String) -> Data {
        var d = Data([UInt8(ascii: "X")]); d.append(contentsOf: withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian, Array.init)); d.append(Data(s.utf8)); return d
    }
    static func int(_ i: Int) -> Data { Data([UInt8(ascii: "K"), UInt8(i)]) }

    static func tensor(offset: Int, size: [Int], stride: [Int]) -> Data {
        var d = Data("ctorch._utils\n_rebuild_tensor_v2\n".utf8)
        d.append(UInt8(ascii: "("))
        d.append(UInt8(ascii: "(")); d.append(str("storage")); d.append(Data("ctorch\nFloatStorage\n".utf8))
        d.append(str("0")); d.append(str("cpu")); d.append(int(6)); d.append(UInt8(ascii: "t")); d.append(UInt8(ascii: "Q"))
        d.append(int(offset))
        d.append(UInt8(ascii: "(")); for s in size { d.append(int(s)) }; d.append(UInt8(ascii: "t"))
        d.append(UInt8(ascii: "(")); for s in stride { d.append(int(s)) }; d.append(UInt8(ascii: "t"))
        d.append(0x88)   // requires_grad
        d.append(Data("ccollections\nOrderedDict\n".utf8)); d.append(UInt8(ascii: ")")); d.append(UInt8(ascii: "R"))
        d.append(UInt8(ascii: "t")); d.append(UInt8(ascii: "R"))
        return d
    }

    /// An object of class `__torch__.<module> <name>` with the given attributes.
    static func object(_ module: String, _ name: String, _ attrs: [(String, Data)]) -> Data {
        var d = Data("c\(module)\n\(name)\n".utf8)
        d.append(contentsOf: [UInt8(ascii: ")"), 0x81, UInt8(ascii: "}"), UInt8(ascii: "(")])
        for (k, v) in attrs { d.append(str(k)); d.append(v) }
        d.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "b")])
        return d
    }

    static func pickle(extraClass: (String, String)? = nil) -> Data {
        let ln = object("__torch__.torch.nn.modules.normalization", "LayerNorm",
                        [("training", Data([0x89])), ("weight", tensor(offset: 1, size: [3], stride: [1])), ("bias", Data([UInt8(ascii: "N")]))])
        let block = object("__torch__.model", "ResidualAttentionBlock", [("ln_1", ln)])
        let seq = object("__torch__.torch.nn.modules.container", "Sequential", [("0", block)])
        let transformer = object("__torch__.model", "Transformer", [("width", int(3)), ("resblocks", seq)])
        let conv = object("__torch__.torch.nn.modules.conv", "Conv2d", [("weight", tensor(offset: 0, size: [2, 3], stride: [1, 2]))])
        var visualAttrs: [(String, Data)] = [("training", Data([0x89])), ("conv1", conv),
                                             ("proj", tensor(offset: 0, size: [2, 3], stride: [3, 1])), ("transformer", transformer)]
        if let (m, n) = extraClass { visualAttrs.append(("evil", object(m, n, []))) }
        let visual = object("__torch__.model", "VisionTransformer", visualAttrs)
        var p = Data([0x80, 0x02])
        p.append(object("__torch__.model", "CLIP", [("visual", visual), ("logit_scale", tensor(offset: 4, size: [2], stride: [1])),
                                                     ("input_resolution", int(224))]))
        p.append(UInt8(ascii: "."))
        return p
    }

    static func archive(extraClass: (String, String)? = nil) -> Data {
        let storage = [Float]([0, 1, 2, 3, 4, 5]).withUnsafeBytes { Data($0) }
        return ZipBuilder.build([("ViT-tiny/data.pkl", pickle(extraClass: extraClass)),
                                   ("ViT-tiny/constants.pkl", Data([0x80, 0x02, UInt8(ascii: ")"), UInt8(ascii: ".")])),
                                   ("ViT-tiny/code/__torch__/model.py", Data("class CLIP(Module): ...\n".utf8)),
                                   ("ViT-tiny/data/0", storage), ("ViT-tiny/version", Data("3\n".utf8))])
    }
}

