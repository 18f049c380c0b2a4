using System.Text;

namespace EdgeLab.Hub.Labels.Pdf;

/// <summary>
/// Builds one page's content stream (ISO 32000-1 §8, §9.4) in points from the bottom-left corner:
/// filled rectangles (<c>re f</c>), stroked lines (<c>m l S</c>) and text with the embedded font (<c>BT Tf Td Tj ET</c>).
/// </summary>
internal sealed class PdfCanvas(PdfFont font)
{
    public const string FontResourceName = "F1";
    private readonly StringBuilder _ops = new();

    public PdfFont Font => font;

    public PdfCanvas Rectangle(double x, double y, double width, double height)
    {
        _ops.Append(PdfWriter.Num(x)).Append(' ').Append(PdfWriter.Num(y)).Append(' ')
            .Append(PdfWriter.Num(width)).Append(' ').Append(PdfWriter.Num(height)).Append(" re f\n");
        return this;
    }

    public PdfCanvas Line(double x1, double y1, double x2, double y2, double lineWidth = 0.5)
    {
        _ops.Append(PdfWriter.Num(lineWidth)).Append(" w ")
            .Append(PdfWriter.Num(x1)).Append(' ').Append(PdfWriter.Num(y1)).Append(" m ")
            .Append(PdfWriter.Num(x2)).Append(' ').Append(PdfWriter.Num(y2)).Append(" l S\n");
        return this;
    }

    /// <summary>Text with its baseline starting at (x, y).</summary>
    public PdfCanvas Text(double x, double y, double size, string text)
    {
        _ops.Append("BT /").Append(FontResourceName).Append(' ').Append(PdfWriter.Num(size)).Append(" Tf ")
            .Append(PdfWriter.Num(x)).Append(' ').Append(PdfWriter.Num(y)).Append(" Td ")
            .Append(font.Encode(text)).Append(" Tj ET\n");
        return this;
    }

    /// <summary>Text shrunk (down to <paramref name="minSize"/>) and then cut with an ellipsis to fit <paramref name="maxWidth"/>.</summary>
    public PdfCanvas TextFit(double x, double y, double size, double minSize, double maxWidth, string text)
    {
        var s = size;
        while (s > minSize && font.Width(text, s) > maxWidth) s -= 0.25;
        var t = text;
        while (t.Length > 1 && font.Width(t, s) > maxWidth) t = t[..^2] + "…";
        return Text(x, y, s, t);
    }

    public byte[] ToBytes() => Encoding.ASCII.GetBytes(_ops.ToString());
}
