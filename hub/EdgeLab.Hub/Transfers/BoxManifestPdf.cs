using System.Globalization;
using EdgeLab.Hub.Labels;
using EdgeLab.Hub.Labels.Pdf;

namespace EdgeLab.Hub.Transfers;

/// <summary>
/// The box manifest on A4 with the hub's own PDF writer (DejaVu Sans embedded: Cyrillic renders and copies), in Russian:
/// the box barcode as Code 128 (scanned at receipt), temperature class, sender and receiver, then one line per tube —
/// barcode, aliquot's parent, specimen type, initials and birth year, tests. Printed and packed with the box.
/// </summary>
internal sealed class BoxManifestPdf(LabelFont font)
{
    private const double Mm = PdfLabelWriter.MmToPt;
    private const double Width = 210 * Mm;
    private const double Height = 297 * Mm;
    private const double Margin = 16 * Mm;

    public byte[] Write(BoxManifest manifest, DateTimeOffset printedAt)
    {
        var doc = new PdfDocumentBuilder(font.Font, $"Сопроводительный лист {manifest.Barcode}");
        var page = doc.AddPage(Width, Height);
        var y = Height - Margin;
        page.Text(Margin, y -= 16, 16, "Сопроводительный лист контейнера");
        var symbols = Code128.Encode(manifest.Barcode);
        const double module = 0.33 * Mm;
        const double barHeight = 12 * Mm;
        y -= barHeight + 6;
        foreach (var (start, width) in symbols.Bars()) page.Rectangle(Margin + start * module, y, width * module, barHeight);
        page.Text(Margin + symbols.Modules * module + 6 * Mm, y + 4 * Mm, 12, manifest.Barcode);
        var lines = new[]
        {
            $"Температурный режим: {Temperature(manifest.Temperature)}; пробирок {manifest.Tubes.Count} из {manifest.Capacity}",
            $"Отправитель: {manifest.FromLabName} ({manifest.FromLabId})",
            $"Получатель: {manifest.ToLabName} ({manifest.ToLabId})",
            manifest.DispatchedAt is { } sent ? $"Отправлен: {sent.UtcDateTime.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture)} UTC" : "Не отправлен",
        };
        foreach (var line in lines) page.TextFit(Margin, y -= 15, 11, 7, Width - 2 * Margin, line);
        page.Line(Margin, y -= 8, Width - Margin, y, 0.4);
        page.Text(Margin, y -= 14, 9, "Штрихкод · из пробирки · материал · инициалы, год рождения · исследования");
        foreach (var tube in manifest.Tubes)
        {
            if (y - 14 < Margin)
            {
                page = doc.AddPage(Width, Height);
                y = Height - Margin;
            }
            var parent = tube.ParentBarcode is { } p ? $" (аликвота из {p})" : "";
            var tests = string.Join(", ", tube.Tests.Select(t => t.Code));
            page.TextFit(Margin, y -= 14, 10, 6, Width - 2 * Margin,
                $"{tube.Barcode}{parent} · {tube.SpecimenType} · {tube.Initials} {tube.BirthYear.ToString(CultureInfo.InvariantCulture)} · {tests}");
        }
        page.Line(Margin, y -= 10, Width - Margin, y, 0.4);
        page.TextFit(Margin, y -= 14, 8, 6, Width - 2 * Margin,
            $"Напечатан {printedAt.UtcDateTime.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture)} UTC. Принимающая лаборатория сканирует штрихкод контейнера при получении.");
        return doc.Build();
    }

    private static string Temperature(string temperature) => temperature switch
    {
        "refrigerated" => "охлаждённый (+2…+8 °C)",
        "frozen" => "замороженный (−20 °C и ниже)",
        _ => "комнатная температура (+15…+25 °C)",
    };
}
