using System.Diagnostics;
using System.Globalization;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Referrals.Archive;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Archive;

/// <summary>What an import did, row by row accounted: every data row is attached, queued, already present or rejected.</summary>
internal sealed record ImportSummary(int Rows, int Attached, int Queued, int AlreadyPresent, int Rejected, TimeSpan Elapsed)
{
    public double CardsPerSecond => Elapsed.TotalSeconds > 0 ? Rows / Elapsed.TotalSeconds : Rows;
}

/// <summary>
/// Imports a polyclinic card inventory (README "The paper card archive"): reads the CSV as a stream, checks each row
/// (<see cref="InventoryRow.Parse"/>), resolves its box, and writes batches of <see cref="BatchSize"/> rows, each in one
/// transaction (<see cref="IArchiveStore.ImportCardsAsync"/>: identity match + insert). Rejected rows go to the report
/// with their line number and reason; cards the identity rules cannot match go to the archive queue (and the report,
/// as "queued"). Nothing is dropped silently.
/// </summary>
internal sealed class InventoryImporter(IArchiveStore store, TimeProvider time)
{
    public const int BatchSize = 5000;

    /// <param name="progress">Called after each batch with the rows read so far.</param>
    public async Task<ImportSummary> ImportAsync(TextReader csv, RejectionReport report, Action<int>? progress, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        var reader = new InventoryCsvReader(csv);
        var header = reader.ReadHeader() ?? throw new InvalidDataException("the inventory is empty: expected a header line " + string.Join(",", InventoryColumns.All));
        var columns = InventoryColumns.FromHeader(header, out var headerError);
        if (headerError is not null) throw new InvalidDataException("line 1: " + headerError);
        var boxes = await store.LoadBoxesAsync(ct).ConfigureAwait(false);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var batch = new List<InventoryRow>(BatchSize);
        var boxIds = new List<string>(BatchSize);
        int rows = 0, attached = 0, queued = 0, present = 0;
        while (reader.TryRead(out var rowNumber, out var fields, out var unterminated))
        {
            rows++;
            if (unterminated)
            {
                report.Add(new RowRejection(rowNumber, null, "", "a quoted field is not closed before the end of the file"));
                continue;
            }
            var row = InventoryRow.Parse(rowNumber, fields, columns, today, out var rejection);
            if (row is null) { report.Add(rejection!); continue; }
            if (!boxes.TryGetValue(row.BoxPath, out var box))
            {
                report.Add(new RowRejection(rowNumber, row.CardNumber, InventoryColumns.Location, $"unknown location: no box '{row.BoxPath}' is registered"));
                continue;
            }
            if (row.Position > box.Positions)
            {
                report.Add(new RowRejection(rowNumber, row.CardNumber, InventoryColumns.Location, $"unknown location: box '{row.BoxPath}' has positions 1–{box.Positions}, not {row.Position}"));
                continue;
            }
            batch.Add(row);
            boxIds.Add(box.Id);
            if (batch.Count == BatchSize) await FlushAsync().ConfigureAwait(false);
        }
        await FlushAsync().ConfigureAwait(false);
        report.Flush();
        return new ImportSummary(rows, attached, queued, present, report.Rejected, started.Elapsed);

        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            var outcome = await store.ImportCardsAsync(batch, boxIds, ct).ConfigureAwait(false);
            attached += outcome.Attached;
            queued += outcome.Queued.Count;
            present += outcome.AlreadyPresent.Count;
            foreach (var (row, reason) in outcome.Queued) report.AddQueued(row, reason);
            batch.Clear();
            boxIds.Clear();
            progress?.Invoke(rows);
        }
    }
}

/// <summary>
/// The report of an import: one CSV line per row not attached — rejected (not stored) or queued (stored, waiting for a
/// person) — with the line number of the inventory, the card number, the column and the reason. No patient data.
/// </summary>
internal sealed class RejectionReport(TextWriter writer) : IDisposable
{
    private bool _headerWritten;

    public int Rejected { get; private set; }

    public void Add(RowRejection rejection)
    {
        Rejected++;
        Write(rejection.RowNumber, rejection.CardNumber, "rejected", rejection.Column, rejection.Reason);
    }

    public void AddQueued(InventoryRow row, CardQueueReason reason) =>
        Write(row.RowNumber, row.CardNumber, "queued", "", reason switch
        {
            CardQueueReason.IdentityMismatch => "identity mismatch: a registered patient has this SNILS/OMS with other demographics",
            CardQueueReason.Ambiguous => "identity ambiguous: several registered patients match",
            _ => "no registered patient with this SNILS/OMS",
        });

    private void Write(int row, string? card, string outcome, string column, string reason)
    {
        if (!_headerWritten) { writer.WriteLine("row,card_number,outcome,column,reason"); _headerWritten = true; }
        writer.Write(row.ToString(CultureInfo.InvariantCulture));
        writer.Write(',');
        writer.Write(Quote(card ?? ""));
        writer.Write(',');
        writer.Write(outcome);
        writer.Write(',');
        writer.Write(Quote(column));
        writer.Write(',');
        writer.WriteLine(Quote(reason));
    }

    public void Flush()
    {
        if (!_headerWritten) { writer.WriteLine("row,card_number,outcome,column,reason"); _headerWritten = true; }
        writer.Flush();
    }

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\n\r") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public void Dispose() => writer.Dispose();
}
