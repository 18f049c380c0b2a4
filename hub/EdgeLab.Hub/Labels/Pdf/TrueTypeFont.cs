using System.Buffers.Binary;

namespace EdgeLab.Hub.Labels.Pdf;

/// <summary>
/// A TrueType font file, read far enough to embed it in PDF: the table directory (OpenType spec "Organization of an
/// OpenType Font"), <c>head</c>, <c>hhea</c>, <c>maxp</c>, <c>hmtx</c>, <c>loca</c>, <c>OS/2</c> and the Unicode
/// <c>cmap</c> (platform 3 encoding 1, format 4; or 3/10 format 12). All values are big-endian.
/// </summary>
internal sealed class TrueTypeFont
{
    private readonly byte[] _data;
    private readonly Dictionary<string, (int Offset, int Length)> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<int, ushort> _cmap = [];
    private ushort[] _advances = [];

    private TrueTypeFont(byte[] data)
    {
        _data = data;
        ReadDirectory();
        ReadHead();
        ReadHhea();
        ReadMaxp();
        ReadHmtx();
        ReadCmap();
        ReadOs2();
        PostScriptName = ReadPostScriptName() ?? "EmbeddedFont";
    }

    public int UnitsPerEm { get; private set; }
    public short XMin { get; private set; }
    public short YMin { get; private set; }
    public short XMax { get; private set; }
    public short YMax { get; private set; }
    /// <summary>0 = short (offset/2, uint16) loca, 1 = long (uint32).</summary>
    public short IndexToLocFormat { get; private set; }
    public short Ascender { get; private set; }
    public short Descender { get; private set; }
    public short CapHeight { get; private set; }
    public int NumberOfHMetrics { get; private set; }
    public int NumGlyphs { get; private set; }
    public string PostScriptName { get; }

    public ReadOnlySpan<byte> Data => _data;

    public static TrueTypeFont Load(string path) => Parse(File.ReadAllBytes(path));

    public static TrueTypeFont Parse(byte[] data)
    {
        if (data.Length < 12) throw new InvalidDataException("Not a TrueType font: too short.");
        var version = BinaryPrimitives.ReadUInt32BigEndian(data);
        if (version is not (0x00010000 or 0x74727565)) // 1.0 or 'true'; 'OTTO' (CFF outlines) cannot be FontFile2
            throw new InvalidDataException("Not a TrueType (glyf) font.");
        return new TrueTypeFont(data);
    }

    public bool HasTable(string tag) => _tables.ContainsKey(tag);

    public ReadOnlySpan<byte> Table(string tag) =>
        _tables.TryGetValue(tag, out var t) ? _data.AsSpan(t.Offset, t.Length) : throw new InvalidDataException($"The font has no '{tag}' table.");

    /// <summary>Glyph id for a Unicode scalar value; 0 (.notdef) when the font lacks it.</summary>
    public ushort GlyphId(int codePoint) => _cmap.TryGetValue(codePoint, out var gid) ? gid : (ushort)0;

    /// <summary>Advance width in font units (glyphs past numberOfHMetrics repeat the last advance).</summary>
    public int Advance(ushort glyph) => _advances.Length == 0 ? 0 : _advances[Math.Min(glyph, _advances.Length - 1)];

    /// <summary>The byte range of a glyph in <c>glyf</c> from <c>loca</c>.</summary>
    public (int Offset, int Length) GlyphRange(ushort glyph)
    {
        var loca = Table("loca");
        int start, end;
        if (IndexToLocFormat == 0)
        {
            start = BinaryPrimitives.ReadUInt16BigEndian(loca[(glyph * 2)..]) * 2;
            end = BinaryPrimitives.ReadUInt16BigEndian(loca[((glyph + 1) * 2)..]) * 2;
        }
        else
        {
            start = (int)BinaryPrimitives.ReadUInt32BigEndian(loca[(glyph * 4)..]);
            end = (int)BinaryPrimitives.ReadUInt32BigEndian(loca[((glyph + 1) * 4)..]);
        }
        return (start, Math.Max(0, end - start));
    }

    private void ReadDirectory()
    {
        var numTables = BinaryPrimitives.ReadUInt16BigEndian(_data.AsSpan(4));
        for (var i = 0; i < numTables; i++)
        {
            var rec = _data.AsSpan(12 + i * 16, 16);
            var tag = System.Text.Encoding.ASCII.GetString(rec[..4]);
            var offset = (int)BinaryPrimitives.ReadUInt32BigEndian(rec[8..]);
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(rec[12..]);
            if (offset < 0 || length < 0 || offset + length > _data.Length) throw new InvalidDataException($"Table '{tag}' lies outside the file.");
            _tables[tag] = (offset, length);
        }
    }

    private void ReadHead()
    {
        var head = Table("head");
        UnitsPerEm = BinaryPrimitives.ReadUInt16BigEndian(head[18..]);
        XMin = BinaryPrimitives.ReadInt16BigEndian(head[36..]);
        YMin = BinaryPrimitives.ReadInt16BigEndian(head[38..]);
        XMax = BinaryPrimitives.ReadInt16BigEndian(head[40..]);
        YMax = BinaryPrimitives.ReadInt16BigEndian(head[42..]);
        IndexToLocFormat = BinaryPrimitives.ReadInt16BigEndian(head[50..]);
    }

    private void ReadHhea()
    {
        var hhea = Table("hhea");
        Ascender = BinaryPrimitives.ReadInt16BigEndian(hhea[4..]);
        Descender = BinaryPrimitives.ReadInt16BigEndian(hhea[6..]);
        NumberOfHMetrics = BinaryPrimitives.ReadUInt16BigEndian(hhea[34..]);
    }

    private void ReadMaxp() => NumGlyphs = BinaryPrimitives.ReadUInt16BigEndian(Table("maxp")[4..]);

    private void ReadHmtx()
    {
        var hmtx = Table("hmtx");
        _advances = new ushort[NumberOfHMetrics];
        for (var i = 0; i < NumberOfHMetrics; i++) _advances[i] = BinaryPrimitives.ReadUInt16BigEndian(hmtx[(i * 4)..]);
    }

    private void ReadOs2()
    {
        CapHeight = (short)(Ascender * 7 / 10);
        if (!HasTable("OS/2")) return;
        var os2 = Table("OS/2");
        var version = BinaryPrimitives.ReadUInt16BigEndian(os2);
        if (version >= 2 && os2.Length >= 90) CapHeight = BinaryPrimitives.ReadInt16BigEndian(os2[88..]);
    }

    /// <summary>A font program subset for a CIDFontType2 has no cmap (PDF maps CIDs to glyphs); that is not an error.</summary>
    private void ReadCmap()
    {
        if (!HasTable("cmap")) return;
        var cmap = Table("cmap");
        var count = BinaryPrimitives.ReadUInt16BigEndian(cmap[2..]);
        int format4 = -1, format12 = -1;
        for (var i = 0; i < count; i++)
        {
            var rec = cmap[(4 + i * 8)..];
            var platform = BinaryPrimitives.ReadUInt16BigEndian(rec);
            var encoding = BinaryPrimitives.ReadUInt16BigEndian(rec[2..]);
            var offset = (int)BinaryPrimitives.ReadUInt32BigEndian(rec[4..]);
            var format = BinaryPrimitives.ReadUInt16BigEndian(cmap[offset..]);
            if (platform == 3 && encoding == 10 && format == 12) format12 = offset;
            if (platform == 3 && encoding == 1 && format == 4) format4 = offset;
        }
        if (format12 >= 0) ReadFormat12(cmap[format12..]);
        else if (format4 >= 0) ReadFormat4(cmap[format4..]);
        else throw new InvalidDataException("The font has no Unicode cmap (3/1 format 4 or 3/10 format 12).");
    }

    private void ReadFormat4(ReadOnlySpan<byte> t)
    {
        var segCount = BinaryPrimitives.ReadUInt16BigEndian(t[6..]) / 2;
        var ends = 14;
        var starts = ends + segCount * 2 + 2;
        var deltas = starts + segCount * 2;
        var rangeOffsets = deltas + segCount * 2;
        for (var s = 0; s < segCount; s++)
        {
            int end = BinaryPrimitives.ReadUInt16BigEndian(t[(ends + s * 2)..]);
            int start = BinaryPrimitives.ReadUInt16BigEndian(t[(starts + s * 2)..]);
            var delta = BinaryPrimitives.ReadInt16BigEndian(t[(deltas + s * 2)..]);
            int rangeOffset = BinaryPrimitives.ReadUInt16BigEndian(t[(rangeOffsets + s * 2)..]);
            for (var c = start; c <= end && c != 0xFFFF; c++)
            {
                int gid;
                if (rangeOffset == 0) gid = (c + delta) & 0xFFFF;
                else
                {
                    var at = rangeOffsets + s * 2 + rangeOffset + (c - start) * 2;
                    gid = BinaryPrimitives.ReadUInt16BigEndian(t[at..]);
                    if (gid != 0) gid = (gid + delta) & 0xFFFF;
                }
                if (gid != 0) _cmap[c] = (ushort)gid;
            }
        }
    }

    private void ReadFormat12(ReadOnlySpan<byte> t)
    {
        var groups = (int)BinaryPrimitives.ReadUInt32BigEndian(t[12..]);
        for (var g = 0; g < groups; g++)
        {
            var rec = t[(16 + g * 12)..];
            var start = (int)BinaryPrimitives.ReadUInt32BigEndian(rec);
            var end = (int)BinaryPrimitives.ReadUInt32BigEndian(rec[4..]);
            var gid = (int)BinaryPrimitives.ReadUInt32BigEndian(rec[8..]);
            for (var c = start; c <= end && c <= 0x10FFFF; c++) _cmap[c] = (ushort)(gid + c - start);
        }
    }

    /// <summary>PostScript name (name id 6, Windows Unicode or Mac Roman record).</summary>
    private string? ReadPostScriptName()
    {
        if (!HasTable("name")) return null;
        var name = Table("name");
        var count = BinaryPrimitives.ReadUInt16BigEndian(name[2..]);
        var storage = BinaryPrimitives.ReadUInt16BigEndian(name[4..]);
        for (var i = 0; i < count; i++)
        {
            var rec = name[(6 + i * 12)..];
            var platform = BinaryPrimitives.ReadUInt16BigEndian(rec);
            var nameId = BinaryPrimitives.ReadUInt16BigEndian(rec[6..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(rec[8..]);
            var offset = BinaryPrimitives.ReadUInt16BigEndian(rec[10..]);
            if (nameId != 6) continue;
            var bytes = name.Slice(storage + offset, length);
            var text = platform == 3 ? System.Text.Encoding.BigEndianUnicode.GetString(bytes) : System.Text.Encoding.ASCII.GetString(bytes);
            var clean = new string(text.Where(c => c > ' ' && c < '\u007f' && c is not ('/' or '[' or ']' or '(' or ')' or '<' or '>' or '{' or '}' or '%')).ToArray());
            if (clean.Length > 0) return clean;
        }
        return null;
    }
}
