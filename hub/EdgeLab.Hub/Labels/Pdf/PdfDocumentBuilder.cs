using System.Globalization;

namespace EdgeLab.Hub.Labels.Pdf;

/// <summary>
/// A minimal PDF 1.7 document: a catalog, a page tree, pages of a given size (in points) drawn on
/// <see cref="PdfCanvas"/>es sharing one embedded font, and an Info dictionary.
/// </summary>
internal sealed class PdfDocumentBuilder(TrueTypeFont font, string title)
{
    private readonly PdfFont _font = new(font);
    private readonly List<(double Width, double Height, PdfCanvas Canvas)> _pages = [];

    public PdfCanvas AddPage(double widthPt, double heightPt)
    {
        var canvas = new PdfCanvas(_font);
        _pages.Add((widthPt, heightPt, canvas));
        return canvas;
    }

    public byte[] Build()
    {
        if (_pages.Count == 0) throw new InvalidOperationException("A PDF needs at least one page.");
        var pdf = new PdfWriter();
        var catalog = pdf.Reserve();
        var pageTree = pdf.Reserve();
        var info = pdf.Reserve();
        var pageIds = _pages.Select(_ => (Page: pdf.Reserve(), Content: pdf.Reserve())).ToList();

        // Content first: encoding text records which glyphs the font subset must hold.
        for (var i = 0; i < _pages.Count; i++)
            pdf.Stream(pageIds[i].Content, "", _pages[i].Canvas.ToBytes());
        var fontId = _font.WriteTo(pdf);

        for (var i = 0; i < _pages.Count; i++)
        {
            var (w, h, _) = _pages[i];
            pdf.Object(pageIds[i].Page,
                $"<< /Type /Page /Parent {pageTree} 0 R /MediaBox [0 0 {PdfWriter.Num(w)} {PdfWriter.Num(h)}] " +
                $"/Resources << /Font << /{PdfCanvas.FontResourceName} {fontId} 0 R >> >> /Contents {pageIds[i].Content} 0 R >>");
        }
        pdf.Object(pageTree, $"<< /Type /Pages /Kids [{string.Join(" ", pageIds.Select(p => $"{p.Page} 0 R"))}] /Count {_pages.Count} >>");
        pdf.Object(catalog, $"<< /Type /Catalog /Pages {pageTree} 0 R >>");
        var now = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        pdf.Object(info, $"<< /Title {PdfWriter.TextString(title)} /Producer (EdgeLab hub) /CreationDate (D:{now}Z) >>");
        return pdf.Finish(catalog, info);
    }
}
