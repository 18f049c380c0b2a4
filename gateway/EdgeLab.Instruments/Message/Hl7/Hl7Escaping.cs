using System.Buffers;
using System.Text;

namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// Escape sequences in data fields (HL7 v2.5 §2.7): <c>\F\ \S\ \T\ \R\ \E\</c> for the delimiters themselves,
/// <c>\Xhh…\</c> for raw bytes, <c>\.br\</c> for a line break (§2.7.6 formatted text); highlighting (<c>\H\ \N\</c>)
/// is dropped; anything else, including an unterminated sequence, is kept literally so nothing sent is lost.
/// </summary>
internal static class Hl7Escaping
{
    /// <summary>Decodes <paramref name="raw"/> to text: escapes are resolved at byte level, then the character set applies.</summary>
    public static string Decode(ReadOnlySpan<byte> raw, Hl7Delimiters d, Encoding encoding)
    {
        if (raw.IndexOf(d.Escape) < 0) return encoding.GetString(raw);
        byte[]? rented = null;
        var buffer = raw.Length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            var n = Unescape(raw, d, buffer);
            return encoding.GetString(buffer[..n]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Resolves escapes into <paramref name="output"/> (never longer than the input); returns the length written.</summary>
    public static int Unescape(ReadOnlySpan<byte> raw, Hl7Delimiters d, Span<byte> output)
    {
        var w = 0;
        var i = 0;
        while (i < raw.Length)
        {
            var b = raw[i];
            if (b != d.Escape)
            {
                output[w++] = b;
                i++;
                continue;
            }
            var close = raw[(i + 1)..].IndexOf(d.Escape);
            if (close < 0)
            {
                // Unterminated: keep the rest as sent.
                raw[i..].CopyTo(output[w..]);
                return w + raw.Length - i;
            }
            var body = raw.Slice(i + 1, close);
            var whole = close + 2;
            if (body.Length == 1)
            {
                byte? single = body[0] switch
                {
                    (byte)'F' => d.Field,
                    (byte)'S' => d.Component,
                    (byte)'T' => d.Subcomponent,
                    (byte)'R' => d.Repetition,
                    (byte)'E' => d.Escape,
                    _ => null,
                };
                if (single is { } s) output[w++] = s;
                else if (body[0] is not ((byte)'H' or (byte)'N')) { raw.Slice(i, whole).CopyTo(output[w..]); w += whole; }
            }
            else if (body.SequenceEqual(".br"u8))
            {
                output[w++] = (byte)'\n';
            }
            else if (body.Length >= 3 && body[0] == (byte)'X' && (body.Length - 1) % 2 == 0 && TryHex(body[1..], output[w..], out var hexBytes))
            {
                w += hexBytes;
            }
            else
            {
                raw.Slice(i, whole).CopyTo(output[w..]);
                w += whole;
            }
            i += whole;
        }
        return w;
    }

    private static bool TryHex(ReadOnlySpan<byte> hex, Span<byte> output, out int written)
    {
        written = 0;
        for (var k = 0; k + 1 < hex.Length; k += 2)
        {
            var hi = HexValue(hex[k]);
            var lo = HexValue(hex[k + 1]);
            if (hi < 0 || lo < 0) { written = 0; return false; }
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

    /// <summary>Escapes text for one field, component or subcomponent value (HL7 v2.5 §2.7.1), as a string.</summary>
    public static string Escape(string value, Hl7Delimiters d)
    {
        ReadOnlySpan<char> special = [(char)d.Field, (char)d.Component, (char)d.Subcomponent, (char)d.Repetition, (char)d.Escape, '\r', '\n'];
        if (value.AsSpan().IndexOfAny(special) < 0) return value;
        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c == d.Field) sb.Append((char)d.Escape).Append('F').Append((char)d.Escape);
            else if (c == d.Component) sb.Append((char)d.Escape).Append('S').Append((char)d.Escape);
            else if (c == d.Subcomponent) sb.Append((char)d.Escape).Append('T').Append((char)d.Escape);
            else if (c == d.Repetition) sb.Append((char)d.Escape).Append('R').Append((char)d.Escape);
            else if (c == d.Escape) sb.Append((char)d.Escape).Append('E').Append((char)d.Escape);
            else if (c == '\n') sb.Append((char)d.Escape).Append(".br").Append((char)d.Escape);
            else if (c == '\r') { }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
