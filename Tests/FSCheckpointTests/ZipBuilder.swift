import Foundation

/// Builds a stored-entry zip archive in memory (what torch.save writes).
enum ZipBuilder {
    static func build(_ files: [(String, Data)]) -> Data {
        var out = Data()
        var central = Data()
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(v >> (8 * $0) & 0xFF) } }
        for (name, data) in files {
            let offset = out.count
            let n = Array(name.utf8)
            out.append(contentsOf: le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0)
                       + le32(0) + le32(data.count) + le32(data.count) + le16(n.count) + le16(0))
            out.append(contentsOf: n); out.append(data)
            central.append(contentsOf: le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0)
                           + le32(0) + le32(data.count) + le32(data.count) + le16(n.count) + le16(0) + le16(0)
                           + le16(0) + le16(0) + le32(0) + le32(offset))
            central.append(contentsOf: n)
        }
        let cdOffset = out.count
        out.append(central)
        out.append(contentsOf: le32(0x0605_4B50) + le16(0) + le16(0) + le16(files.count) + le16(files.count)
                   + le32(central.count) + le32(cdOffset) + le16(0))
        return out
    }
}
