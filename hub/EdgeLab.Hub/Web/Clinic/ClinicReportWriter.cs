using System.Globalization;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Labels;
using EdgeLab.Hub.Labels.Pdf;
using EdgeLab.Hub.Web.Lab;

namespace EdgeLab.Hub.Web.Clinic;

/// <summary>What the clinic's result report shows: one referral, its patient and current results.</summary>
internal sealed record ClinicReport(Referral Referral, Patient Patient, IReadOnlyList<LabResult> Results, string OrderingOrganizationName, string PerformingLabName, DateTimeOffset PrintedAt);

/// <summary>
/// The clinic's result report as an A4 PDF with the hub's own writer (DejaVu Sans embedded: Cyrillic renders and
/// copies), in Russian like the referral slip. Values only once released (<see cref="ClinicResults"/>); flags as words
/// with a symbol, since a report is often printed in black and white.
/// </summary>
internal sealed class ClinicReportWriter(LabelFont font, ITestCatalog catalog)
{
    private const double Mm = PdfLabelWriter.MmToPt;
    private const double Width = 210 * Mm;
    private const double Height = 297 * Mm;
    private const double Margin = 18 * Mm;
    // Columns: test, result, flag, range, measured.
    private static readonly double[] Columns = [Margin, Margin + 62 * Mm, Margin + 98 * Mm, Margin + 128 * Mm, Margin + 152 * Mm];

    public byte[] Write(ClinicReport report)
    {
        var doc = new PdfDocumentBuilder(font.Font, $"Результаты по направлению {report.Referral.Id}");
        var page = doc.AddPage(Width, Height);
        var p = report.Patient;
        var r = report.Referral;
        var y = Height - Margin;
        page.Text(Margin, y -= 16, 16, "Результаты лабораторных исследований");
        page.Text(Margin, y -= 14, 10, $"Направление № {r.Id} от {r.Created.UtcDateTime.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture)}");
        y -= 8;
        Line(page, "Пациент", $"{p.FamilyName} {p.GivenName} {p.MiddleName}".Trim(), ref y);
        Line(page, "Дата рождения", p.BirthDate.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture), ref y);
        Line(page, "Направившая организация", report.OrderingOrganizationName, ref y);
        Line(page, "Врач", r.PractitionerName, ref y);
        Line(page, "Лаборатория", report.PerformingLabName, ref y);
        y -= 10;
        Row(page, ["Исследование", "Результат", "Отметка", "Норма", "Выполнено"], 9, ref y);
        page.Line(Margin, y - 3, Width - Margin, y - 3, 0.4);
        y -= 4;
        foreach (var code in r.TestCodes)
        {
            if (y < Margin + 30) { page = doc.AddPage(Width, Height); y = Height - Margin; }
            var test = catalog.Find(code);
            var name = $"{code} {test?.NameRu ?? test?.Name ?? ""}".Trim();
            var result = report.Results.FirstOrDefault(x => x.CatalogCode == code);
            Row(page, result is null
                ? [name, "нет результата", "", "", ""]
                : [name, Value(result), Flag(result), ResultWords.Range(result), result.EffectiveAt.UtcDateTime.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture)], 10, ref y);
        }
        y -= 16;
        page.TextFit(Margin, y, 8, 6, Width - 2 * Margin, $"Напечатано {report.PrintedAt.UtcDateTime.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture)} UTC. Время — UTC. Значения, ожидающие проверки врачом лаборатории, не приводятся.");
        return doc.Build();
    }

    // The PDF is Russian whatever the page language (like the slip): words fixed here, not UiText.
    private static string Value(LabResult r) => r.Validation switch
    {
        _ when ClinicResults.Shows(r) => $"{ResultWords.Value(r)} {ResultWords.Unit(r)}".TrimEnd(),
        ValidationState.Held => "на проверке",
        ValidationState.RerunRequested => "повтор",
        _ => "отклонён",
    };

    private static string Flag(LabResult r) => !ClinicResults.Shows(r) ? "" : r.Interpretation switch
    {
        InterpretationCodes.Low => "↓ ниже",
        InterpretationCodes.High => "↑ выше",
        InterpretationCodes.CriticalLow => "↓↓ критически низкий",
        InterpretationCodes.CriticalHigh => "↑↑ критически высокий",
        InterpretationCodes.Abnormal => "! отклонение",
        InterpretationCodes.Normal => "норма",
        _ => "",
    };

    private static void Row(PdfCanvas page, string[] cells, double size, ref double y)
    {
        y -= size + 4;
        for (var i = 0; i < cells.Length; i++)
        {
            var right = i + 1 < Columns.Length ? Columns[i + 1] - 2 * Mm : Width - Margin;
            page.TextFit(Columns[i], y, size, 6, right - Columns[i], cells[i]);
        }
    }

    private static void Line(PdfCanvas page, string label, string value, ref double y)
    {
        y -= 14;
        page.Text(Margin, y, 10, label + ":");
        page.TextFit(Margin + 50 * Mm, y, 11, 7, Width - 2 * Margin - 50 * Mm, value);
    }
}
