using System.Text;

namespace EdgeLab.Hub.Web.Queues;

/// <summary>
/// Raw bytes of a quarantined message made readable for a person: UTF-8 text as is, every control character named in
/// angle brackets by its ASCII name (<c>&lt;STX&gt;</c>, <c>&lt;CR&gt;</c>… — the notation of LIS01-A2 §5 and of HL7 v2.5
/// §2.5 examples), bytes that are not UTF-8 as <c>&lt;xNN&gt;</c>; a line break follows each <c>&lt;LF&gt;</c> and each
/// <c>&lt;CR&gt;</c> not followed by LF (the segment and record terminators). Pure, so it is tested over bytes.
/// </summary>
internal static class ReadableTranscript
{
    private static readonly string[] AsciiNames =
    [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
        "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
    ];

    /// <summary>The readable lines of <paramref name="bytes"/>.</summary>
    public static IReadOnlyList<string> Lines(ReadOnlySpan<byte> bytes)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        var i = 0;
        while (i < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[i..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                line.Append("<x").Append(bytes[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture)).Append('>');
                i++;
                continue;
            }
            if (rune.IsBmp && Name((char)rune.Value) is { } name)
            {
                line.Append('<').Append(name).Append('>');
                var next = i + consumed < bytes.Length ? bytes[i + consumed] : (byte)0;
                if (rune.Value == '\n' || (rune.Value == '\r' && next != (byte)'\n'))
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }
            }
            else
            {
                line.Append(rune.ToString());
            }
            i += consumed;
        }
        if (line.Length > 0 || lines.Count == 0) lines.Add(line.ToString());
        return lines;
    }

    /// <summary>The name of a control character (C0 and DEL, C1 as U+0080…), or null for a printable one.</summary>
    public static string? Name(char c) => c switch
    {
        < ' ' => AsciiNames[c],
        '\u007F' => "DEL",
        >= '\u0080' and <= '\u009F' => $"U+{(int)c:X4}",
        _ => null,
    };
}
