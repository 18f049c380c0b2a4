using EdgeLab.Hub.Labels.Pdf;

namespace EdgeLab.Hub.Labels;

/// <summary>
/// A tube label as PDF, one 50 × 25 mm page per label: patient name and birth date, the Code 128 barcode drawn as
/// filled rectangles (module 0.25 mm, quiet zones ≥ 10 modules), its digits, and the tube type and tests. Text uses
/// DejaVu Sans (embedded subset) so Cyrillic renders and copies. Print at 100 % scale.
/// </summary>
internal sealed class PdfLabelWriter(LabelFont font)
{
    public const double MmToPt = 72.0 / 25.4;
    public const double WidthMm = 50;
    public const double HeightMm = 25;

    public byte[] Write(IReadOnlyList<TubeLabel> labels)
    {
        if (labels.Count == 0) throw new ArgumentException("No labels to write.", nameof(labels));
        var doc = new PdfDocumentBuilder(font.Font, labels.Count == 1 ? $"Label {labels[0].Barcode}" : "Labels");
        foreach (var label in labels) Draw(doc.AddPage(WidthMm * MmToPt, HeightMm * MmToPt), label);
        return doc.Build();
    }

    private static void Draw(PdfCanvas page, TubeLabel label)
    {
        var w = WidthMm * MmToPt;
        var h = HeightMm * MmToPt;
        const double margin = 2 * MmToPt;
        var textWidth = w - 2 * margin;

        page.TextFit(margin, h - margin - 6.5, 7.5, 5.5, textWidth, label.PatientName);
        var second = $"{label.BirthDateText} {label.Sex}".TrimEnd() + (label.Stat ? "   CITO" : "");
        page.Text(margin, h - margin - 13.5, 6.5, second);

        // Barcode: fit the symbol plus quiet zones into the label width, module ≥ 0.19 mm (scanner minimum).
        var symbols = Code128.Encode(label.Barcode);
        var totalModules = symbols.Modules + 2 * Code128.QuietZoneModules;
        var module = Math.Min(0.33 * MmToPt, w / totalModules);
        var barHeight = 8 * MmToPt;
        var x0 = (w - symbols.Modules * module) / 2;
        var y0 = h - margin - 15.5 - barHeight;
        foreach (var (start, width) in symbols.Bars()) page.Rectangle(x0 + start * module, y0, width * module, barHeight);
        var digitsWidth = page.Font.Width(label.Barcode, 6.5);
        page.Text((w - digitsWidth) / 2, y0 - 7, 6.5, label.Barcode);

        page.Line(margin, y0 - 9, w - margin, y0 - 9, 0.3);
        page.TextFit(margin, margin, 6, 4.5, textWidth, $"{label.SpecimenType}: {string.Join(" ", label.Tests)}");
    }
}

/// <summary>The label font (DejaVu Sans, from Debian's fonts-dejavu-core), loaded once.</summary>
internal sealed class LabelFont
{
    public const string DefaultPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    private readonly Lazy<TrueTypeFont> _font;

    public LabelFont(string? path = null)
    {
        Path = string.IsNullOrWhiteSpace(path) ? DefaultPath : path;
        _font = new Lazy<TrueTypeFont>(() => File.Exists(Path)
            ? TrueTypeFont.Load(Path)
            : throw new FileNotFoundException($"The label font is missing: install fonts-dejavu-core or set Labels:FontPath (looked at {Path}).", Path));
    }

    public string Path { get; }

    public bool Available => File.Exists(Path);

    public TrueTypeFont Font => _font.Value;
}
