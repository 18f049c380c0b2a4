using System.Data.Common;
using Dapper;
using EdgeLab.Contract;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Ingest;

/// <summary>The outcome of one committed batch: what to ack (per gateway) and what was stored.</summary>
internal sealed record BatchOutcome(
    IReadOnlyDictionary<string, List<long>> AcksByGateway,
    IReadOnlyList<string> StoredMessageIds,
    int Duplicates,
    int Results,
    int Unmatched,
    int Quarantined,
    int Notifications);

/// <summary>
/// Writes a batch of triaged messages in ONE transaction: each message id is claimed in <c>processed_message</c>
/// (primary key) in the same transaction as its data, so a repeat — in this batch, a later one, or on another hub
/// node — claims nothing and writes nothing, and is still acked. Batching many messages per transaction is what makes
/// ingest fast (one fsync per batch), while idempotency stays per message.
/// </summary>
internal sealed class IngestWriter(IHubDatabase database, ITestCatalog catalog, TimeProvider time)
{
    private readonly ResultLinker _linker = new(catalog);
    private readonly IResultBulkWriter _bulk = database.Dialect == DatabaseDialect.Sqlite ? new SqliteResultBulkWriter(catalog) : new PostgresResultBulkWriter(catalog);

    public async Task<BatchOutcome> WriteAsync(IReadOnlyList<IngestEnvelope> batch, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // 1. Claim message ids; a repeat (here or committed before) is only acked.
        var withId = batch.Where(e => e.MessageId is not null).Select(e => e.MessageId!.Value.ToString()).Distinct().ToList();
        var claimed = await _bulk.ClaimAsync(c, tx, withId, Ms(now), cancellationToken).ConfigureAwait(false);
        var acks = new Dictionary<string, List<long>>();
        var stored = new List<string>();
        var duplicates = 0;
        var fresh = new List<IngestEnvelope>();
        var seen = new HashSet<string>();
        foreach (var e in batch)
        {
            if (e.MessageId is { } id)
            {
                (acks.TryGetValue(id.GatewayId, out var list) ? list : acks[id.GatewayId] = []).Add(id.Sequence);
                var text = id.ToString();
                if (!claimed.Contains(text) || !seen.Add(text)) { duplicates++; continue; }
                stored.Add(text);
            }
            fresh.Add(e);
        }

        // 2. Look up gateways' labs and the specimens named by results, and the current results of specimens already reported.
        var plan = new BatchPlan();
        var results = fresh.Where(e => e.Kind == EnvelopeKind.Result && e.Result!.Kind == "patient").ToList();
        var labs = (await c.QueryAsync<(string, string)>(new CommandDefinition(
                $"SELECT id, lab_id FROM gateway WHERE {SqlLists.In(database.Dialect, "id", "ids")}", new { ids = fresh.Select(e => e.GatewayId).Distinct().ToArray() }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToDictionary(r => r.Item1, r => r.Item2);
        var specimenIds = results.Select(e => e.Result!.SpecimenId?.Trim()).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).Distinct().ToArray();
        // Another hub node may be writing results of the same tubes right now: read "current" only once it is done.
        await WriteLocks.TakeAsync(c, tx, database.Dialect, specimenIds.Select(WriteLocks.Specimen), cancellationToken).ConfigureAwait(false);
        var specimens = await _bulk.LoadSpecimensAsync(c, tx, specimenIds, cancellationToken).ConfigureAwait(false);
        var reported = specimens.Values.Where(s => s.Status != SpecimenStatus.Issued).Select(s => s.SpecimenId).ToArray();
        await _bulk.LoadCurrentAsync(c, tx, reported, plan, cancellationToken).ConfigureAwait(false);

        // 3. Link in memory, in arrival order (the gateway sends each instrument's messages in order).
        var itemCount = results.Sum(e => e.Result!.Results.Count);
        var nextId = await _bulk.ReserveResultIdsAsync(c, tx, itemCount, cancellationToken).ConfigureAwait(false);
        foreach (var e in fresh)
        {
            switch (e.Kind)
            {
                case EnvelopeKind.Result when e.Result!.Kind == "patient":
                    var specimen = e.Result.SpecimenId is { } sid ? specimens.GetValueOrDefault(sid.Trim()) : null;
                    var lab = labs.GetValueOrDefault(e.GatewayId) ?? specimen?.PerformingLabId ?? "";
                    _linker.Link(plan, e.Result, lab, specimen, nextId, now);
                    break;
                case EnvelopeKind.Result:
                    // QC and calibration results are not patient data: kept as a gateway event for the fleet view.
                    plan.Events.Add(e with
                    {
                        Event = new EventMessage
                        {
                            MessageId = e.Result.MessageId,
                            GatewayId = e.GatewayId,
                            Sequence = e.Result.Sequence,
                            Type = e.Result.Kind + "-result",
                            InstrumentId = e.Result.InstrumentId,
                            At = e.Result.ReceivedAt,
                            Text = $"{e.Result.Results.Count} {e.Result.Kind} results",
                        },
                    });
                    break;
                case EnvelopeKind.Event: plan.Events.Add(e); break;
                case EnvelopeKind.Status: plan.Statuses.Add(e); break;
                case EnvelopeKind.Quarantine: plan.Quarantined.Add(e); break;
            }
        }

        // 4. Write the plan and commit.
        await _bulk.InsertResultsAsync(c, tx, plan, cancellationToken).ConfigureAwait(false);
        await _bulk.MoveCurrentAsync(c, tx, plan, cancellationToken).ConfigureAwait(false);
        await PlanWriter.WriteRestAsync(c, tx, database.Dialect, plan, now, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new BatchOutcome(acks, stored, duplicates, plan.Results.Count, plan.Unmatched.Count, plan.Quarantined.Count, plan.Notifications.Count);
    }
}
