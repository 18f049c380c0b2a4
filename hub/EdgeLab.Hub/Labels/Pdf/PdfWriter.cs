using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace EdgeLab.Hub.Labels.Pdf;

/// <summary>
/// Writes the file structure of PDF 1.7 (ISO 32000-1 §7.5): header with a binary comment, indirect objects
/// (<c>n 0 obj … endobj</c>), a classic cross-reference table of 20-byte entries (§7.5.4) and the trailer with
/// <c>startxref</c>. Objects are reserved first (so they can reference each other) and written in any order.
/// </summary>
internal sealed class PdfWriter
{
    private readonly MemoryStream _out = new();
    private readonly Dictionary<int, long> _offsets = [];
    private int _nextId = 1;

    public PdfWriter()
    {
        Raw("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
    }

    /// <summary>Reserves an object number.</summary>
    public int Reserve() => _nextId++;

    /// <summary>Writes object <paramref name="id"/> with a dictionary or other direct value.</summary>
    public void Object(int id, string body)
    {
        _offsets[id] = _out.Position;
        Raw($"{id} 0 obj\n{body}\nendobj\n");
    }

    /// <summary>Writes a stream object, Flate-compressed (§7.4.4, zlib format per RFC 1950) unless <paramref name="compress"/> is false.</summary>
    public void Stream(int id, string dictionaryEntries, ReadOnlySpan<byte> data, bool compress = true)
    {
        byte[] payload;
        if (compress)
        {
            using var buffer = new MemoryStream();
            using (var z = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) z.Write(data);
            payload = buffer.ToArray();
        }
        else
        {
            payload = data.ToArray();
        }
        _offsets[id] = _out.Position;
        var filter = compress ? " /Filter /FlateDecode" : "";
        Raw($"{id} 0 obj\n<<{dictionaryEntries}{filter} /Length {payload.Length.ToString(CultureInfo.InvariantCulture)}>>\nstream\n");
        _out.Write(payload);
        Raw("\nendstream\nendobj\n");
    }

    /// <summary>Writes the xref table and trailer; every reserved object must have been written.</summary>
    public byte[] Finish(int catalogId, int? infoId = null)
    {
        var missing = Enumerable.Range(1, _nextId - 1).Where(id => !_offsets.ContainsKey(id)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"PDF objects reserved but not written: {string.Join(", ", missing)}.");
        var xref = _out.Position;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"xref\n0 {_nextId}\n");
        sb.Append("0000000000 65535 f\r\n"); // each entry exactly 20 bytes incl. the two-byte EOL (§7.5.4)
        for (var id = 1; id < _nextId; id++) sb.Append(CultureInfo.InvariantCulture, $"{_offsets[id]:D10} 00000 n\r\n");
        var fileId = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(_out.ToArray())[..16]);
        sb.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {_nextId} /Root {catalogId} 0 R");
        if (infoId is { } info) sb.Append(CultureInfo.InvariantCulture, $" /Info {info} 0 R");
        sb.Append(CultureInfo.InvariantCulture, $" /ID [<{fileId}> <{fileId}>] >>\nstartxref\n{xref}\n%%EOF\n");
        Raw(sb.ToString());
        return _out.ToArray();
    }

    private void Raw(string text) => _out.Write(Encoding.Latin1.GetBytes(text));

    /// <summary>A PDF literal string (§7.3.4.2) in UTF-16BE with BOM when not ASCII, escaping \ ( ).</summary>
    public static string TextString(string text)
    {
        if (text.All(c => c is >= ' ' and < '\u007f'))
            return "(" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal) + ")";
        var bytes = new byte[] { 0xFE, 0xFF }.Concat(Encoding.BigEndianUnicode.GetBytes(text));
        return "<" + Convert.ToHexString(bytes.ToArray()) + ">";
    }

    /// <summary>A number in PDF syntax: invariant culture, at most 3 decimals, no exponent.</summary>
    public static string Num(double value) => Math.Round(value, 3).ToString("0.###", CultureInfo.InvariantCulture);
}
