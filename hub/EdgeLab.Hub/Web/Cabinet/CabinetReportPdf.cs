using System.Security.Cryptography;
using System.Text;
using EdgeLab.Hub.Labels;
using EdgeLab.Hub.Labels.Pdf;
using EdgeLab.Hub.Web.Documents;
using EdgeLab.Hub.Web.Text;

namespace EdgeLab.Hub.Web.Cabinet;

/// <summary>
/// The patient's report as an A4 PDF with the hub's own writer (DejaVu Sans embedded: Cyrillic renders and copies),
/// always in Russian (the document of record): the results the cabinet shows, with range, flag in words and symbol,
/// status; at the foot a verification id with a QR of <c>/cabinet/verify/{id}</c> and the SHA-256 of the printed
/// result lines, which the hub keeps (<see cref="Store.ICabinetStore.RecordIssuedReportAsync"/>).
/// </summary>
internal sealed class CabinetReportPdf(LabelFont font, CabinetRecords records)
{
    private const double Mm = PdfLabelWriter.MmToPt;
    private const double Width = 210 * Mm;
    private const double Height = 297 * Mm;
    private const double Margin = 16 * Mm;

    /// <summary>16 random bytes as 26 base32 characters: unguessable, so the verification page cannot be walked.</summary>
    public static string NewVerificationId()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var bytes = RandomNumberGenerator.GetBytes(16);
        var sb = new StringBuilder(26);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5) { sb.Append(alphabet[(buffer >> (bits - 5)) & 31]); bits -= 5; }
        }
        if (bits > 0) sb.Append(alphabet[(buffer << (5 - bits)) & 31]);
        return sb.ToString();
    }

    /// <summary>The printed result lines, one per result, whose SHA-256 the hub keeps for the verification page.</summary>
    public IReadOnlyList<string> Lines(CabinetReport report)
    {
        var previous = UiText.Language;
        UiText.Language = "ru";
        try
        {
            return report.Results.Select(r =>
            {
                var test = records.Test(r.CatalogCode);
                var (symbol, words) = CabinetFormat.Flag(r.Interpretation);
                return $"{CabinetFormat.Name(test, r.CatalogCode)}: {CabinetFormat.Value(r, test)} {CabinetFormat.Unit(r)}; норма {CabinetFormat.Range(r, test)}; {symbol} {words}; {CabinetFormat.Status(r.Status)}";
            }).ToList();
        }
        finally
        {
            UiText.Language = previous;
        }
    }

    public static string ContentHash(IReadOnlyList<string> lines) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));

    public byte[] Write(CabinetReport report, string initials, IReadOnlyList<string> lines, string verificationId, string verifyUrl, DateTimeOffset issuedAt)
    {
        var doc = new PdfDocumentBuilder(font.Font, $"Результаты анализов {report.Summary.Id}");
        var page = doc.AddPage(Width, Height);
        var y = Height - Margin;
        page.Text(Margin, y -= 16, 16, "Результаты лабораторных исследований");
        page.TextFit(Margin, y -= 16, 11, 7, Width - 2 * Margin, $"{report.LabName}, {CabinetFormat.Day(report.Summary.Issued)}; пациент {initials}");
        page.TextFit(Margin, y -= 14, 10, 7, Width - 2 * Margin, $"Отчёт {report.Summary.Id}; выдан {issuedAt.UtcDateTime:dd.MM.yyyy HH:mm} UTC");
        page.Line(Margin, y -= 8, Width - Margin, y, 0.4);
        var foot = Margin + 42 * Mm;
        foreach (var line in lines)
        {
            if (y - 14 < foot)
            {
                page = doc.AddPage(Width, Height);
                y = Height - Margin;
            }
            page.TextFit(Margin, y -= 14, 10, 6, Width - 2 * Margin, line);
        }
        if (report.WithheldCount > 0)
            page.TextFit(Margin, y -= 18, 9, 6, Width - 2 * Margin, $"Ещё {report.WithheldCount} результат(ов) будут доступны после беседы с лечащим врачом.");

        page.Line(Margin, foot + 4 * Mm, Width - Margin, foot + 4 * Mm, 0.4);
        page.Text(Margin, foot - 4, 11, "Проверка подлинности");
        page.TextFit(Margin, foot - 20, 9, 6, 120 * Mm, verifyUrl);
        page.TextFit(Margin, foot - 34, 8, 5, 120 * Mm, $"Код проверки: {verificationId}");
        page.TextFit(Margin, foot - 46, 8, 5, 120 * Mm, $"SHA-256 строк результатов: {ContentHash(lines)}");
        page.TextFit(Margin, foot - 58, 8, 5, 120 * Mm, "Страница проверки покажет лабораторию, дату, число результатов и инициалы.");
        ReferralSlipWriter.DrawQr(page, verifyUrl, Width - Margin - 36 * Mm, Margin, 36 * Mm);
        return doc.Build();
    }
}
