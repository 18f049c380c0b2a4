using System.Buffers.Binary;

namespace EdgeLab.Hub.Labels.Pdf;

/// <summary>
/// Builds a smaller TrueType file holding only the glyphs a document uses, keeping glyph ids unchanged (other glyphs
/// become empty), so the PDF can map CID = GID (<c>/CIDToGIDMap /Identity</c>). Keeps exactly the tables PDF 1.7
/// §9.9 (Table 126 note) requires for a FontFile2 of a CIDFontType2: head, hhea, loca, maxp, cvt, prep, glyf, hmtx,
/// fpgm. Composite glyphs pull in their components. loca is rewritten in the long format.
/// </summary>
internal static class TrueTypeSubsetter
{
    private static readonly string[] Keep = ["cvt ", "fpgm", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "prep"];

    public static byte[] Subset(TrueTypeFont font, IEnumerable<ushort> glyphs)
    {
        var used = new SortedSet<ushort> { 0 };
        var pending = new Stack<ushort>(glyphs);
        var glyf = font.Table("glyf");
        while (pending.Count > 0)
        {
            var g = pending.Pop();
            if (g >= font.NumGlyphs || !used.Add(g)) continue;
            foreach (var component in Components(glyf, font.GlyphRange(g))) pending.Push(component);
        }

        // New glyf and long loca: glyph data for used glyphs, 4-byte aligned; zero length for the rest.
        using var newGlyf = new MemoryStream();
        var loca = new byte[(font.NumGlyphs + 1) * 4];
        for (ushort g = 0; g < font.NumGlyphs; g++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(loca.AsSpan(g * 4), (uint)newGlyf.Length);
            if (!used.Contains(g)) continue;
            var (offset, length) = font.GlyphRange(g);
            newGlyf.Write(glyf.Slice(offset, length));
            while (newGlyf.Length % 4 != 0) newGlyf.WriteByte(0);
        }
        BinaryPrimitives.WriteUInt32BigEndian(loca.AsSpan(font.NumGlyphs * 4), (uint)newGlyf.Length);

        var head = font.Table("head").ToArray();
        BinaryPrimitives.WriteInt16BigEndian(head.AsSpan(50), 1); // indexToLocFormat = long
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(8), 0); // checkSumAdjustment, set below

        var tables = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var tag in Keep)
        {
            if (tag == "glyf") tables[tag] = newGlyf.ToArray();
            else if (tag == "loca") tables[tag] = loca;
            else if (tag == "head") tables[tag] = head;
            else if (font.HasTable(tag)) tables[tag] = font.Table(tag).ToArray();
        }
        return Assemble(tables);
    }

    /// <summary>Component glyph ids of a composite glyph (numberOfContours &lt; 0), per the 'glyf' table spec.</summary>
    private static IEnumerable<ushort> Components(ReadOnlySpan<byte> glyf, (int Offset, int Length) range)
    {
        if (range.Length < 10) return [];
        var glyph = glyf.Slice(range.Offset, range.Length);
        if (BinaryPrimitives.ReadInt16BigEndian(glyph) >= 0) return [];
        var result = new List<ushort>();
        var at = 10;
        while (at + 4 <= glyph.Length)
        {
            var flags = BinaryPrimitives.ReadUInt16BigEndian(glyph[at..]);
            result.Add(BinaryPrimitives.ReadUInt16BigEndian(glyph[(at + 2)..]));
            at += 4;
            at += (flags & 0x0001) != 0 ? 4 : 2;  // ARG_1_AND_2_ARE_WORDS
            if ((flags & 0x0008) != 0) at += 2;     // WE_HAVE_A_SCALE
            else if ((flags & 0x0040) != 0) at += 4; // WE_HAVE_AN_X_AND_Y_SCALE
            else if ((flags & 0x0080) != 0) at += 8; // WE_HAVE_A_TWO_BY_TWO
            if ((flags & 0x0020) == 0) break;       // MORE_COMPONENTS
        }
        return result;
    }

    /// <summary>Offset table + table records (sorted by tag, checksummed) + 4-byte aligned tables; then head.checkSumAdjustment.</summary>
    private static byte[] Assemble(SortedDictionary<string, byte[]> tables)
    {
        var count = tables.Count;
        var entrySelector = (int)Math.Floor(Math.Log2(count));
        var searchRange = (1 << entrySelector) * 16;
        var headerLength = 12 + count * 16;
        var total = headerLength + tables.Values.Sum(t => (t.Length + 3) & ~3);
        var file = new byte[total];
        var span = file.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, 0x00010000);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], (ushort)count);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], (ushort)searchRange);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], (ushort)entrySelector);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], (ushort)(count * 16 - searchRange));
        var offset = headerLength;
        var record = 12;
        var headOffset = 0;
        foreach (var (tag, data) in tables)
        {
            System.Text.Encoding.ASCII.GetBytes(tag, span[record..]);
            BinaryPrimitives.WriteUInt32BigEndian(span[(record + 4)..], Checksum(data));
            BinaryPrimitives.WriteUInt32BigEndian(span[(record + 8)..], (uint)offset);
            BinaryPrimitives.WriteUInt32BigEndian(span[(record + 12)..], (uint)data.Length);
            data.CopyTo(span[offset..]);
            if (tag == "head") headOffset = offset;
            offset += (data.Length + 3) & ~3;
            record += 16;
        }
        BinaryPrimitives.WriteUInt32BigEndian(span[(headOffset + 8)..], unchecked(0xB1B0AFBA - Checksum(file)));
        return file;
    }

    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        var i = 0;
        for (; i + 4 <= data.Length; i += 4) sum = unchecked(sum + BinaryPrimitives.ReadUInt32BigEndian(data[i..]));
        if (i < data.Length)
        {
            Span<byte> tail = stackalloc byte[4];
            data[i..].CopyTo(tail);
            sum = unchecked(sum + BinaryPrimitives.ReadUInt32BigEndian(tail));
        }
        return sum;
    }
}
