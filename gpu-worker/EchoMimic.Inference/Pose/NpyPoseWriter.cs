using System.Buffers.Binary;
using System.Text;

namespace EchoMimic.Inference.Pose;

/// <summary>
/// Writes pose frames in the official per-frame format: what <c>np.save(path, dict)</c> writes for a dict (a
/// version 1.0 .npy holding a 0-d object array, pickle protocol 3, float64 arrays rebuilt through
/// <c>numpy.core.multiarray._reconstruct</c>), so that <c>np.load(path, allow_pickle=True).item()</c> and
/// infer.py read our gestures like the official ones.
/// </summary>
public static class NpyPoseWriter
{
    /// <summary>Writes frames as <c>0.npy .. N-1.npy</c> into <paramref name="folder"/> (created if needed).</summary>
    public static void WriteFolder(string folder, IReadOnlyList<PoseFrame> frames)
    {
        Directory.CreateDirectory(folder);
        for (int i = 0; i < frames.Count; i++) File.WriteAllBytes(Path.Combine(folder, $"{i}.npy"), Serialize(frames[i]));
    }

    public static byte[] Serialize(PoseFrame frame)
    {
        var pickle = new PickleBuilder();
        pickle.Proto(3);
        // Outer 0-d object array: _reconstruct(ndarray, (0,), b'b'), state (1, (), dtype('O8'), False, [dict]).
        pickle.BeginReconstruct();
        pickle.Mark().Int(1).EmptyTuple().DType("O8", '|', 63).False().EmptyList().Mark();
        pickle.Dict(() =>
        {
            pickle.Str("bodies").Dict(() =>
            {
                pickle.Str("candidate").Array(frame.BodyCandidate);
                pickle.Str("subset").Array(frame.BodySubset);
                pickle.Str("score").Array(frame.BodyScore);
            });
            pickle.Str("hands").Array(frame.Hands);
            pickle.Str("hands_score").Array(frame.HandsScore);
            pickle.Str("faces").Array(frame.Faces);
            pickle.Str("faces_score").Array(frame.FacesScore);
            pickle.Str("num").Int(frame.Num);
            pickle.Str("draw_pose_params").IntList(frame.DrawPoseParams);
        });
        pickle.Op('e').Tuple().Op('b').Op('.');
        return WithHeader(pickle.ToArray());
    }

    private static byte[] WithHeader(byte[] pickle)
    {
        // np.save pads the header with spaces so that the data starts at a multiple of 64 bytes.
        var header = "{'descr': '|O', 'fortran_order': False, 'shape': (), }";
        int total = 10 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        var bytes = new byte[10 + header.Length + pickle.Length];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY").CopyTo(bytes, 1);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header).CopyTo(bytes, 10);
        pickle.CopyTo(bytes, 10 + header.Length);
        return bytes;
    }

    /// <summary>Emits the pickle opcodes numpy's own pickles use (no memo: every global is written out again).</summary>
    private sealed class PickleBuilder
    {
        private readonly MemoryStream _out = new();

        public byte[] ToArray() => _out.ToArray();

        public PickleBuilder Op(char op) { _out.WriteByte((byte)op); return this; }
        public PickleBuilder Proto(byte version) { _out.WriteByte(0x80); _out.WriteByte(version); return this; }
        public PickleBuilder Mark() => Op('(');
        public PickleBuilder Tuple() => Op('t');
        public PickleBuilder EmptyTuple() => Op(')');
        public PickleBuilder EmptyList() => Op(']');
        public PickleBuilder False() { _out.WriteByte(0x89); return this; }
        public PickleBuilder True() { _out.WriteByte(0x88); return this; }
        public PickleBuilder None() => Op('N');

        public PickleBuilder Global(string module, string name)
        {
            Op('c');
            var text = Encoding.ASCII.GetBytes($"{module}\n{name}\n");
            _out.Write(text);
            return this;
        }

        public PickleBuilder Int(long value)
        {
            if (value is >= 0 and < 256) { Op('K'); _out.WriteByte((byte)value); }
            else if (value is >= 0 and < 65536) { Op('M'); Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)value); _out.Write(b); }
            else if (value is >= int.MinValue and <= int.MaxValue) { Op('J'); Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, (int)value); _out.Write(b); }
            else { _out.WriteByte(0x8a); _out.WriteByte(8); Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteInt64LittleEndian(b, value); _out.Write(b); }
            return this;
        }

        public PickleBuilder Str(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            Op('X');
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, bytes.Length);
            _out.Write(b);
            _out.Write(bytes);
            return this;
        }

        public PickleBuilder Bytes(byte[] value)
        {
            if (value.Length < 256) { Op('C'); _out.WriteByte((byte)value.Length); }
            else { Op('B'); Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, value.Length); _out.Write(b); }
            _out.Write(value);
            return this;
        }

        /// <summary><c>_reconstruct(ndarray, (0,), b'b')</c>, leaving the empty array on the stack.</summary>
        public PickleBuilder BeginReconstruct()
        {
            Global("numpy.core.multiarray", "_reconstruct").Global("numpy", "ndarray").Int(0);
            _out.WriteByte(0x85); // TUPLE1
            Bytes("b"u8.ToArray());
            _out.WriteByte(0x87); // TUPLE3
            return Op('R');
        }

        /// <summary><c>dtype(descr, False, True)</c> with state <c>(3, order, None, None, None, -1, -1, flags)</c>.</summary>
        public PickleBuilder DType(string descr, char order, int flags)
        {
            Global("numpy", "dtype").Str(descr).False().True();
            _out.WriteByte(0x87);
            Op('R');
            Mark().Int(3).Str(order.ToString()).None().None().None().Int(-1).Int(-1).Int(flags).Tuple();
            return Op('b');
        }

        /// <summary>A C-ordered float64 array.</summary>
        public PickleBuilder Array(NpyArray array)
        {
            BeginReconstruct();
            Mark().Int(1).Mark();
            foreach (var n in array.Shape) Int(n);
            Tuple();
            DType("f8", '<', 0).False();
            var data = new byte[array.Data.Length * 8];
            for (int i = 0; i < array.Data.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(i * 8), array.Data[i]);
            Bytes(data).Tuple();
            return Op('b');
        }

        public PickleBuilder Dict(Action items)
        {
            Op('}').Mark();
            items();
            return Op('u');
        }

        public PickleBuilder IntList(IEnumerable<int> values)
        {
            EmptyList().Mark();
            foreach (var v in values) Int(v);
            return Op('e');
        }
    }
}
