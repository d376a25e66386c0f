using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// A small pickle virtual machine for the subset <c>torch.save</c> writes (protocol 2, plus the cheap opcodes of
/// protocols 0-4 other writers use). It never imports or runs code: <c>GLOBAL</c> only names a callable, and
/// <c>REDUCE</c> interprets the few callables a checkpoint needs (<c>collections.OrderedDict</c>, the
/// <c>torch._utils._rebuild_*</c> functions) through <see cref="Reduce"/>; any other callable becomes an inert
/// <see cref="PickleObject"/>. Persistent ids (<c>BINPERSID</c>, the storage records) go to the caller's resolver.
/// </summary>
public sealed class PickleMachine
{
    private readonly Func<PickleTuple, object?> _persistentLoad;
    private readonly Func<PickleGlobal, PickleTuple, object?> _reduce;

    /// <param name="persistentLoad">resolves a <c>BINPERSID</c> record (torch: <c>("storage", type, key, location, numel[, view])</c>).</param>
    /// <param name="reduce">calls a global with its argument tuple; return null to fall back to <see cref="PickleObject"/>.</param>
    public PickleMachine(Func<PickleTuple, object?> persistentLoad, Func<PickleGlobal, PickleTuple, object?>? reduce = null)
    {
        _persistentLoad = persistentLoad;
        _reduce = reduce ?? ((_, _) => null);
    }

    /// <summary>Runs one pickle from <paramref name="data"/> starting at <paramref name="position"/>; returns its value and advances past <c>STOP</c>.</summary>
    public object? Load(ReadOnlySpan<byte> data, ref int position)
    {
        var stack = new List<object?>();
        var marks = new Stack<int>();
        var memo = new Dictionary<long, object?>();
        var r = new Reader(data, position);
        var at = position;

        while (true)
        {
            var opcodeAt = at = r.Position;
            var op = r.Byte();
            switch (op)
            {
                case 0x80: r.Byte(); break;                                     // PROTO
                case 0x95: r.Skip(8); break;                                    // FRAME (protocol 4)
                case (byte)'.':                                                 // STOP
                    position = r.Position;
                    if (stack.Count != 1) throw Bad(opcodeAt, $"STOP with {stack.Count} values on the stack");
                    return stack[0];
                case (byte)'(': marks.Push(stack.Count); break;                 // MARK
                case (byte)'0': Pop(); break;                                   // POP
                case (byte)'1': PopMark(); break;                               // POP_MARK
                case (byte)'2': stack.Add(Peek()); break;                       // DUP

                case (byte)'q': memo[r.Byte()] = Peek(); break;                 // BINPUT
                case (byte)'r': memo[r.UInt32()] = Peek(); break;               // LONG_BINPUT
                case (byte)'p': memo[TextLong(r.Line(), opcodeAt)] = Peek(); break; // PUT
                case 0x94: memo[memo.Count] = Peek(); break;                    // MEMOIZE
                case (byte)'h': stack.Add(Get(r.Byte())); break;                // BINGET
                case (byte)'j': stack.Add(Get(r.UInt32())); break;              // LONG_BINGET
                case (byte)'g': stack.Add(Get(TextLong(r.Line(), opcodeAt))); break; // GET

                case (byte)'K': stack.Add((long)r.Byte()); break;               // BININT1
                case (byte)'M': stack.Add((long)r.UInt16()); break;             // BININT2
                case (byte)'J': stack.Add((long)r.Int32()); break;              // BININT
                case 0x8a: stack.Add(Long(r.Bytes(r.Byte()))); break;           // LONG1
                case 0x8b: stack.Add(Long(r.Bytes(r.Int32()))); break;          // LONG4
                case (byte)'I': stack.Add(TextInt(r.Line(), opcodeAt)); break;  // INT (also 00/01 = False/True)
                case (byte)'L': stack.Add(BigOrLong(TextBig(r.Line().TrimEnd('L'), opcodeAt))); break; // LONG
                case (byte)'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(r.Bytes(8))); break;   // BINFLOAT: big-endian
                case (byte)'F': stack.Add(double.TryParse(r.Line(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var f) ? f : throw Bad(opcodeAt, "FLOAT is not a number")); break;
                case (byte)'N': stack.Add(null); break;                         // NONE
                case 0x88: stack.Add(true); break;                              // NEWTRUE
                case 0x89: stack.Add(false); break;                             // NEWFALSE

                case (byte)'X': stack.Add(Encoding.UTF8.GetString(r.Bytes(r.UInt32()))); break;       // BINUNICODE
                case 0x8c: stack.Add(Encoding.UTF8.GetString(r.Bytes(r.Byte()))); break;              // SHORT_BINUNICODE
                case 0x8d: stack.Add(Encoding.UTF8.GetString(r.Bytes(r.Int64()))); break;             // BINUNICODE8
                case (byte)'T': stack.Add(Encoding.Latin1.GetString(r.Bytes(r.Int32()))); break;      // BINSTRING
                case (byte)'U': stack.Add(Encoding.Latin1.GetString(r.Bytes(r.Byte()))); break;       // SHORT_BINSTRING
                case (byte)'B': stack.Add(r.Bytes(r.UInt32()).ToArray()); break;                      // BINBYTES
                case (byte)'C': stack.Add(r.Bytes(r.Byte()).ToArray()); break;                        // SHORT_BINBYTES
                case 0x8e: stack.Add(r.Bytes(r.Int64()).ToArray()); break;                            // BINBYTES8

                case (byte)')': stack.Add(PickleTuple.Empty); break;            // EMPTY_TUPLE
                case 0x85: stack.Add(Tuple(1)); break;                          // TUPLE1
                case 0x86: stack.Add(Tuple(2)); break;                          // TUPLE2
                case 0x87: stack.Add(Tuple(3)); break;                          // TUPLE3
                case (byte)'t': stack.Add(new PickleTuple(PopMark())); break;   // TUPLE
                case (byte)']': stack.Add(new List<object?>()); break;          // EMPTY_LIST
                case (byte)'l': stack.Add(new List<object?>(PopMark())); break; // LIST
                case (byte)'a': { var v = Pop(); ListAt(opcodeAt).Add(v); break; }                    // APPEND
                case (byte)'e': { var items = PopMark(); ListAt(opcodeAt).AddRange(items); break; }   // APPENDS
                case (byte)'}': stack.Add(new PickleDict("dict")); break;       // EMPTY_DICT
                case (byte)'d': { var d = new PickleDict("dict"); SetItems(d, PopMark(), opcodeAt); stack.Add(d); break; } // DICT
                case (byte)'s': { var v = Pop(); var k = Pop(); DictAt(opcodeAt).Set(Key(k, opcodeAt), v); break; }       // SETITEM
                case (byte)'u': { var items = PopMark(); SetItems(DictAt(opcodeAt), items, opcodeAt); break; }            // SETITEMS
                case 0x8f: stack.Add(new List<object?>()); break;               // EMPTY_SET (a set is kept as a list)
                case 0x90: { var items = PopMark(); ListAt(opcodeAt).AddRange(items); break; }        // ADDITEMS
                case 0x91: stack.Add(new List<object?>(PopMark())); break;      // FROZENSET

                case (byte)'c': stack.Add(new PickleGlobal(r.Line(), r.Line())); break;               // GLOBAL
                case 0x93: { var name = (string)Pop()!; var module = (string)Pop()!; stack.Add(new PickleGlobal(module, name)); break; } // STACK_GLOBAL
                case (byte)'R':                                                 // REDUCE
                case 0x81:                                                      // NEWOBJ (cls.__new__(cls, *args))
                {
                    var args = Pop() as PickleTuple ?? throw Bad(opcodeAt, "REDUCE arguments are not a tuple");
                    var callable = Pop() as PickleGlobal ?? throw Bad(opcodeAt, "REDUCE callable is not a GLOBAL");
                    stack.Add(Call(callable, args));
                    break;
                }
                case (byte)'b':                                                 // BUILD
                {
                    var state = Pop();
                    switch (Peek())
                    {
                        case PickleDict d: d.State = state; break;
                        case PickleObject o: o.State = state; break;
                        // tensors (_rebuild_from_type_v2 state) and others: nothing a checkpoint reader needs
                    }
                    break;
                }
                case (byte)'Q': stack.Add(_persistentLoad(Pop() as PickleTuple ?? throw Bad(opcodeAt, "BINPERSID id is not a tuple"))); break;
                case (byte)'P': stack.Add(_persistentLoad(new PickleTuple([r.Line()]))); break;      // PERSID

                default: throw Bad(opcodeAt, $"unsupported pickle opcode 0x{op:x2} ('{(char)op}')");
            }
        }

        object? Pop()
        {
            if (stack.Count == 0) throw Bad(at, "stack underflow");
            var v = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return v;
        }
        object? Peek() => stack.Count > 0 ? stack[^1] : throw Bad(at, "stack underflow");
        object?[] PopMark()
        {
            if (marks.Count == 0) throw Bad(at, "no MARK");
            var from = marks.Pop();
            var items = stack.GetRange(from, stack.Count - from).ToArray();
            stack.RemoveRange(from, stack.Count - from);
            return items;
        }
        PickleTuple Tuple(int n)
        {
            if (stack.Count < n) throw Bad(at, "stack underflow");
            var items = stack.GetRange(stack.Count - n, n).ToArray();
            stack.RemoveRange(stack.Count - n, n);
            return new PickleTuple(items);
        }
        object? Get(long index) => memo.TryGetValue(index, out var v) ? v : throw Bad(at, $"memo entry {index} was never stored");
        List<object?> ListAt(int at) => Peek() as List<object?> ?? throw Bad(at, "APPEND target is not a list");
        PickleDict DictAt(int at) => Peek() as PickleDict ?? throw Bad(at, "SETITEM target is not a dict");
    }

    private object? Call(PickleGlobal callable, PickleTuple args)
    {
        if (callable.FullName is "collections.OrderedDict" or "builtins.dict" or "__builtin__.dict")
        {
            var d = new PickleDict(callable.Name == "OrderedDict" ? "OrderedDict" : "dict");
            // OrderedDict(items): protocol 2 passes an empty tuple and adds items by SETITEMS; accept a pair list too.
            if (args.Count == 1 && args[0] is IEnumerable<object?> pairs)
                foreach (var pair in pairs)
                    if (pair is PickleTuple { Count: 2 } kv) d.Set(kv[0]!, kv[1]);
            return d;
        }
        return _reduce(callable, args) ?? new PickleObject(callable, args.ToArray());
    }

    private static void SetItems(PickleDict dict, object?[] items, int at)
    {
        if (items.Length % 2 != 0) throw Bad(at, "SETITEMS with an odd number of values");
        for (int i = 0; i < items.Length; i += 2) dict.Set(Key(items[i], at), items[i + 1]);
    }

    private static object Key(object? key, int at) => key ?? throw Bad(at, "None as a dict key is not supported");

    private static object TextInt(string text, int at) => text switch
    {
        "00" => false,
        "01" => true,
        _ => BigOrLong(TextBig(text, at)),
    };

    /// <summary>Protocol 0's decimal text arguments; a malformed one is a malformed file, not a crash.</summary>
    private static BigInteger TextBig(string text, int at) =>
        BigInteger.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value : throw Bad(at, $"'{text}' is not an integer");

    private static long TextLong(string text, int at) =>
        long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value : throw Bad(at, $"'{text}' is not a memo index");

    /// <summary>LONG1/LONG4: little-endian two's complement of n bytes (the legacy magic number needs 10).</summary>
    private static object Long(ReadOnlySpan<byte> bytes) => bytes.Length == 0 ? 0L : BigOrLong(new BigInteger(bytes, isUnsigned: false, isBigEndian: false));

    // The cast to object matters: "cond ? (long)v : v" has type BigInteger and would box every value as one.
    private static object BigOrLong(BigInteger value) => value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;

    private static InvalidDataException Bad(int at, string problem) => new($"pickle byte {at}: {problem}");

    private ref struct Reader(ReadOnlySpan<byte> data, int position)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        public int Position { get; private set; } = position;

        public byte Byte() => Take(1)[0];
        public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        public long UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
        public ReadOnlySpan<byte> Bytes(long n) => Take(checked((int)n));
        public void Skip(int n) => Take(n);

        public string Line()
        {
            var rest = _data[Position..];
            var end = rest.IndexOf((byte)'\n');
            if (end < 0) throw new EndOfStreamException($"pickle byte {Position}: unterminated text argument");
            var text = Encoding.UTF8.GetString(rest[..end]);
            Position += end + 1;
            return text;
        }

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0) throw Bad(Position, "negative length");
            if (n > _data.Length - Position) throw new EndOfStreamException($"pickle byte {Position}: pickle ends early");
            var span = _data.Slice(Position, n);
            Position += n;
            return span;
        }
    }
}
