using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using EdgeLab.Hub.Labels;
using EdgeLab.Hub.Labels.Pdf;

namespace EdgeLab.Hub.Tests.Labels;

public sealed class PdfLabelWriterTests
{
    private static readonly LabelFont Font = new();

    private static byte[] Write(params TubeLabel[] labels) => new PdfLabelWriter(Font).Write(labels);

    [Fact]
    public void Xref_offsets_point_at_their_objects()
    {
        Assert.True(Font.Available, "fonts-dejavu-core must be installed (/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf)");
        var pdf = Write(ZplLabelWriterTests.Sample());
        var text = Encoding.Latin1.GetString(pdf);
        Assert.StartsWith("%PDF-1.7\n", text, StringComparison.Ordinal);
        Assert.EndsWith("%%EOF\n", text, StringComparison.Ordinal);

        var startxref = long.Parse(Regex.Match(text, @"startxref\n(\d+)\n%%EOF\n$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith("xref\n0 ", text[(int)startxref..], StringComparison.Ordinal);
        var header = Regex.Match(text[(int)startxref..], @"^xref\n0 (\d+)\n");
        var count = int.Parse(header.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var entries = (int)startxref + header.Length;
        Assert.Equal("0000000000 65535 f\r\n", text.Substring(entries, 20));
        for (var id = 1; id < count; id++)
        {
            var entry = text.Substring(entries + id * 20, 20);
            Assert.Matches(@"^\d{10} 00000 n\r\n$", entry);
            var offset = int.Parse(entry[..10], System.Globalization.CultureInfo.InvariantCulture);
            Assert.StartsWith($"{id} 0 obj\n", text[offset..], StringComparison.Ordinal);
        }
        Assert.Contains($"/Size {count}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Font_is_embedded_as_identity_h_with_to_unicode_and_a_parsable_subset()
    {
        var pdf = Write(ZplLabelWriterTests.Sample());
        var text = Encoding.Latin1.GetString(pdf);
        Assert.Contains("/Subtype /Type0", text, StringComparison.Ordinal);
        Assert.Contains("/Encoding /Identity-H", text, StringComparison.Ordinal);
        Assert.Contains("/CIDToGIDMap /Identity", text, StringComparison.Ordinal);
        Assert.Matches(@"/BaseFont /[A-Z]{6}\+DejaVuSans ", text);
        Assert.Contains("/ToUnicode ", text, StringComparison.Ordinal);

        var fontFile = Regex.Match(text, @"/FontFile2 (\d+) 0 R").Groups[1].Value;
        var program = StreamOf(pdf, text, int.Parse(fontFile, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(program.Length < 100_000, $"subset is {program.Length} bytes; the whole DejaVuSans is ~750 KB");
        var subset = TrueTypeFont.Parse(program);
        var original = Font.Font;
        var zhe = original.GlyphId('Ж');
        Assert.NotEqual(0, zhe);
        Assert.True(subset.GlyphRange(zhe).Length > 0, "the glyph for Ж is kept");
        Assert.Equal(0, subset.GlyphRange(original.GlyphId('Q')).Length); // Q is not on the label

        var cmapId = Regex.Match(text, @"/ToUnicode (\d+) 0 R").Groups[1].Value;
        var cmap = Encoding.ASCII.GetString(StreamOf(pdf, text, int.Parse(cmapId, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains($"<{zhe:X4}> <0416>", cmap, StringComparison.Ordinal); // Ж = U+0416
    }

    [Fact]
    public void Barcode_is_drawn_as_one_rectangle_per_bar()
    {
        var pdf = Write(ZplLabelWriterTests.Sample());
        var text = Encoding.Latin1.GetString(pdf);
        var contentId = Regex.Match(text, @"/Contents (\d+) 0 R").Groups[1].Value;
        var content = Encoding.ASCII.GetString(StreamOf(pdf, text, int.Parse(contentId, System.Globalization.CultureInfo.InvariantCulture)));
        var bars = Code128.Encode("20260001234").Bars().Count();
        Assert.Equal(bars, Regex.Count(content, @" re f\n"));
        Assert.Contains(" Tj ET", content, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_labels_make_several_pages()
    {
        var text = Encoding.Latin1.GetString(Write(ZplLabelWriterTests.Sample(), ZplLabelWriterTests.Sample("ПЕТРОВ Пётр")));
        Assert.Contains("/Count 2", text, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(text, @"/Type /Page "));
    }

    [Fact]
    public void Poppler_renders_and_extracts_cyrillic_text()
    {
        if (!File.Exists("/usr/bin/pdftoppm") || !File.Exists("/usr/bin/pdftotext")) return; // poppler-utils not installed: structure tests above still ran
        var dir = Directory.CreateTempSubdirectory("edgelab-label-");
        try
        {
            var path = Path.Combine(dir.FullName, "label.pdf");
            File.WriteAllBytes(path, Write(ZplLabelWriterTests.Sample()));
            var (code, _, err) = Run("/usr/bin/pdftoppm", "-r", "150", "-png", path, Path.Combine(dir.FullName, "page"));
            Assert.True(code == 0, err);
            var png = Directory.GetFiles(dir.FullName, "page*.png").Single();
            Assert.True(new FileInfo(png).Length > 1000);
            if (Environment.GetEnvironmentVariable("EDGELAB_KEEP_LABEL_PNG") is { Length: > 0 } keep) File.Copy(png, keep, overwrite: true);
            Assert.DoesNotContain("Error", err, StringComparison.OrdinalIgnoreCase);

            var (textCode, extracted, textErr) = Run("/usr/bin/pdftotext", "-enc", "UTF-8", path, "-");
            Assert.True(textCode == 0, textErr);
            Assert.Contains("ИВАНОВА Мария Петровна", extracted, StringComparison.Ordinal);
            Assert.Contains("20260001234", extracted, StringComparison.Ordinal);
            Assert.Contains("14.03.1980", extracted, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    internal static byte[] StreamOf(byte[] pdf, string text, int id)
    {
        var match = Regex.Match(text, $@"(?m)^{id} 0 obj\n<<(.*?)/Length (\d+)>>\nstream\n", RegexOptions.Singleline);
        Assert.True(match.Success, $"object {id} is a stream");
        var start = match.Index + match.Length;
        var length = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        var data = pdf.AsSpan(start, length).ToArray();
        if (!match.Groups[1].Value.Contains("/FlateDecode", StringComparison.Ordinal)) return data;
        using var z = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        z.CopyTo(output);
        return output.ToArray();
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(30_000), $"{file} timed out");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
