import Foundation
import FSTensor

/// A pickle reader that only rebuilds what a PyTorch state dict is made of and never executes anything.
///
/// Globals are an allow-list (`allowedGlobals`): every other global is refused with an error naming it
/// the moment the GLOBAL opcode is read, before any later opcode runs. "Calling" an allowed global is
/// interpreted here (an `OrderedDict` becomes a dictionary, `_rebuild_tensor_v2` becomes a tensor
/// view description); nothing is looked up or invoked dynamically.
struct Unpickler {
    indirect enum Value {
        case none
        case bool(Bool)
        case int(Int)
        case float(Double)
        case string(String)
        case bytes(Data)
        case tuple([Value])
        case list(ListBox)
        case dict(DictBox)
        case global(String)
        case storage(StorageRef)
        case tensor(TensorView)
        case mark
    }

    final class ListBox { var items: [Value] = [] }
    final class DictBox { var items: [(key: Value, value: Value)] = [] }

    /// A persistent id `('storage', StorageType, key, location, numel)`.
    struct StorageRef { let dtype: DType; let key: String; let numel: Int }

    /// `_rebuild_tensor_v2(storage, offset, size, stride, …)`: a strided view of a storage.
    struct TensorView { let storage: StorageRef; let offset: Int; let size: [Int]; let stride: [Int] }

    static let storageTypes: [String: DType] = [
        "torch FloatStorage": .f32, "torch HalfStorage": .f16, "torch BFloat16Storage": .bf16,
        "torch DoubleStorage": .f64, "torch LongStorage": .i64, "torch IntStorage": .i32,
        "torch ByteStorage": .u8, "torch BoolStorage": .bool,
    ]
    static let callables: Set<String> = [
        "collections OrderedDict", "torch._utils _rebuild_tensor_v2", "torch._utils _rebuild_tensor",
        "torch._utils _rebuild_parameter",
    ]
    static var allowedGlobals: Set<String> { callables.union(storageTypes.keys) }

    let source: String
    let maxOps = 50_000_000

    func fail(_ why: String) -> FSError { FSError("\(source): \(why)") }

    func load(_ data: Data) throws -> Value {
        var consumed = 0
        return try load(data, consumed: &consumed)
    }

    /// Reads one pickle from the start of `data`; `consumed` is set to the bytes it took (up to its STOP).
    func load(_ data: Data, consumed: inout Int) throws -> Value {
        var stack: [Value] = []
        var marks: [Int] = []
        var memo: [Int: Value] = [:]
        let bytes = [UInt8](data)
        var p = 0
        var ops = 0

        func need(_ n: Int) throws {
            guard n >= 0, p + n <= bytes.count else { throw fail("pickle data is truncated") }
        }
        func readInt(_ n: Int, signed: Bool = false) throws -> Int {
            try need(n)
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(bytes[p + i]) << (8 * UInt64(i)) }
            p += n
            if signed && n == 4 { return Int(Int32(bitPattern: UInt32(v))) }
            return Int(v)
        }
        func readString(_ n: Int) throws -> String {
            try need(n)
            defer { p += n }
            return String(decoding: bytes[p..<(p + n)], as: UTF8.self)
        }
        func readLine() throws -> String {
            guard let nl = bytes[p...].firstIndex(of: 0x0A) else { throw fail("pickle data is truncated") }
            defer { p = nl + 1 }
            return String(decoding: bytes[p..<nl], as: UTF8.self)
        }
        func pop() throws -> Value {
            guard let v = stack.popLast() else { throw fail("pickle stack underflow") }
            if case .mark = v { throw fail("pickle: unexpected mark") }
            return v
        }
        func popMark() throws -> [Value] {
            guard let m = marks.popLast(), m <= stack.count else { throw fail("pickle: missing mark") }
            let items = Array(stack[m...])
            stack.removeSubrange(m...)
            return items
        }
        func global(_ name: String) throws -> Value {
            guard Unpickler.allowedGlobals.contains(name) else {
                throw fail("refuses pickle global '\(name.replacingOccurrences(of: " ", with: "."))' (only state-dict globals are allowed)")
            }
            return .global(name)
        }

        while true {
            ops += 1
            guard ops <= maxOps else { throw fail("pickle is implausibly long") }
            try need(1)
            let op = bytes[p]
            p += 1
            switch op {
            case 0x80: _ = try readInt(1)                                  // PROTO
            case 0x95: _ = try readInt(8)                                  // FRAME
            case UInt8(ascii: "."): consumed = p; return try pop()         // STOP
            case UInt8(ascii: "("): marks.append(stack.count)              // MARK
            case UInt8(ascii: "}"): stack.append(.dict(DictBox()))         // EMPTY_DICT
            case UInt8(ascii: "]"): stack.append(.list(ListBox()))         // EMPTY_LIST
            case UInt8(ascii: ")"): stack.append(.tuple([]))               // EMPTY_TUPLE
            case UInt8(ascii: "t"): stack.append(.tuple(try popMark()))    // TUPLE
            case 0x85: let a = try pop(); stack.append(.tuple([a]))        // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); stack.append(.tuple([a, b]))
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); stack.append(.tuple([a, b, c]))
            case UInt8(ascii: "X"): stack.append(.string(try readString(try readInt(4))))  // BINUNICODE
            case 0x8C: stack.append(.string(try readString(try readInt(1))))              // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(try readString(try readInt(8))))              // BINUNICODE8
            case UInt8(ascii: "T"): stack.append(.string(try readString(try readInt(4)))) // BINSTRING
            case UInt8(ascii: "U"): stack.append(.string(try readString(try readInt(1)))) // SHORT_BINSTRING
            case UInt8(ascii: "B"), UInt8(ascii: "C"):                                   // BINBYTES, SHORT_BINBYTES
                let n = try readInt(op == UInt8(ascii: "B") ? 4 : 1)
                try need(n); stack.append(.bytes(Data(bytes[p..<(p + n)]))); p += n
            case UInt8(ascii: "J"): stack.append(.int(try readInt(4, signed: true)))      // BININT
            case UInt8(ascii: "K"): stack.append(.int(try readInt(1)))                    // BININT1
            case UInt8(ascii: "M"): stack.append(.int(try readInt(2)))                    // BININT2
            case 0x8A:                                                                     // LONG1
                let n = try readInt(1)
                guard n <= 8 else { throw fail("pickle integer too large") }
                try need(n)
                var v: UInt64 = 0
                for i in 0..<n { v |= UInt64(bytes[p + i]) << (8 * UInt64(i)) }
                if n > 0 && n < 8 && bytes[p + n - 1] & 0x80 != 0 { v |= ~UInt64(0) << (8 * UInt64(n)) }
                p += n
                stack.append(.int(Int(Int64(bitPattern: v))))
            case UInt8(ascii: "G"):                                                        // BINFLOAT (big-endian)
                try need(8)
                var v: UInt64 = 0
                for i in 0..<8 { v = v << 8 | UInt64(bytes[p + i]) }
                p += 8
                stack.append(.float(Double(bitPattern: v)))
            case 0x88: stack.append(.bool(true))                                           // NEWTRUE
            case 0x89: stack.append(.bool(false))                                          // NEWFALSE
            case UInt8(ascii: "N"): stack.append(.none)                                    // NONE
            case UInt8(ascii: "c"):                                                        // GLOBAL
                let module = try readLine(), name = try readLine()
                stack.append(try global("\(module) \(name)"))
            case 0x93:                                                                     // STACK_GLOBAL
                guard case .string(let name) = try pop(), case .string(let module) = try pop() else {
                    throw fail("pickle: bad STACK_GLOBAL")
                }
                stack.append(try global("\(module) \(name)"))
            case UInt8(ascii: "R"):                                                        // REDUCE
                guard case .tuple(let args) = try pop(), case .global(let fn) = try pop() else {
                    throw fail("pickle: REDUCE on something that is not an allowed global")
                }
                stack.append(try call(fn, args))
            case UInt8(ascii: "b"): _ = try pop()                                          // BUILD: state of OrderedDict/Parameter, ignored
            case UInt8(ascii: "Q"):                                                        // BINPERSID
                stack.append(try persistent(try pop()))
            case UInt8(ascii: "s"):                                                        // SETITEM
                let v = try pop(), k = try pop()
                guard case .dict(let d) = stack.last else { throw fail("pickle: SETITEM on a non-dict") }
                d.items.append((k, v))
            case UInt8(ascii: "u"):                                                        // SETITEMS
                let items = try popMark()
                guard items.count % 2 == 0, case .dict(let d) = stack.last else { throw fail("pickle: bad SETITEMS") }
                for i in stride(from: 0, to: items.count, by: 2) { d.items.append((items[i], items[i + 1])) }
            case UInt8(ascii: "a"):                                                        // APPEND
                let v = try pop()
                guard case .list(let l) = stack.last else { throw fail("pickle: APPEND on a non-list") }
                l.items.append(v)
            case UInt8(ascii: "e"):                                                        // APPENDS
                let items = try popMark()
                guard case .list(let l) = stack.last else { throw fail("pickle: APPENDS on a non-list") }
                l.items.append(contentsOf: items)
            case UInt8(ascii: "q"): guard let v = stack.last else { throw fail("pickle stack underflow") }; memo[try readInt(1)] = v
            case UInt8(ascii: "r"): guard let v = stack.last else { throw fail("pickle stack underflow") }; memo[try readInt(4)] = v
            case 0x94: guard let v = stack.last else { throw fail("pickle stack underflow") }; memo[memo.count] = v
            case UInt8(ascii: "h"), UInt8(ascii: "j"):                                    // BINGET, LONG_BINGET
                let k = try readInt(op == UInt8(ascii: "h") ? 1 : 4)
                guard let v = memo[k] else { throw fail("pickle: memo key \(k) undefined") }
                stack.append(v)
            case UInt8(ascii: "0"): _ = try pop()                                          // POP
            case UInt8(ascii: "1"): _ = try popMark()                                      // POP_MARK
            case UInt8(ascii: "2"): guard let v = stack.last else { throw fail("pickle stack underflow") }; stack.append(v)
            default:
                throw fail(String(format: "unsupported pickle opcode 0x%02x at byte %d (not a state dict?)", op, p - 1))
            }
        }
    }

    private func call(_ fn: String, _ args: [Unpickler.Value]) throws -> Value {
        switch fn {
        case "collections OrderedDict":
            guard args.isEmpty else { throw fail("pickle: OrderedDict with arguments is not supported") }
            return .dict(DictBox())
        case "torch._utils _rebuild_tensor_v2", "torch._utils _rebuild_tensor":  // the latter: pre-1.0 files
            guard args.count >= 4, case .storage(let s) = args[0], case .int(let offset) = args[1],
                  case .tuple(let sizeV) = args[2], case .tuple(let strideV) = args[3] else {
                throw fail("pickle: malformed _rebuild_tensor_v2 arguments")
            }
            let size = try sizeV.map { v -> Int in guard case .int(let i) = v, i >= 0 else { throw fail("pickle: bad tensor size") }; return i }
            let stride = try strideV.map { v -> Int in guard case .int(let i) = v, i >= 0 else { throw fail("pickle: bad tensor stride") }; return i }
            guard size.count == stride.count, offset >= 0 else { throw fail("pickle: tensor size/stride mismatch") }
            return .tensor(TensorView(storage: s, offset: offset, size: size, stride: stride))
        case "torch._utils _rebuild_parameter":
            guard let first = args.first, case .tensor = first else { throw fail("pickle: malformed _rebuild_parameter") }
            return first
        default:
            throw fail("refuses to call pickle global '\(fn.replacingOccurrences(of: " ", with: "."))'")
        }
    }

    private func persistent(_ pid: Value) throws -> Value {
        guard case .tuple(let t) = pid, t.count >= 5, case .string("storage") = t[0], case .global(let type) = t[1],
              case .string(let key) = t[2], case .int(let numel) = t[4], numel >= 0 else {
            throw fail("pickle: unsupported persistent id")
        }
        guard let dtype = Unpickler.storageTypes[type] else { throw fail("pickle: '\(type)' is not a storage type") }
        if t.count >= 6, case .tuple = t[5] {
            throw fail("storage views (pre-1.0 PyTorch checkpoints) are not supported; re-save with a current torch.save")
        }
        return .storage(StorageRef(dtype: dtype, key: key, numel: numel))
    }
}
