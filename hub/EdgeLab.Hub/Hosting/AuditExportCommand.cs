using System.CommandLine;
using System.Globalization;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Hosting;

/// <summary>
/// <c>edgelab-hub audit export --since … [--until …] [--format csv|ndjson] [--out FILE]</c>: the whole region's audit
/// trail (every organization's clients, refusals included) for the regional security officer, oldest first. Read in
/// chunks of <see cref="ChunkSize"/> by (time, id) and written as it is read, so memory stays flat however long the
/// trail; progress goes to stderr about once a second, the data to stdout or <c>--out</c>.
/// </summary>
internal static class AuditExportCommand
{
    public const int ChunkSize = 5000;

    public static Command Create()
    {
        var since = new Option<string>("--since") { Description = "First instant or date (UTC) to export, e.g. 2026-11-01 or 2026-11-01T00:00:00Z", Required = true };
        var until = new Option<string?>("--until") { Description = "Export up to (not including) this instant or date (default: now)" };
        var format = new Option<string>("--format") { Description = "csv or ndjson", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "ndjson");
        var output = new Option<string?>("--out") { Description = "File to write (default: stdout)" };
        var export = new Command("export", "Export the whole region's audit trail (every organization) as CSV or NDJSON") { since, until, format, output };
        export.SetAction(async (result, ct) =>
        {
            var from = ParseInstant(result.GetValue(since)!, "--since");
            var to = result.GetValue(until) is { } u ? ParseInstant(u, "--until") : DateTimeOffset.UtcNow;
            if (to <= from) throw new ArgumentException("--until must be after --since");
            var kind = result.GetValue(format) == "ndjson" ? AuditExportFormat.Ndjson : AuditExportFormat.Csv;
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var path = result.GetValue(output);
            await using var stream = path is null ? Console.OpenStandardOutput() : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
            var count = await ExportAsync(scope.Store, from, to, kind, stream, Console.Error, TimeProvider.System, ct).ConfigureAwait(false);
            Console.Error.WriteLine($"audit export: {count} entries from {from:O} to {to:O}{(path is null ? "" : " written to " + path)}");
            return 0;
        });
        return new Command("audit", "The API audit trail") { export };
    }

    /// <summary>Streams the trail in [from, to) to <paramref name="stream"/>; returns the number of entries.</summary>
    public static async Task<long> ExportAsync(
        IAuditStore store, DateTimeOffset from, DateTimeOffset to, AuditExportFormat format, Stream stream, TextWriter progress, TimeProvider time, CancellationToken ct)
    {
        long count = 0;
        var lastReport = time.GetTimestamp();
        await using (var writer = new AuditExportWriter(stream, format))
        {
            var position = AuditPosition.Start(from);
            while (true)
            {
                var chunk = await store.ReadAuditChunkAsync(position, to, ChunkSize, ct).ConfigureAwait(false);
                foreach (var entry in chunk) writer.Write(entry);
                count += chunk.Count;
                if (chunk.Count < ChunkSize) break;
                position = new AuditPosition(chunk[^1].At, chunk[^1].Id);
                if (time.GetElapsedTime(lastReport) >= TimeSpan.FromSeconds(1))
                {
                    await progress.WriteLineAsync($"audit export: {count} entries so far (up to {chunk[^1].At:O})").ConfigureAwait(false);
                    lastReport = time.GetTimestamp();
                }
            }
        }
        return count;
    }

    private static DateTimeOffset ParseInstant(string text, string option)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new ArgumentException($"{option} '{text}' is not a date or instant; use e.g. 2026-11-01 or 2026-11-01T00:00:00Z");
    }
}
