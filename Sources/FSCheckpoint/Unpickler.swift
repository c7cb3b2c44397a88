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
        case object(ObjectBox)
        case mark
    }

    final class ListBox { var items: [Value] = []; var depth = 1; var frozen = false }
    final class DictBox { var items: [(key: Value, value: Value)] = []; var depth = 1; var frozen = false }
    /// An instance of a TorchScript class (`__torch__.*`, e.g. a scripted module): an inert record of its
    /// class name and the attribute dictionary BUILD gives it. No code of the class is ever run.
    final class ObjectBox {
        let className: String
        var attributes: DictBox?
        var depth = 1
        var frozen = false
        init(className: String) { self.className = className }
    }

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
    /// TorchScript's typed-container helpers: each returns its (only) argument unchanged.
    static let jitContainerHelpers: Set<String> = [
        "torch.jit._pickle build_intlist", "torch.jit._pickle build_floatlist", "torch.jit._pickle build_boollist",
        "torch.jit._pickle build_doublelist", "torch.jit._pickle build_tensorlist", "torch.jit._pickle restore_type_tag",
    ]
    static var allowedGlobals: Set<String> { callables.union(storageTypes.keys).union(jitContainerHelpers) }

    /// A TorchScript class (module `__torch__` or below): allowed only as the class of NEWOBJ, which makes
    /// an inert `ObjectBox`; calling it with REDUCE is refused.
    static func isTorchScriptClass(_ name: String) -> Bool {
        name.hasPrefix("__torch__ ") || name.hasPrefix("__torch__.")
    }

    let source: String
    let maxOps = 50_000_000

    func fail(_ why: String) -> FSError { FSError("\(source): \(why)") }

    /// Deepest container nesting accepted (state dicts need about 5); deeper pickles are refused so
    /// that neither parsing nor freeing the values can exhaust the stack.
    static let maxDepth = 100

    func load(_ data: Data) throws -> Value {
        var consumed = 0
        return try load(data, consumed: &consumed)
    }

    /// Reads one pickle from the start of `data`; `consumed` is set to the bytes it took (up to its STOP).
    func load(_ data: Data, consumed: inout Int) throws -> Value {
        // `depths` runs parallel to `stack`: the container nesting depth of each value (boxes carry theirs).
        var stack: [Value] = []
        var depths: [Int] = []
        var marks: [Int] = []
        var memo: [Int: (value: Value, depth: Int)] = [:]
        let bytes = [UInt8](data)
        var p = 0
        var ops = 0

        func need(_ n: Int) throws {
            guard n >= 0, n <= bytes.count - p else { throw fail("pickle data is truncated") }
        }
        func readInt(_ n: Int, signed: Bool = false) throws -> Int {
            try need(n)
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(bytes[p + i]) << (8 * UInt64(i)) }
            p += n
            if signed && n == 4 { return Int(Int32(bitPattern: UInt32(v))) }
            guard v <= UInt64(Int.max) else { throw fail("pickle length \(v) is implausible") }
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
        func depth(of v: Value, stored: Int) -> Int {
            switch v {
            case .list(let l): return l.depth
            case .dict(let d): return d.depth
            case .object(let o): return o.depth
            default: return stored
            }
        }
        /// A box placed inside another container is frozen: mutating it later could deepen its parents
        /// behind the depth bookkeeping's back (pickles of state dicts fill containers before nesting them).
        func freeze(_ v: Value) {
            if case .list(let l) = v { l.frozen = true }
            if case .dict(let d) = v { d.frozen = true }
            if case .object(let o) = v { o.frozen = true }
        }
        func push(_ v: Value, _ d: Int = 0) throws {
            guard d <= Unpickler.maxDepth else { throw fail("pickle nests containers deeper than \(Unpickler.maxDepth) levels") }
            stack.append(v); depths.append(d)
        }
        func popWithDepth() throws -> (Value, Int) {
            guard let v = stack.popLast(), let d = depths.popLast() else { throw fail("pickle stack underflow") }
            if case .mark = v { throw fail("pickle: unexpected mark") }
            return (v, depth(of: v, stored: d))
        }
        func pop() throws -> Value { try popWithDepth().0 }
        func popMark() throws -> (items: [Value], depth: Int) {
            guard let m = marks.popLast(), m <= stack.count else { throw fail("pickle: missing mark") }
            let items = Array(stack[m...])
            var d = 0
            for (v, s) in zip(items, depths[m...]) { d = Swift.max(d, depth(of: v, stored: s)) }
            stack.removeSubrange(m...); depths.removeSubrange(m...)
            return (items, d)
        }
        func makeTuple(_ items: [Value], maxItemDepth: Int) throws {
            items.forEach(freeze)
            try push(.tuple(items), maxItemDepth + 1)
        }
        func insert(into box: Value, _ items: [Value], itemDepth: Int) throws {
            let d = itemDepth + 1
            guard d <= Unpickler.maxDepth else { throw fail("pickle nests containers deeper than \(Unpickler.maxDepth) levels") }
            // With frozen boxes the only cycle left would be a box inside itself: refuse it too.
            for item in items {
                if case .list(let l) = item, case .list(let b) = box, l === b { throw fail("pickle: a list contains itself") }
                if case .dict(let d) = item, case .dict(let b) = box, d === b { throw fail("pickle: a dict contains itself") }
            }
            switch box {
            case .list(let l):
                guard !l.frozen else { throw fail("pickle: modifies a list after nesting it (not a state dict)") }
                l.depth = Swift.max(l.depth, d); l.items.append(contentsOf: items)
            case .dict(let dict):
                guard !dict.frozen else { throw fail("pickle: modifies a dict after nesting it (not a state dict)") }
                dict.depth = Swift.max(dict.depth, d)
                for i in stride(from: 0, to: items.count, by: 2) { dict.items.append((items[i], items[i + 1])) }
            default: throw fail("pickle: adds items to something that is not a container")
            }
            items.forEach(freeze)
        }
        func top() throws -> (Value, Int) {
            guard let v = stack.last, let d = depths.last else { throw fail("pickle stack underflow") }
            return (v, d)
        }
        func global(_ name: String) throws -> Value {
            guard Unpickler.allowedGlobals.contains(name) || Unpickler.isTorchScriptClass(name) else {
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
            case 0x95: try need(try readInt(8))                            // FRAME (must fit in the data)
            case UInt8(ascii: "."): consumed = p; return try pop()         // STOP
            case UInt8(ascii: "("): marks.append(stack.count)              // MARK
            case UInt8(ascii: "}"): try push(.dict(DictBox()), 1)          // EMPTY_DICT
            case UInt8(ascii: "]"): try push(.list(ListBox()), 1)          // EMPTY_LIST
            case UInt8(ascii: ")"): try push(.tuple([]), 1)                // EMPTY_TUPLE
            case UInt8(ascii: "t"): let m = try popMark(); try makeTuple(m.items, maxItemDepth: m.depth)  // TUPLE
            case 0x85: let (a, da) = try popWithDepth(); try makeTuple([a], maxItemDepth: da)             // TUPLE1
            case 0x86:
                let (b, db) = try popWithDepth(), (a, da) = try popWithDepth()
                try makeTuple([a, b], maxItemDepth: Swift.max(da, db))
            case 0x87:
                let (c, dc) = try popWithDepth(), (b, db) = try popWithDepth(), (a, da) = try popWithDepth()
                try makeTuple([a, b, c], maxItemDepth: Swift.max(da, db, dc))
            case UInt8(ascii: "X"): try push(.string(try readString(try readInt(4))))  // BINUNICODE
            case 0x8C: try push(.string(try readString(try readInt(1))))              // SHORT_BINUNICODE
            case 0x8D: try push(.string(try readString(try readInt(8))))              // BINUNICODE8
            case UInt8(ascii: "T"): try push(.string(try readString(try readInt(4)))) // BINSTRING
            case UInt8(ascii: "U"): try push(.string(try readString(try readInt(1)))) // SHORT_BINSTRING
            case UInt8(ascii: "B"), UInt8(ascii: "C"):                                   // BINBYTES, SHORT_BINBYTES
                let n = try readInt(op == UInt8(ascii: "B") ? 4 : 1)
                try need(n); try push(.bytes(Data(bytes[p..<(p + n)]))); p += n
            case UInt8(ascii: "J"): try push(.int(try readInt(4, signed: true)))      // BININT
            case UInt8(ascii: "K"): try push(.int(try readInt(1)))                    // BININT1
            case UInt8(ascii: "M"): try push(.int(try readInt(2)))                    // BININT2
            case 0x8A:                                                                     // LONG1
                let n = try readInt(1)
                guard n <= 8 else { throw fail("pickle integer too large") }
                try need(n)
                var v: UInt64 = 0
                for i in 0..<n { v |= UInt64(bytes[p + i]) << (8 * UInt64(i)) }
                if n > 0 && n < 8 && bytes[p + n - 1] & 0x80 != 0 { v |= ~UInt64(0) << (8 * UInt64(n)) }
                p += n
                try push(.int(Int(Int64(bitPattern: v))))
            case UInt8(ascii: "G"):                                                        // BINFLOAT (big-endian)
                try need(8)
                var v: UInt64 = 0
                for i in 0..<8 { v = v << 8 | UInt64(bytes[p + i]) }
                p += 8
                try push(.float(Double(bitPattern: v)))
            case 0x88: try push(.bool(true))                                           // NEWTRUE
            case 0x89: try push(.bool(false))                                          // NEWFALSE
            case UInt8(ascii: "N"): try push(.none)                                    // NONE
            case UInt8(ascii: "c"):                                                        // GLOBAL
                let module = try readLine(), name = try readLine()
                try push(try global("\(module) \(name)"))
            case 0x93:                                                                     // STACK_GLOBAL
                guard case .string(let name) = try pop(), case .string(let module) = try pop() else {
                    throw fail("pickle: bad STACK_GLOBAL")
                }
                try push(try global("\(module) \(name)"))
            case UInt8(ascii: "R"):                                                        // REDUCE
                guard case .tuple(let args) = try pop(), case .global(let fn) = try pop() else {
                    throw fail("pickle: REDUCE on something that is not an allowed global")
                }
                let v = try call(fn, args)
                if case .dict = v { try push(v, 1) } else { try push(v) }
            case 0x81:                                                                     // NEWOBJ: TorchScript class → inert record
                guard case .tuple(let args) = try pop(), args.isEmpty, case .global(let cls) = try pop(),
                      Unpickler.isTorchScriptClass(cls) else {
                    throw fail("pickle: NEWOBJ of something that is not a TorchScript (__torch__) class")
                }
                try push(.object(ObjectBox(className: cls)), 1)
            case UInt8(ascii: "b"):                                                        // BUILD
                let (state, ds) = try popWithDepth()
                if case .object(let o) = try top().0 {
                    // A TorchScript object gets its attribute dictionary; anything else is refused.
                    guard case .dict(let attrs) = state else { throw fail("pickle: TorchScript object state is not a dictionary") }
                    guard !o.frozen, o.attributes == nil else { throw fail("pickle: sets the state of a TorchScript object twice or after nesting it") }
                    guard ds + 1 <= Unpickler.maxDepth else { throw fail("pickle nests containers deeper than \(Unpickler.maxDepth) levels") }
                    for item in attrs.items { if case .object(let inner) = item.value, inner === o { throw fail("pickle: an object contains itself") } }
                    attrs.frozen = true
                    o.attributes = attrs; o.depth = ds + 1
                }
                // Otherwise: state of OrderedDict/Parameter, ignored.
            case UInt8(ascii: "Q"):                                                        // BINPERSID
                try push(try persistent(try pop()))
            case UInt8(ascii: "s"):                                                        // SETITEM
                let (v, dv) = try popWithDepth(), (k, dk) = try popWithDepth()
                try insert(into: try top().0, [k, v], itemDepth: Swift.max(dk, dv))
            case UInt8(ascii: "u"):                                                        // SETITEMS
                let m = try popMark()
                guard m.items.count % 2 == 0, case .dict = try top().0 else { throw fail("pickle: bad SETITEMS") }
                try insert(into: try top().0, m.items, itemDepth: m.depth)
            case UInt8(ascii: "a"):                                                        // APPEND
                let (v, dv) = try popWithDepth()
                guard case .list = try top().0 else { throw fail("pickle: APPEND on a non-list") }
                try insert(into: try top().0, [v], itemDepth: dv)
            case UInt8(ascii: "e"):                                                        // APPENDS
                let m = try popMark()
                guard case .list = try top().0 else { throw fail("pickle: APPENDS on a non-list") }
                try insert(into: try top().0, m.items, itemDepth: m.depth)
            case UInt8(ascii: "q"): let t = try top(); memo[try readInt(1)] = (t.0, t.1)   // BINPUT
            case UInt8(ascii: "r"): let t = try top(); memo[try readInt(4)] = (t.0, t.1)   // LONG_BINPUT
            case 0x94: let t = try top(); memo[memo.count] = (t.0, t.1)                    // MEMOIZE
            case UInt8(ascii: "h"), UInt8(ascii: "j"):                                    // BINGET, LONG_BINGET
                let k = try readInt(op == UInt8(ascii: "h") ? 1 : 4)
                guard let v = memo[k] else { throw fail("pickle: memo key \(k) undefined") }
                try push(v.value, depth(of: v.value, stored: v.depth))
            case UInt8(ascii: "0"): _ = try pop()                                          // POP
            case UInt8(ascii: "1"): _ = try popMark()                                      // POP_MARK
            case UInt8(ascii: "2"): let t = try top(); try push(t.0, depth(of: t.0, stored: t.1))  // DUP
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
        case _ where Unpickler.jitContainerHelpers.contains(fn):
            guard let first = args.first else { throw fail("pickle: \(fn) without an argument") }
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
