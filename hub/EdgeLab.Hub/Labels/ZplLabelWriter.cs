using System.Globalization;
using System.Text;

namespace EdgeLab.Hub.Labels;

/// <summary>
/// A tube label in ZPL II for Zebra printers at 203 dpi (8 dots/mm), 50 × 25 mm (400 × 200 dots).
/// <c>^CI28</c> selects UTF-8 so Cyrillic names print; text uses the printer's Unicode-capable scalable font
/// <c>E:TT0003M_.TTF</c> (Swiss 721, resident on Zebra printers) via <c>^CW</c>. The barcode is <c>^BC</c>
/// (Code 128) with mode <c>A</c> (automatic subset selection: C for digit pairs). Field data goes through
/// <c>^FH</c> so a <c>^</c> or <c>~</c> in a name cannot inject commands.
/// </summary>
internal static class ZplLabelWriter
{
    public const int Dpi = 203;
    public const int WidthDots = 400;
    public const int HeightDots = 200;

    public static string Write(TubeLabel label, int copies = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(copies, 1);
        var z = new StringBuilder();
        z.Append("^XA\n");
        z.Append("^CI28\n");                                  // UTF-8 field data
        z.Append("^CW1,E:TT0003M_.TTF\n");                    // font 1 = Swiss 721 Unicode
        z.Append(CultureInfo.InvariantCulture, $"^PW{WidthDots}\n^LL{HeightDots}\n^LH0,0\n");
        Text(z, 16, 10, 26, label.PatientName, maxChars: 30);
        Text(z, 16, 40, 22, $"{label.BirthDateText} {label.Sex}".TrimEnd() + (label.Stat ? "  CITO" : ""), 30);
        // ^BY2: 2-dot module; ^BCN,70,Y,N,N,A: height 70 dots, human-readable line below, auto subsets.
        z.Append("^FO16,66^BY2^BCN,70,Y,N,N,A^FH_^FD").Append(Escape(label.Barcode)).Append("^FS\n");
        Text(z, 16, 166, 20, $"{label.SpecimenType}: {label.TestsLine(34)}", 44);
        z.Append(CultureInfo.InvariantCulture, $"^PQ{copies}\n");
        z.Append("^XZ\n");
        return z.ToString();
    }

    private static void Text(StringBuilder z, int x, int y, int height, string text, int maxChars)
    {
        var cut = text.Length <= maxChars ? text : text[..(maxChars - 1)] + "…";
        z.Append(CultureInfo.InvariantCulture, $"^FO{x},{y}^A1N,{height},{height}^FH_^FD").Append(Escape(cut)).Append("^FS\n");
    }

    /// <summary>^FH_ hex escapes for the characters ZPL treats as commands (^ ~) and for the escape itself.</summary>
    internal static string Escape(string text) =>
        text.Replace("_", "_5F", StringComparison.Ordinal)
            .Replace("^", "_5E", StringComparison.Ordinal)
            .Replace("~", "_7E", StringComparison.Ordinal)
            .Replace("\r", " ", StringComparison.Ordinal)
            .Replace("\n", " ", StringComparison.Ordinal);
}
