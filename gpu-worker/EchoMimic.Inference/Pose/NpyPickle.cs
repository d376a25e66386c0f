using System.Buffers.Binary;
using System.Text;

namespace EchoMimic.Inference.Pose;

/// <summary>A numeric numpy array read from a pickle: values widened to double, C order.</summary>
public sealed record NpyArray(double[] Data, int[] Shape)
{
    public static NpyArray Zeros(params int[] shape) => new(new double[shape.Aggregate(1, (a, b) => a * b)], shape);
}

/// <summary>
/// The subset of the pickle protocol (2-5) that <c>np.save(path, dict, allow_pickle=True)</c> of the official pose
/// files uses: dicts, lists, tuples, ints, floats, strings, and numpy arrays/scalars rebuilt through
/// <c>numpy.core.multiarray._reconstruct</c> / <c>numpy.dtype</c> / <c>numpy.core.multiarray.scalar</c>.
/// Anything else is rejected: these files come from users, so nothing is ever executed.
/// </summary>
internal sealed class NpyPickle
{
    private sealed record Global(string Module, string Name);
    private sealed class Mark;
    private sealed class DType(string descr) { public string Descr = descr; public char Order = '<'; }
    private sealed class ArrayUnderConstruction { public object? Value; }

    private static readonly Mark MarkObject = new();
    private readonly byte[] _data;
    private int _pos;
    private readonly List<object?> _stack = [];
    private readonly Dictionary<long, object?> _memo = [];

    private NpyPickle(byte[] data, int start) { _data = data; _pos = start; }

    /// <summary>Loads the object pickled from <paramref name="start"/>; numpy arrays come back as <see cref="NpyArray"/>
    /// (or, for object arrays, the list/single object they hold).</summary>
    public static object? Load(byte[] data, int start) => new NpyPickle(data, start).Run();

    private object? Run()
    {
        while (true)
        {
            if (_pos >= _data.Length) throw new InvalidDataException("pickle ends before STOP");
            byte op = _data[_pos++];
            switch (op)
            {
                case 0x80: _pos++; break; // PROTO
                case 0x95: _pos += 8; break; // FRAME
                case (byte)'.': return Finish(Pop());
                case (byte)'(': Push(MarkObject); break;
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'K': Push((long)_data[_pos++]); break;
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
                case 0x8a: { int n = _data[_pos++]; Push(ReadLong(Take(n))); break; } // LONG1
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;
                case (byte)'X': Push(Encoding.UTF8.GetString(Take(BinaryPrimitives.ReadInt32LittleEndian(Take(4))))); break;
                case 0x8c: Push(Encoding.UTF8.GetString(Take(_data[_pos++]))); break; // SHORT_BINUNICODE
                case (byte)'C': Push(Take(_data[_pos++]).ToArray()); break; // SHORT_BINBYTES
                case (byte)'B': Push(Take(BinaryPrimitives.ReadInt32LittleEndian(Take(4))).ToArray()); break;
                case 0x8e: Push(Take(checked((int)BinaryPrimitives.ReadInt64LittleEndian(Take(8)))).ToArray()); break;
                case (byte)')': Push(Array.Empty<object?>()); break;
                case 0x85: Push(new[] { Pop() }); break;
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }
                case (byte)'t': Push(PopToMark().ToArray()); break;
                case (byte)']': Push(new List<object?>()); break;
                case (byte)'l': Push(PopToMark()); break;
                case (byte)'}': Push(new Dictionary<string, object?>()); break;
                case (byte)'a': { var v = Pop(); AsList(Peek()).Add(v); break; }
                case (byte)'e': { var items = PopToMark(); AsList(Peek()).AddRange(items); break; }
                case (byte)'s': { var v = Pop(); var k = Pop(); AsDict(Peek())[AsKey(k)] = v; break; }
                case (byte)'u':
                {
                    var items = PopToMark();
                    var dict = AsDict(Peek());
                    for (int i = 0; i + 1 < items.Count; i += 2) dict[AsKey(items[i])] = items[i + 1];
                    break;
                }
                case (byte)'q': _memo[_data[_pos++]] = Peek(); break;
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek(); break;
                case 0x94: _memo[_memo.Count] = Peek(); break; // MEMOIZE
                case (byte)'h': Push(Memo(_data[_pos++])); break;
                case (byte)'j': Push(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break;
                case (byte)'c': Push(new Global(ReadLine(), ReadLine())); break;
                case 0x93: { var name = Pop() as string; var module = Pop() as string; Push(new Global(module!, name!)); break; } // STACK_GLOBAL
                case (byte)'R': { var args = Pop() as object?[] ?? throw Bad("REDUCE without a tuple"); Push(Reduce(Pop(), args)); break; }
                case (byte)'b': { var state = Pop(); Build(Peek(), state); break; }
                default: throw Bad($"unsupported pickle opcode 0x{op:x2}");
            }
        }
    }

    private static object? Reduce(object? callable, object?[] args)
    {
        if (callable is not Global g) throw Bad("REDUCE on a non-global");
        var module = g.Module.Replace("numpy._core.", "numpy.core.", StringComparison.Ordinal);
        return (module, g.Name) switch
        {
            ("numpy.core.multiarray", "_reconstruct") => new ArrayUnderConstruction(),
            ("numpy", "dtype") => new DType(args.Length > 0 ? args[0] as string ?? "" : ""),
            ("numpy.core.multiarray", "scalar") => Scalar(args),
            _ => throw Bad($"unsupported global {g.Module}.{g.Name}"),
        };
    }

    private static void Build(object? target, object? state)
    {
        switch (target)
        {
            case DType dtype:
                if (state is object?[] { Length: > 1 } s && s[1] is string order && order.Length == 1) dtype.Order = order[0];
                break;
            case ArrayUnderConstruction array:
                if (state is not object?[] { Length: 5 } parts || parts[1] is not object?[] shapeItems || parts[2] is not DType arrayType)
                    throw Bad("unexpected ndarray state");
                var shape = shapeItems.Select(o => checked((int)(long)o!)).ToArray();
                if (arrayType.Descr == "O8" || arrayType.Descr == "O")
                {
                    var items = parts[4] as List<object?> ?? throw Bad("object array without a list");
                    array.Value = shape.Length == 0 ? items.FirstOrDefault() : items;
                }
                else
                {
                    var bytes = parts[4] as byte[] ?? throw Bad("numeric array without raw bytes");
                    if (parts[3] is true) throw Bad("Fortran-ordered arrays are not supported");
                    array.Value = new NpyArray(Decode(bytes, arrayType), shape);
                }
                break;
            default:
                throw Bad("BUILD on an unsupported object");
        }
    }

    private static object Scalar(object?[] args)
    {
        if (args.Length < 2 || args[0] is not DType dtype || args[1] is not byte[] bytes) throw Bad("unexpected numpy scalar");
        var values = Decode(bytes, dtype);
        if (values.Length != 1) throw Bad("numpy scalar with more than one value");
        return dtype.Descr[0] is 'f' ? values[0] : (long)values[0];
    }

    private static double[] Decode(byte[] bytes, DType dtype)
    {
        if (dtype.Order == '>') throw Bad("big-endian arrays are not supported");
        int size = dtype.Descr.Length > 1 && int.TryParse(dtype.Descr[1..], out var s) ? s : throw Bad($"unsupported dtype {dtype.Descr}");
        if (bytes.Length % size != 0) throw Bad("array data is not a whole number of elements");
        var values = new double[bytes.Length / size];
        var span = bytes.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            var e = span.Slice(i * size, size);
            values[i] = (dtype.Descr[0], size) switch
            {
                ('f', 8) => BinaryPrimitives.ReadDoubleLittleEndian(e),
                ('f', 4) => BinaryPrimitives.ReadSingleLittleEndian(e),
                ('f', 2) => (double)BinaryPrimitives.ReadHalfLittleEndian(e),
                ('i', 8) => BinaryPrimitives.ReadInt64LittleEndian(e),
                ('i', 4) => BinaryPrimitives.ReadInt32LittleEndian(e),
                ('i', 2) => BinaryPrimitives.ReadInt16LittleEndian(e),
                ('i', 1) => (sbyte)e[0],
                ('u', 1) or ('b', 1) => e[0],
                ('u', 2) => BinaryPrimitives.ReadUInt16LittleEndian(e),
                ('u', 4) => BinaryPrimitives.ReadUInt32LittleEndian(e),
                _ => throw Bad($"unsupported dtype {dtype.Descr}"),
            };
        }
        return values;
    }

    private static object? Finish(object? value) => value switch
    {
        ArrayUnderConstruction a => Finish(a.Value),
        Dictionary<string, object?> d => d.ToDictionary(kv => kv.Key, kv => Finish(kv.Value)),
        List<object?> l => l.Select(Finish).ToList(),
        object?[] t => t.Select(Finish).ToArray(),
        _ => value,
    };

    private static long ReadLong(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 8) throw Bad("integer too large");
        long value = 0;
        for (int i = bytes.Length - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        if (bytes.Length is > 0 and < 8 && (bytes[^1] & 0x80) != 0) value -= 1L << (8 * bytes.Length);
        return value;
    }

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || n > _data.Length - _pos) throw Bad("pickle is truncated");
        var span = _data.AsSpan(_pos, n);
        _pos += n;
        return span;
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw Bad("pickle is truncated");
        var text = Encoding.ASCII.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return text;
    }

    private object? Memo(long key) => _memo.TryGetValue(key, out var v) ? v : throw Bad("pickle refers to a missing memo entry");
    private void Push(object? value) => _stack.Add(value);
    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw Bad("pickle stack underflow");

    private object? Pop()
    {
        var value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private List<object?> PopToMark()
    {
        int mark = _stack.FindLastIndex(o => ReferenceEquals(o, MarkObject));
        if (mark < 0) throw Bad("pickle MARK missing");
        var items = _stack.GetRange(mark + 1, _stack.Count - mark - 1);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private static List<object?> AsList(object? o) => o as List<object?> ?? throw Bad("APPEND on a non-list");
    private static Dictionary<string, object?> AsDict(object? o) => o as Dictionary<string, object?> ?? throw Bad("SETITEM on a non-dict");
    private static string AsKey(object? o) => o as string ?? throw Bad("dict key is not a string");
    private static InvalidDataException Bad(string problem) => new(problem);
}
