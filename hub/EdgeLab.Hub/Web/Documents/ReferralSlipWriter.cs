using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Labels;
using EdgeLab.Hub.Labels.Pdf;
using QRCoder;

namespace EdgeLab.Hub.Web.Documents;

/// <summary>What a referral slip shows.</summary>
internal sealed record ReferralSlip(Referral Referral, Patient Patient, IReadOnlyList<Specimen> Specimens, string OrderingOrganizationName, string PerformingLabName, string AccessCode, string CabinetUrl);

/// <summary>
/// The referral slip as an A4 PDF with the hub's own writer (DejaVu Sans embedded, so Cyrillic renders and copies):
/// the referral, the patient, the tests, each tube's barcode (Code 128, as on the label), and the patient's cabinet
/// access code with a QR code of the cabinet address. The QR modules are drawn as filled squares (ISO/IEC 18004,
/// error correction M, 4-module quiet zone) — no image format needed in the PDF writer.
/// </summary>
internal sealed class ReferralSlipWriter(LabelFont font, ITestCatalog catalog)
{
    private const double Mm = PdfLabelWriter.MmToPt;
    private const double Width = 210 * Mm;
    private const double Height = 297 * Mm;
    private const double Margin = 18 * Mm;

    public byte[] Write(ReferralSlip slip)
    {
        var doc = new PdfDocumentBuilder(font.Font, $"Направление {slip.Referral.Id}");
        var page = doc.AddPage(Width, Height);
        var p = slip.Patient;
        var r = slip.Referral;
        var y = Height - Margin;
        page.Text(Margin, y -= 16, 16, "Направление на лабораторное исследование");
        page.Text(Margin, y -= 14, 10, $"№ {r.Id}   от {r.Created.UtcDateTime:dd.MM.yyyy}   {(r.Priority == "stat" ? "CITO (срочно)" : "планово")}");
        y -= 10;
        Line(page, "Пациент", $"{p.FamilyName} {p.GivenName} {p.MiddleName}".Trim(), ref y);
        Line(page, "Дата рождения", p.BirthDate.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture), ref y);
        Line(page, "Пол", p.Sex switch { Sex.Male => "мужской", Sex.Female => "женский", _ => "не указан" }, ref y);
        if (p.Snils is { } snils) Line(page, "СНИЛС", $"{snils[..3]}-{snils[3..6]}-{snils[6..9]} {snils[9..]}", ref y);
        if (p.OmsPolicy is { } oms) Line(page, "Полис ОМС", oms, ref y);
        Line(page, "Направившая организация", slip.OrderingOrganizationName, ref y);
        Line(page, "Врач", r.PractitionerName, ref y);
        Line(page, "Лаборатория", slip.PerformingLabName, ref y);

        y -= 8;
        page.Text(Margin, y -= 13, 12, "Исследования");
        foreach (var code in r.TestCodes)
        {
            var test = catalog.Find(code);
            page.TextFit(Margin + 4 * Mm, y -= 13, 10, 7, Width - 2 * Margin, $"{code} — {test?.NameRu ?? test?.Name ?? code}");
        }

        y -= 8;
        page.Text(Margin, y -= 13, 12, "Пробирки");
        foreach (var s in slip.Specimens)
        {
            y -= 4;
            var symbols = Code128.Encode(s.Id);
            const double module = 0.33 * Mm;
            const double barHeight = 10 * Mm;
            y -= barHeight;
            foreach (var (start, width) in symbols.Bars()) page.Rectangle(Margin + 4 * Mm + start * module, y, width * module, barHeight);
            page.Text(Margin + 4 * Mm + symbols.Modules * module + 6 * Mm, y + 4 * Mm, 10, $"{s.Id}   {s.Type}: {string.Join(" ", s.TestCodes)}");
            y -= 4;
        }

        // The patient's part: the cabinet access code and its QR, at the foot of the page (cut off along the line).
        var foot = Margin + 45 * Mm;
        page.Line(Margin, foot + 6 * Mm, Width - Margin, foot + 6 * Mm, 0.4);
        page.Text(Margin, foot, 12, "Результаты — в личном кабинете пациента");
        page.Text(Margin, foot - 16, 10, "Код доступа:");
        page.Text(Margin, foot - 34, 18, slip.AccessCode);
        page.TextFit(Margin, foot - 52, 9, 6, 110 * Mm, slip.CabinetUrl);
        page.TextFit(Margin, foot - 66, 9, 6, 110 * Mm, $"Для входа нужны код и дата рождения пациента. Код действует до {(r.Created + CabinetAccessCode.Lifetime).UtcDateTime:dd.MM.yyyy}.");
        // The QR carries the code so a phone opens the cabinet with it filled in; the birth date is still asked
        // (Hosting/RequestLog logs route templates, never query strings).
        DrawQr(page, $"{slip.CabinetUrl}?code={slip.AccessCode}", Width - Margin - 40 * Mm, Margin, 40 * Mm);
        return doc.Build();
    }

    private static void Line(PdfCanvas page, string label, string value, ref double y)
    {
        y -= 14;
        page.Text(Margin, y, 10, label + ":");
        page.TextFit(Margin + 50 * Mm, y, 11, 7, Width - 2 * Margin - 50 * Mm, value);
    }

    /// <summary>Also the cabinet's PDF report's verification QR (Web/Cabinet/CabinetReportPdf).</summary>
    internal static void DrawQr(PdfCanvas page, string text, double x, double y, double size)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var module = size / matrix.Count;
        for (var row = 0; row < matrix.Count; row++)
        {
            for (var col = 0; col < matrix[row].Count; col++)
            {
                if (matrix[row][col]) page.Rectangle(x + col * module, y + size - (row + 1) * module, module, module);
            }
        }
    }
}
