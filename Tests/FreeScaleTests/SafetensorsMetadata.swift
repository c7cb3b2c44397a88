import Foundation

/// The `__metadata__` of a safetensors file, read directly (independent of the reader under test).
func safetensorsMetadata(_ path: String) throws -> [String: String] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let n = data.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
    let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + n))) as! [String: Any]
    return header["__metadata__"] as? [String: String] ?? [:]
}
