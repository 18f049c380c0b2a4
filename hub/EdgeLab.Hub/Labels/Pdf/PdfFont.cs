using System.Globalization;
using System.Text;

namespace EdgeLab.Hub.Labels.Pdf;

/// <summary>
/// An embedded TrueType font used as a composite font (ISO 32000-1 §9.7): Type0 with <c>/Encoding /Identity-H</c>
/// over a CIDFontType2 whose CIDs are glyph ids (<c>/CIDToGIDMap /Identity</c>), widths in <c>/W</c>, the font
/// program subset into <c>/FontFile2</c> (§9.9), and a <c>/ToUnicode</c> CMap (§9.10.3) so text copies and
/// searches as the original Unicode — Cyrillic included.
/// </summary>
internal sealed class PdfFont(TrueTypeFont font)
{
    private readonly Dictionary<ushort, int> _used = []; // glyph → code point (first seen)

    public TrueTypeFont Font => font;

    /// <summary>The glyph ids of <paramref name="text"/> as a PDF hex string for Tj, recording them for embedding.</summary>
    public string Encode(string text)
    {
        var sb = new StringBuilder("<");
        foreach (var rune in text.EnumerateRunes())
        {
            var gid = font.GlyphId(rune.Value);
            _used.TryAdd(gid, rune.Value);
            sb.Append(gid.ToString("X4", CultureInfo.InvariantCulture));
        }
        return sb.Append('>').ToString();
    }

    /// <summary>Width of <paramref name="text"/> in points at <paramref name="size"/>.</summary>
    public double Width(string text, double size) =>
        text.EnumerateRunes().Sum(r => font.Advance(font.GlyphId(r.Value))) * size / font.UnitsPerEm;

    /// <summary>Writes the font objects; returns the Type0 font's object id.</summary>
    public int WriteTo(PdfWriter pdf)
    {
        var type0 = pdf.Reserve();
        var cidFont = pdf.Reserve();
        var descriptor = pdf.Reserve();
        var fontFile = pdf.Reserve();
        var toUnicode = pdf.Reserve();
        var glyphs = _used.Keys.Order().ToList();
        // Subset tag (§9.6.4): six upper-case letters derived from the glyph set, then '+'.
        var tag = new string(Enumerable.Range(0, 6).Select(i => (char)('A' + (int)((uint)(glyphs.Aggregate(17, (h, g) => h * 31 + g) >> (i * 4)) % 26))).ToArray());
        var name = $"{tag}+{font.PostScriptName}";
        double Scale(double v) => v * 1000.0 / font.UnitsPerEm;

        pdf.Object(type0, $"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H /DescendantFonts [{cidFont} 0 R] /ToUnicode {toUnicode} 0 R >>");
        var widths = string.Join(" ", glyphs.Select(g => $"{g} [{PdfWriter.Num(Scale(font.Advance(g)))}]"));
        pdf.Object(cidFont,
            $"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> " +
            $"/FontDescriptor {descriptor} 0 R /DW 1000 /W [{widths}] /CIDToGIDMap /Identity >>");
        pdf.Object(descriptor,
            $"<< /Type /FontDescriptor /FontName /{name} /Flags 32 " +
            $"/FontBBox [{PdfWriter.Num(Scale(font.XMin))} {PdfWriter.Num(Scale(font.YMin))} {PdfWriter.Num(Scale(font.XMax))} {PdfWriter.Num(Scale(font.YMax))}] " +
            $"/ItalicAngle 0 /Ascent {PdfWriter.Num(Scale(font.Ascender))} /Descent {PdfWriter.Num(Scale(font.Descender))} " +
            $"/CapHeight {PdfWriter.Num(Scale(font.CapHeight))} /StemV 80 /FontFile2 {fontFile} 0 R >>");
        var program = TrueTypeSubsetter.Subset(font, glyphs);
        pdf.Stream(fontFile, $" /Length1 {program.Length}", program);
        pdf.Stream(toUnicode, "", Encoding.ASCII.GetBytes(ToUnicodeCMap()));
        return type0;
    }

    /// <summary>A ToUnicode CMap (Adobe TN 5411): 2-byte codespace, bfchar glyph → UTF-16BE, ≤ 100 entries per block.</summary>
    private string ToUnicodeCMap()
    {
        var sb = new StringBuilder();
        sb.Append("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n");
        sb.Append("/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n");
        sb.Append("/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n");
        sb.Append("1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
        var pairs = _used.Where(p => p.Key != 0).OrderBy(p => p.Key).ToList();
        foreach (var chunk in pairs.Chunk(100))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{chunk.Length} beginbfchar\n");
            foreach (var (gid, cp) in chunk)
                sb.Append(CultureInfo.InvariantCulture, $"<{gid:X4}> <{Convert.ToHexString(Encoding.BigEndianUnicode.GetBytes(char.ConvertFromUtf32(cp)))}>\n");
            sb.Append("endbfchar\n");
        }
        sb.Append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        return sb.ToString();
    }
}
