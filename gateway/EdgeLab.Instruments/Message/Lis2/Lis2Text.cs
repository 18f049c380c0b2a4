using System.Buffers;
using System.Text;

namespace EdgeLab.Instruments.Message.Lis2;

/// <summary>
/// Turns the bytes of a field (or component) into text, resolving LIS02-A2 escape sequences (§6.6.2) written with the
/// message's own escape delimiter E: <c>EFE</c> field, <c>ESE</c> component, <c>ERE</c> repeat, <c>EEE</c> escape
/// delimiter, and <c>EXhh…E</c> for bytes given in hex (one or more pairs).
/// </summary>
/// <remarks>
/// A sequence that is not one of these (an unknown letter, odd hex, no closing E) is kept as sent: real instruments
/// write bare escape characters in free text (e.g. <c>B&amp;W</c>) and the value must survive exactly.
/// </remarks>
internal static class Lis2Text
{
    /// <summary>Largest field decoded on the stack; longer ones borrow from the shared pool.</summary>
    private const int StackLimit = 256;

    public static string Decode(ReadOnlySpan<byte> raw, in Lis2Delimiters delimiters, Encoding encoding)
    {
        if (raw.IsEmpty)
            return string.Empty;
        if (raw.IndexOf(delimiters.Escape) < 0)
            return encoding.GetString(raw);

        byte[]? rented = null;
        var buffer = raw.Length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            var length = Unescape(raw, delimiters, buffer);
            return encoding.GetString(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes the unescaped bytes of <paramref name="raw"/> to <paramref name="output"/> (never longer than the input).</summary>
    public static int Unescape(ReadOnlySpan<byte> raw, in Lis2Delimiters d, Span<byte> output)
    {
        var o = 0;
        var i = 0;
        while (i < raw.Length)
        {
            var b = raw[i];
            if (b != d.Escape)
            {
                output[o++] = b;
                i++;
                continue;
            }
            var close = raw[(i + 1)..].IndexOf(d.Escape);
            if (close < 0)
            {
                output[o++] = b;
                i++;
                continue;
            }
            var body = raw.Slice(i + 1, close);
            if (body.Length == 1 && Single(body[0], d) is byte single)
            {
                output[o++] = single;
                i += 3;
            }
            else if (body.Length >= 3 && body[0] == (byte)'X' && (body.Length - 1) % 2 == 0 && TryHex(body[1..], output[o..], out var written))
            {
                o += written;
                i += close + 2;
            }
            else
            {
                // Not a sequence LIS02-A2 defines: keep the escape byte literally and carry on after it.
                output[o++] = b;
                i++;
            }
        }
        return o;
    }

    private static byte? Single(byte letter, in Lis2Delimiters d) => letter switch
    {
        (byte)'F' => d.Field,
        (byte)'S' => d.Component,
        (byte)'R' => d.Repeat,
        (byte)'E' => d.Escape,
        _ => null,
    };

    private static bool TryHex(ReadOnlySpan<byte> hex, Span<byte> output, out int written)
    {
        written = 0;
        for (var k = 0; k + 1 < hex.Length; k += 2)
        {
            var hi = HexValue(hex[k]);
            var lo = HexValue(hex[k + 1]);
            if (hi < 0 || lo < 0)
            {
                written = 0;
                return false;
            }
            output[written++] = (byte)(hi << 4 | lo);
        }
        return true;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => -1,
    };

    /// <summary>
    /// Writes <paramref name="value"/> as field text, escaping every delimiter that occurs in it (LIS02-A2 §6.6.2), so
    /// a patient name like <c>O'Neil|Smith</c> cannot break the record. Used for the records the host sends.
    /// </summary>
    public static void AppendEscaped(StringBuilder sb, string? value, in Lis2Delimiters d)
    {
        if (string.IsNullOrEmpty(value))
            return;
        var e = (char)d.Escape;
        foreach (var c in value)
        {
            if (c == (char)d.Field)
                sb.Append(e).Append('F').Append(e);
            else if (c == (char)d.Component)
                sb.Append(e).Append('S').Append(e);
            else if (c == (char)d.Repeat)
                sb.Append(e).Append('R').Append(e);
            else if (c == e)
                sb.Append(e).Append('E').Append(e);
            else if (c is '\r' or '\n' || c < ' ')
                sb.Append(e).Append('X').Append(((int)c).ToString("X2")).Append(e);
            else
                sb.Append(c);
        }
    }
}
