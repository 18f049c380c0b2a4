using System.Data.Common;
using Dapper;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

/// <summary>What a receipt changed: the box (if a box was scanned) and the tasks now accepted.</summary>
public sealed record TransferReceipt(string? BoxId, IReadOnlyList<string> AcceptedTaskIds);

/// <summary>
/// The transfer steps that run inside another transaction: ingest's batch (a receipt scan, the results' effect on
/// their tasks, who may write a transferred tube's results) and the API's receipt. Statements only; the caller commits.
/// </summary>
public static class TransferLedger
{
    /// <summary>Task states in which the receiving lab holds the tube: its gateways may write the tube's results.</summary>
    private static readonly string[] Holding = [TransferStatusText.Of(TransferStatus.Accepted), TransferStatusText.Of(TransferStatus.InProgress), TransferStatusText.Of(TransferStatus.Completed)];

    /// <summary>
    /// The labs each tube was transferred to and received by (DESIGN.md guarantee 7: "or received it by transfer").
    /// One query per batch, by the specimen index.
    /// </summary>
    public static async Task<Dictionary<string, HashSet<string>>> ReceivingLabsAsync(DbConnection c, DbTransaction tx, DatabaseDialect dialect, IReadOnlyList<string> specimenIds, CancellationToken ct)
    {
        var labs = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        if (specimenIds.Count == 0) return labs;
        var rows = await c.QueryAsync<(string, string)>(new CommandDefinition(
            $"SELECT specimen_id, owner_lab_id FROM transfer_task WHERE {SqlLists.In(dialect, "specimen_id", "ids")} AND {SqlLists.In(dialect, "status", "holding")}",
            new { ids = specimenIds.ToArray(), holding = Holding }, tx, cancellationToken: ct)).ConfigureAwait(false);
        foreach (var (specimen, lab) in rows)
        {
            if (!labs.TryGetValue(specimen, out var set)) labs[specimen] = set = new HashSet<string>(StringComparer.Ordinal);
            set.Add(lab);
        }
        return labs;
    }

    /// <summary>
    /// A barcode scanned at (or entered for) <paramref name="labId"/>: a box in transit to it is received with
    /// <paramref name="condition"/> (HL7 table 0544) and its requested tasks accepted; a tube of a requested task owned
    /// by it is accepted. Anything else changes nothing (an ordinary tube scan). Results fall due <paramref name="deadlines"/> later.
    /// </summary>
    public static async Task<TransferReceipt?> ReceiveAsync(DbConnection c, DbTransaction tx, string labId, string barcode, string? condition, string receivedBy,
        TransferDeadlines deadlines, DateTimeOffset now, CancellationToken ct)
    {
        var requested = TransferStatusText.Of(TransferStatus.Requested);
        var accepted = TransferStatusText.Of(TransferStatus.Accepted);
        var nowMs = Ms(now);
        var due = Ms(now + deadlines.Results);
        var box = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT id FROM shipment_box WHERE barcode = @barcode AND to_lab_id = @lab AND status = 'in-transit'", new { barcode, lab = labId }, tx, cancellationToken: ct)).ConfigureAwait(false);
        if (box is not null)
        {
            await c.ExecuteAsync(new CommandDefinition(
                "UPDATE shipment_box SET status = 'received', condition = @condition, received_at = @now, received_by = @by, last_updated = @now WHERE id = @box",
                new { condition, now = nowMs, by = receivedBy, box }, tx, cancellationToken: ct)).ConfigureAwait(false);
            var ids = (await c.QueryAsync<string>(new CommandDefinition(
                "UPDATE transfer_task SET status = @accepted, received_at = @now, results_due_at = @due, last_updated = @now WHERE box_id = @box AND status = @requested RETURNING id",
                new { accepted, now = nowMs, due, box, requested }, tx, cancellationToken: ct)).ConfigureAwait(false)).AsList();
            return new TransferReceipt(box, ids);
        }
        var tubeTasks = (await c.QueryAsync<string>(new CommandDefinition(
            "UPDATE transfer_task SET status = @accepted, received_at = @now, results_due_at = @due, last_updated = @now " +
            "WHERE specimen_id = @barcode AND owner_lab_id = @lab AND status = @requested RETURNING id",
            new { accepted, now = nowMs, due, barcode, lab = labId, requested }, tx, cancellationToken: ct)).ConfigureAwait(false)).AsList();
        return tubeTasks.Count == 0 ? null : new TransferReceipt(null, tubeTasks);
    }

    /// <summary>
    /// After a batch's results are current: a held task of one of these tubes whose test now has a current result from
    /// its receiving lab is in-progress (preliminary) or completed (final or corrected). Called in the batch's transaction.
    /// </summary>
    public static async Task AdvanceAsync(DbConnection c, DbTransaction tx, DatabaseDialect dialect, IReadOnlyList<string> specimenIds, DateTimeOffset now, CancellationToken ct)
    {
        if (specimenIds.Count == 0) return;
        var open = new[] { TransferStatusText.Of(TransferStatus.Accepted), TransferStatusText.Of(TransferStatus.InProgress) };
        var rows = await c.QueryAsync<(string, string)>(new CommandDefinition(
            "SELECT t.id, r.status FROM transfer_task t JOIN result_current rc ON rc.specimen_id = t.specimen_id AND rc.catalog_code = t.test_code " +
            "JOIN lab_result r ON r.id = rc.result_id AND r.lab_id = t.owner_lab_id " +
            $"WHERE {SqlLists.In(dialect, "t.specimen_id", "ids")} AND {SqlLists.In(dialect, "t.status", "open")}",
            new { ids = specimenIds.ToArray(), open }, tx, cancellationToken: ct)).ConfigureAwait(false);
        foreach (var (id, status) in rows)
        {
            var done = status is "final" or "corrected";
            await c.ExecuteAsync(new CommandDefinition(
                "UPDATE transfer_task SET status = @status, completed_at = @completed, last_updated = @now WHERE id = @id",
                new { status = TransferStatusText.Of(done ? TransferStatus.Completed : TransferStatus.InProgress), completed = done ? Ms(now) : (long?)null, now = Ms(now), id },
                tx, cancellationToken: ct)).ConfigureAwait(false);
        }
    }
}
