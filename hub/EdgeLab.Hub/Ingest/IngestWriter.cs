using System.Data.Common;
using Dapper;
using EdgeLab.Contract;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Linking;
using EdgeLab.Hub.Store;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Ingest;

/// <summary>The outcome of one committed batch: what to ack (per gateway and epoch) and what was stored.</summary>
internal sealed record BatchOutcome(
    IReadOnlyDictionary<(string GatewayId, string? Epoch), List<long>> AcksByGateway,
    IReadOnlyList<string> StoredMessageIds,
    int Duplicates,
    int Results,
    int Unmatched,
    int Quarantined,
    int Notifications)
{
    /// <summary>Results held as provenance violations.</summary>
    public int Violations { get; init; }

    /// <summary>What an operator must look at (already written as gateway events); the pipeline logs them.</summary>
    public IReadOnlyList<IngestAlert> Alerts { get; init; } = [];

    /// <summary>Organizations that got a critical-value notification in this batch (their grains deliver it).</summary>
    public IReadOnlyList<string> NotifiedOrganizations { get; init; } = [];

    /// <summary>The messages quarantined by the writer itself (a reused id), besides those triage quarantined.</summary>
    public IReadOnlyList<IngestEnvelope> QuarantinedByWriter { get; init; } = [];
}

/// <summary>
/// Writes a batch of triaged messages in ONE transaction: each message id is claimed in <c>processed_message</c>
/// (primary key, with the payload's SHA-256) in the same transaction as its data, so a repeat — in this batch, a later
/// one, or on another hub node — claims nothing and writes nothing, and is still acked; a repeated id with other bytes
/// is quarantined as <c>IdReused</c> with an alert. Results from a sender not entitled to write them are held as
/// provenance violations. Batching many messages per transaction is what makes ingest fast (one fsync per batch),
/// while idempotency stays per message: the registry, epochs and specimens are each read once per batch.
/// </summary>
internal sealed class IngestWriter(IHubDatabase database, ITestCatalog catalog, TimeProvider time, IngestOptions? options = null)
{
    private readonly ResultLinker _linker = new(catalog, (options ?? new IngestOptions()).MaxFutureSkew);
    private readonly TransferDeadlines _transfers = (options ?? new IngestOptions()).Transfers;
    private readonly TimeSpan _longestDeltaWindow = PatientHistory.LongestWindow(catalog);
    private readonly IResultBulkWriter _bulk = database.Dialect == DatabaseDialect.Sqlite ? new SqliteResultBulkWriter(catalog) : new PostgresResultBulkWriter(catalog);

    /// <summary>
    /// True on SQLite, where one write transaction runs at a time: a STAT batch then waits for the routine batch in
    /// progress. On PostgreSQL the STAT lane's transaction runs beside it on a connection of its own.
    /// </summary>
    public bool WritersTakeTurns => database.Dialect == DatabaseDialect.Sqlite;

    public Task<BatchOutcome> WriteAsync(IReadOnlyList<IngestEnvelope> batch, CancellationToken cancellationToken = default) =>
        WriteAsync(batch, IngestLane.Routine, cancellationToken);

    /// <summary>Writes a batch of one lane; the STAT lane never waits on a row the routine lane's transaction holds.</summary>
    public async Task<BatchOutcome> WriteAsync(IReadOnlyList<IngestEnvelope> batch, IngestLane lane, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var alerts = new List<IngestAlert>();

        // 1. Claim message ids with their payload hash; a repeat (here or committed before) is only acked — unless its
        //    bytes differ from the first, which is a reused id: quarantined and alerted, never a silent repeat.
        var firstById = new Dictionary<string, IngestEnvelope>();
        foreach (var e in batch)
            if (e.MessageId is { } mid) firstById.TryAdd(mid.ToString(), e);
        var claimed = await _bulk.ClaimAsync(c, tx, firstById.Select(p => (p.Key, p.Value.PayloadSha256)).ToList(), Ms(now), cancellationToken).ConfigureAwait(false);
        var storedHashes = claimed.Count == firstById.Count
            ? new Dictionary<string, string?>()
            : await LoadHashesAsync(c, tx, firstById.Keys.Where(k => !claimed.Contains(k)).ToArray(), cancellationToken).ConfigureAwait(false);
        var epochs = await MessageEpochs.LoadAsync(c, tx, database.Dialect, batch.Select(e => e.GatewayId).Distinct().ToList(), cancellationToken).ConfigureAwait(false);
        var acks = new Dictionary<(string, string?), List<long>>();
        var stored = new List<string>();
        var duplicates = 0;
        var fresh = new List<IngestEnvelope>();
        var reused = new List<IngestEnvelope>();
        var seen = new HashSet<string>();
        foreach (var e in batch)
        {
            if (e.MessageId is { } id)
            {
                (acks.TryGetValue((id.GatewayId, id.Epoch), out var list) ? list : acks[(id.GatewayId, id.Epoch)] = []).Add(id.Sequence);
                var text = id.ToString();
                var isFresh = claimed.Contains(text) && seen.Add(text);
                epochs.Observe(e, isFresh, alerts);
                if (!isFresh)
                {
                    var first = claimed.Contains(text) ? firstById[text].PayloadSha256 : storedHashes.GetValueOrDefault(text);
                    if (first is not null && e.PayloadSha256 is not null && first != e.PayloadSha256)
                    {
                        var q = AsReusedId(e, text);
                        reused.Add(q);
                        fresh.Add(q);
                        alerts.Add(new IngestAlert(IngestAlert.IdReused, id.GatewayId, id, q.QuarantineDetail!));
                        continue;
                    }
                    duplicates++;
                    continue;
                }
                stored.Add(text);
            }
            fresh.Add(e);
        }

        // 2. Look up the gateways (lab, state) and the specimens named by results, and the current results of specimens already reported.
        var plan = new BatchPlan();
        var results = fresh.Where(e => e.Kind == EnvelopeKind.Result && e.Result!.Kind == "patient").ToList();
        var gateways = await LoadGatewaysAsync(c, tx, fresh.Select(e => e.GatewayId).Distinct().ToArray(), cancellationToken).ConfigureAwait(false);
        var specimenIds = results.Select(e => e.Result!.SpecimenId?.Trim()).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).Distinct().ToArray();
        // Another hub node may be writing results of the same tubes right now: read "current" only once it is done.
        await WriteLocks.TakeAsync(c, tx, database.Dialect, specimenIds.Select(WriteLocks.Specimen), cancellationToken).ConfigureAwait(false);
        var specimens = await _bulk.LoadSpecimensAsync(c, tx, specimenIds, cancellationToken).ConfigureAwait(false);
        // A box or tube scanned at the lab it was sent to is received before this batch's results are checked, so the
        // receiving lab's results that travel in the same batch as the scan are already its own (issue 15 §1).
        await TransferScans.ReceiveAsync(c, tx, fresh, gateways, _transfers, now, cancellationToken).ConfigureAwait(false);
        var receivingLabs = await TransferLedger.ReceivingLabsAsync(c, tx, database.Dialect, specimenIds, cancellationToken).ConfigureAwait(false);
        var reported = specimens.Values.Where(s => s.Status != SpecimenStatus.Issued).Select(s => s.SpecimenId).ToArray();
        await _bulk.LoadCurrentAsync(c, tx, reported, plan, cancellationToken).ConfigureAwait(false);
        // The autoverification delta check compares each result with the patient's earlier ones of the same test.
        if (specimens.Count > 0)
        {
            var earliest = results.SelectMany(e => e.Result!.Results.Select(i => i.CompletedAt ?? e.Result.ReceivedAt)).DefaultIfEmpty(now).Min();
            var codes = results.SelectMany(e => e.Result!.Results.Select(i => catalog.TryMapAnalyzerCode(e.Result.Profile, i.Code, out var t, out _) ? t.Code : null))
                .OfType<string>().Distinct().ToList();
            await PatientHistory.LoadAsync(c, tx, database.Dialect, specimens.Values.Select(s => s.PatientId).Distinct().ToList(), codes,
                earliest - _longestDeltaWindow, plan, cancellationToken).ConfigureAwait(false);
        }

        // 3. Check provenance and link in memory, in arrival order (the gateway sends each instrument's messages in order).
        var itemCount = results.Sum(e => e.Result!.Results.Count);
        var nextId = await _bulk.ReserveResultIdsAsync(c, tx, itemCount, cancellationToken).ConfigureAwait(false);
        var pendingSeen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in fresh)
        {
            switch (e.Kind)
            {
                case EnvelopeKind.Result when e.Result!.Kind == "patient":
                    var specimen = e.Result.SpecimenId is { } sid ? specimens.GetValueOrDefault(sid.Trim()) : null;
                    var gateway = gateways.GetValueOrDefault(e.GatewayId);
                    var receivedBy = specimen is null ? null : receivingLabs.GetValueOrDefault(specimen.SpecimenId);
                    if (ResultProvenance.Check(e.GatewayId, gateway, specimen, receivedBy) is { } refusal)
                    {
                        plan.Violations.Add(new ProvenanceViolation
                        {
                            Id = 0,
                            GatewayId = e.GatewayId,
                            GatewayLabId = gateway?.LabId,
                            MessageId = e.MessageId!.Value.ToString(),
                            Reason = refusal.Reason,
                            Detail = refusal.Detail,
                            SpecimenId = specimen?.SpecimenId,
                            SpecimenLabId = specimen?.PerformingLabId,
                            Payload = e.RawPayload.ToArray(),
                            ReceivedAt = e.ReceivedAt,
                        });
                        alerts.Add(new IngestAlert(IngestAlert.ProvenanceViolation, e.GatewayId, e.MessageId!.Value, $"{refusal.Reason}: {refusal.Detail}; held, not stored"));
                        break;
                    }
                    _linker.Link(plan, e.Result, gateway!.LabId, specimen, nextId, now);
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
                // A pending gateway (enrolled, not accepted; issue 12 §1) only announces itself: its status and events are
                // not stored, the time it was last heard is, and the first contact is audited.
                case EnvelopeKind.Event or EnvelopeKind.Status when gateways.GetValueOrDefault(e.GatewayId)?.State == GatewayState.Pending:
                    pendingSeen.Add(e.GatewayId);
                    break;
                case EnvelopeKind.Event: plan.Events.Add(e); break;
                case EnvelopeKind.Status: plan.Statuses.Add(e); break;
                case EnvelopeKind.Quarantine: plan.Quarantined.Add(e); break;
            }
        }
        plan.Events.AddRange(alerts.Select(a => a.ToEnvelope(now)));

        // 4. Write the plan and commit.
        await _bulk.InsertResultsAsync(c, tx, plan, cancellationToken).ConfigureAwait(false);
        await _bulk.MoveCurrentAsync(c, tx, plan, cancellationToken).ConfigureAwait(false);
        if (receivingLabs.Count > 0)
            await TransferLedger.AdvanceAsync(c, tx, database.Dialect, receivingLabs.Keys.ToList(), now, cancellationToken).ConfigureAwait(false);
        await PlanWriter.WriteRestAsync(c, tx, database.Dialect, plan, now, cancellationToken).ConfigureAwait(false);
        // The gateway's epoch row is the one row every batch of a gateway updates: on PostgreSQL a STAT transaction
        // updating it would wait for the routine transaction that holds it. The STAT lane only adds epochs it is first to
        // see; raising the maximum of a known one is left to the routine lane (the regression check has slack for it).
        await epochs.SaveAsync(c, tx, database.Dialect, Ms(now), onlyNew: lane == IngestLane.Stat && !WritersTakeTurns, cancellationToken).ConfigureAwait(false);
        foreach (var id in pendingSeen)
            await RecordPendingSeenAsync(c, tx, id, gateways[id].LabId, now, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new BatchOutcome(acks, stored, duplicates, plan.Results.Count, plan.Unmatched.Count, plan.Quarantined.Count, plan.Notifications.Count)
        {
            Violations = plan.Violations.Count,
            Alerts = alerts,
            QuarantinedByWriter = reused,
            NotifiedOrganizations = plan.Notifications.Count == 0 ? [] : plan.Notifications.Select(n => n.OrganizationId).Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    private static IngestEnvelope AsReusedId(IngestEnvelope e, string id) => e with
    {
        Kind = EnvelopeKind.Quarantine,
        QuarantineReason = QuarantineReason.IdReused,
        QuarantineDetail = $"message id '{id}' was processed before with other content (payload SHA-256 differs); kept here, the first stays as stored",
        Result = null,
        Event = null,
    };

    private async Task<Dictionary<string, string?>> LoadHashesAsync(DbConnection c, DbTransaction tx, string[] ids, CancellationToken ct) =>
        (await c.QueryAsync<(string, string?)>(new CommandDefinition(
            $"SELECT message_id, payload_sha256 FROM processed_message WHERE {SqlLists.In(database.Dialect, "message_id", "ids")}",
            new { ids }, tx, cancellationToken: ct)).ConfigureAwait(false)).ToDictionary(r => r.Item1, r => r.Item2);

    /// <summary>Marks a pending gateway as heard from; its first contact is an audit entry (403: refused until accepted).</summary>
    private static async Task RecordPendingSeenAsync(DbConnection c, DbTransaction tx, string gatewayId, string labId, DateTimeOffset now, CancellationToken ct)
    {
        var before = await c.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT pending_seen_at FROM gateway WHERE id = @id", new { id = gatewayId }, tx, cancellationToken: ct)).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE gateway SET pending_seen_at = @now WHERE id = @id", new { id = gatewayId, now = Ms(now) }, tx, cancellationToken: ct)).ConfigureAwait(false);
        if (before is null)
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO audit_entry(at, client_id, org_id, action, resource_type, resource_id, status_code) VALUES (@at, @actor, @org, 'connect-pending', 'Gateway', @id, 403)",
                new { at = Ms(now), actor = "mqtt:" + gatewayId, org = labId, id = gatewayId }, tx, cancellationToken: ct)).ConfigureAwait(false);
    }

    private async Task<Dictionary<string, GatewayEntry>> LoadGatewaysAsync(DbConnection c, DbTransaction tx, string[] ids, CancellationToken ct) =>
        (await c.QueryAsync<(string, string, string)>(new CommandDefinition(
            $"SELECT id, lab_id, state FROM gateway WHERE {SqlLists.In(database.Dialect, "id", "ids")}", new { ids }, tx, cancellationToken: ct)).ConfigureAwait(false))
        .ToDictionary(r => r.Item1, r => new GatewayEntry(r.Item2, ResultProvenance.ParseState(r.Item3)));
}
