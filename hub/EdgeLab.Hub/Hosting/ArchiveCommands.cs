using System.CommandLine;
using System.Globalization;
using System.Text;
using EdgeLab.Hub.Archive;

namespace EdgeLab.Hub.Hosting;

/// <summary><c>archive locations add</c> and <c>archive import</c>: the paper card archive (README "The paper card archive").</summary>
internal static class ArchiveCommands
{
    public static Command Create()
    {
        var path = new Option<string>("--path") { Description = "archive[/zone[/box]], e.g. MSK-ARCH-1/Z03/B00042 (missing levels above are created)", Required = true };
        var positions = new Option<int?>("--positions") { Description = "Boxes: how many cards the box holds (positions 1…N)" };
        var file = new Option<FileInfo?>("--file") { Description = "Instead of --path: a file of lines 'path[,positions]' (boxes with positions)" };
        path.Required = false;
        var add = new Command("add", "Register archive locations (archive, zone, box with its positions)") { path, positions, file };
        add.SetAction(async (result, ct) =>
        {
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var lines = result.GetValue(file) is { } f
                ? File.ReadLines(f.FullName).Where(l => l.Trim().Length > 0 && !l.StartsWith('#')).ToList()
                : [result.GetValue(path) is { } p ? p + (result.GetValue(positions) is { } n ? "," + n.ToString(CultureInfo.InvariantCulture) : "") : throw new ArgumentException("give --path or --file")];
            foreach (var line in lines)
            {
                var parts = line.Split(',');
                int? count = parts.Length > 1 ? int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture) : null;
                var location = await scope.Store.AddLocationAsync(parts[0].Trim(), count, ct).ConfigureAwait(false);
                if (lines.Count == 1) Console.WriteLine($"{location.Id}\t{location.Path}\t{location.Kind}\t{location.Positions}");
            }
            if (lines.Count > 1) Console.WriteLine($"{lines.Count} location(s) registered");
            return 0;
        });

        var csv = new Argument<FileInfo>("csv") { Description = "The inventory CSV (UTF-8; ',' or ';'): card_number,snils,oms,surname,name,patronymic,birth_date,sex,polyclinic,location" };
        var report = new Option<FileInfo?>("--report") { Description = "Where to write the rows not attached (rejected or queued) with line number and reason; default <csv>.report.csv" };
        var import = new Command("import", "Import a polyclinic card inventory: streamed, batched, idempotent by card number; prints progress and a summary") { csv, report };
        import.SetAction(async (result, ct) =>
        {
            var input = result.GetValue(csv)!;
            if (!input.Exists) throw new IOException($"{input.FullName}: no such file");
            var reportPath = result.GetValue(report)?.FullName ?? input.FullName + ".report.csv";
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            using var reader = new StreamReader(input.FullName, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 1 << 16 });
            using var rejections = new RejectionReport(new StreamWriter(reportPath, append: false, new UTF8Encoding(false)));
            var importer = new InventoryImporter(scope.Store, TimeProvider.System);
            var lastPrint = 0;
            ImportSummary summary;
            try
            {
                summary = await importer.ImportAsync(reader, rejections, rows =>
                {
                    if (rows - lastPrint < 50_000) return;
                    lastPrint = rows;
                    Console.Error.WriteLine($"  {rows:N0} rows read…");
                }, ct).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                Console.Error.WriteLine($"edgelab-hub: {input.Name}: {e.Message}");
                return 2;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{summary.Rows} rows in {summary.Elapsed.TotalSeconds:F1} s ({summary.CardsPerSecond:F0} cards/s): {summary.Attached} attached, {summary.Queued} queued for identity review, {summary.AlreadyPresent} already present, {summary.Rejected} rejected; report: {reportPath}"));
            return 0;
        });
        return new Command("archive", "The paper medical card archive: locations and inventory import") { new Command("locations", "Archive locations") { add }, import };
    }
}
