import Foundation
import FSTensor

/// One line of a shard manifest (JSON lines): what happened to one item.
struct ManifestEntry: Codable, Equatable {
    var item: Int
    var promptIndex: Int
    var sample: Int
    var name: String
    var prompt: String
    var seed: UInt64
    /// "done" (made by this run), "skipped" (already complete and verified), "failed" (see `error`).
    var status: String
    var seconds: Double
    var output: String
    var error: String?
    var shard: String
    var host: String
    var finished: String

    enum CodingKeys: String, CodingKey {
        case item, promptIndex = "prompt_index", sample, name, prompt, seed, status, seconds, output, error, shard, host, finished
    }

    var isComplete: Bool { status == "done" || status == "skipped" }
}

/// `manifests/shard-I-of-N.jsonl` in a batch folder: one line per item this shard has handled, rewritten
/// atomically (temporary + rename) after every item, so a crash loses at most the item in progress.
final class ShardManifest {
    static let folder = "manifests"
    let path: String
    private(set) var entries: [ManifestEntry] = []

    init(batchPath: String, shard: ShardSpec) throws {
        let dir = (batchPath as NSString).appendingPathComponent(Self.folder)
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw FSError("\(dir): cannot create the manifest folder (\(OutputDirectory.reason(error)))")
        }
        path = (dir as NSString).appendingPathComponent("shard-\(shard.index)-of-\(shard.count).jsonl")
        // Lines of an earlier run of this shard are kept (a resumed shard appends to its history).
        if let old = try? Self.read(path) { entries = old }
    }

    func record(_ new: [ManifestEntry]) throws {
        entries += new
        var data = Data()
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for x in entries { data.append(try enc.encode(x)); data.append(0x0A) }
        try AtomicFile.write(data, to: path)
    }

    static func read(_ path: String) throws -> [ManifestEntry] {
        guard let data = FileManager.default.contents(atPath: path) else { throw FSError("\(path): cannot read the manifest") }
        guard let text = String(data: data, encoding: .utf8) else { throw FSError("\(path): manifest is not valid UTF-8") }
        var out: [ManifestEntry] = []
        for (n, line) in text.split(separator: "\n").enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            do { out.append(try JSONDecoder().decode(ManifestEntry.self, from: Data(line.utf8))) } catch {
                throw FSError("\(path):\(n + 1): not a manifest line")
            }
        }
        return out
    }

    /// Every `manifests/*.jsonl` of a batch folder.
    static func all(in batchPath: String) -> [String] {
        let dir = (batchPath as NSString).appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }.sorted().map { (dir as NSString).appendingPathComponent($0) }
    }

    static func timestamp() -> String { ISO8601DateFormatter().string(from: Date()) }
}

/// Small files written through a temporary beside them and renamed into place.
enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(TemporaryName.temporary(for: url.lastPathComponent)).path
        let token = Interruption.register(tmp)
        defer { Interruption.unregister(token) }
        do { try data.write(to: URL(fileURLWithPath: tmp)) } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw FSError("\(path): cannot write (\(OutputDirectory.reason(error)))")
        }
        guard rename(tmp, path) == 0 else {
            let e = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: tmp)
            throw FSError("\(path): cannot move into place (\(e))")
        }
    }

    /// Creates `path` with `data` only if it does not exist yet (hard link of a temporary: atomic and exclusive,
    /// also on NFS); returns false when another process made it first.
    static func create(_ data: Data, at path: String) throws -> Bool {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(TemporaryName.temporary(for: url.lastPathComponent)).path
        let token = Interruption.register(tmp)
        defer { Interruption.unregister(token); unlink(tmp) }
        do { try data.write(to: URL(fileURLWithPath: tmp)) } catch {
            throw FSError("\(path): cannot write (\(OutputDirectory.reason(error)))")
        }
        if link(tmp, path) == 0 { return true }
        if errno == EEXIST { return false }
        throw FSError("\(path): cannot create (\(String(cString: strerror(errno))))")
    }
}
