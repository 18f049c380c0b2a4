using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace EdgeLab.Instruments.Link.Astm;

/// <summary>
/// The frame checksum of LIS01-A2 §6.3.3: the sum of the bytes from the frame number through ETB/ETX inclusive,
/// modulo 256, sent as two upper-case hexadecimal digits (C1 the high nibble). Receivers accept lower-case digits too.
/// </summary>
internal static class AstmChecksum
{
    /// <summary>Sum modulo 256. Lanes of a byte vector wrap modulo 256 on their own, so a vector add is exact here.</summary>
    public static byte Compute(ReadOnlySpan<byte> bytes)
    {
        var sum = 0u;
        var i = 0;
        if (Vector.IsHardwareAccelerated && bytes.Length >= Vector<byte>.Count * 2)
        {
            var acc = Vector<byte>.Zero;
            var vectors = MemoryMarshal.Cast<byte, Vector<byte>>(bytes);
            foreach (var v in vectors) acc += v;
            i = vectors.Length * Vector<byte>.Count;
            for (var lane = 0; lane < Vector<byte>.Count; lane++) sum += acc[lane];
        }
        for (; i < bytes.Length; i++) sum += bytes[i];
        return (byte)sum;
    }

    public static byte Compute(in ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsSingleSegment) return Compute(bytes.FirstSpan);
        var sum = 0;
        foreach (var segment in bytes) sum += Compute(segment.Span);
        return (byte)sum;
    }

    /// <summary>Reads C1 C2; upper- or lower-case hex. False when either is not a hex digit.</summary>
    public static bool TryParse(byte c1, byte c2, out byte value)
    {
        var hi = HexValue(c1);
        var lo = HexValue(c2);
        value = (byte)((hi << 4) | lo);
        return (hi | lo) >= 0;
    }

    /// <summary>Writes the two upper-case digits the standard sends (LIS01-A2 §6.3.3).</summary>
    public static void Format(byte checksum, Span<byte> destination)
    {
        const string digits = "0123456789ABCDEF";
        destination[0] = (byte)digits[checksum >> 4];
        destination[1] = (byte)digits[checksum & 0xF];
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => -1,
    };
}
