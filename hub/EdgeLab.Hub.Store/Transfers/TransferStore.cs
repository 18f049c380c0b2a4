using System.Data.Common;
using Dapper;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Referrals;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

/// <summary>A send-out as the sending lab asks for it: tests of one tube to another lab, in the tube itself or in a new aliquot.</summary>
public sealed record SendOutRequest(string SpecimenId, IReadOnlyList<string> TestCodes, string ToLabId, bool Aliquot);

/// <summary>The Tasks made (one per test) and the aliquot poured for them, if any.</summary>
public sealed record SendOut(IReadOnlyList<TransferTask> Tasks, Specimen? Aliquot);

/// <summary>A shipment box as the sending lab opens it.</summary>
public sealed record NewShipmentBox(string Barcode, string ToLabId, int Capacity, TemperatureClass Temperature);

/// <summary>Task search (FHIR <c>Task?owner=&amp;requester=&amp;status=&amp;focus=</c>); null = any.</summary>
public sealed record TransferQuery
{
    public string? OwnerLabId { get; init; }
    public string? RequesterLabId { get; init; }
    public TransferStatus? Status { get; init; }
    public string? ReferralId { get; init; }
    public string? TestCode { get; init; }
    public int Count { get; init; } = 100;
}

/// <summary>
/// Specimen transfer (issue 15 §1): send-outs (Tasks and aliquots), shipment boxes, receipt, rejection, reads and the
/// overdue sweep. Every write is one transaction; a refusal is a <see cref="StoreValidationException"/> naming cause and fix.
/// A lab acts only on what it sends (requester) or receives (owner); the region on all.
/// </summary>
public sealed class TransferStore(IHubDatabase database, TimeProvider time, TransferDeadlines? deadlines = null)
{
    private readonly TransferDeadlines _deadlines = deadlines ?? TransferDeadlines.Default;

    public TransferDeadlines Deadlines => _deadlines;

    /// <summary>Paged Task and box searches, the FHIR views and the turnaround report (reads only).</summary>
    public TransferReader Reader { get; } = new(database);

    public async Task<SendOut> SendOutAsync(AccessScope sender, SendOutRequest request, CancellationToken ct = default)
    {
        if (request.TestCodes.Count == 0) throw new StoreValidationException("testCodes: name at least one test of the tube to send out");
        var now = time.GetUtcNow();
        using var turn = await database.EnterWriteAsync(ct).ConfigureAwait(false);
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await WriteLocks.TakeAsync(c, tx, database.Dialect, [WriteLocks.Specimen(request.SpecimenId)], ct).ConfigureAwait(false);
        var tube = await c.QuerySingleOrDefaultAsync<(string Id, string ReferralId, string PatientId, string Type, string Tests, string Status, string Lab)?>(Cmd(
            "SELECT s.id, s.referral_id, s.patient_id, s.type, s.test_codes, s.status, r.performing_lab_id FROM specimen s JOIN referral r ON r.id = s.referral_id WHERE s.id = @id",
            new { id = request.SpecimenId }, ct, tx)).ConfigureAwait(false);
        // A tube of another lab gets the same answer as an unknown one: its existence is not the caller's business.
        if (tube is not { } t || (!sender.IsRegion && t.Lab != sender.OrganizationId))
            throw new StoreValidationException($"specimenId: no specimen '{request.SpecimenId}' performed by your lab");
        if (t.Status is "cancelled" or "unsatisfactory") throw new StoreValidationException($"specimenId: specimen '{t.Id}' is {t.Status}; nothing can be sent out from it");
        var lab = await c.QuerySingleOrDefaultAsync<string>(Cmd("SELECT kind FROM organization WHERE id = @id", new { id = request.ToLabId }, ct, tx)).ConfigureAwait(false);
        if (lab != "lab") throw new StoreValidationException($"toLabId: '{request.ToLabId}' is not a lab registered at the hub");
        if (request.ToLabId == t.Lab) throw new StoreValidationException("toLabId: the receiving lab is the lab that performs the referral already");
        var tubeTests = Codes(t.Tests);
        var foreign = request.TestCodes.Where(code => !tubeTests.Contains(code)).ToList();
        if (foreign.Count > 0) throw new StoreValidationException($"testCodes: {string.Join(", ", foreign)} not measured from specimen '{t.Id}' (its tests: {string.Join(", ", tubeTests)})");
        var already = (await c.QueryAsync<string>(Cmd(
            "SELECT test_code FROM transfer_task WHERE source_specimen_id = @id AND status NOT IN ('rejected', 'failed', 'cancelled')", new { id = t.Id }, ct, tx)).ConfigureAwait(false)).ToHashSet();
        var twice = request.TestCodes.Where(already.Contains).ToList();
        if (twice.Count > 0) throw new StoreValidationException($"testCodes: {string.Join(", ", twice)} of specimen '{t.Id}' already sent out; reject or cancel that Task first");

        Specimen? aliquot = null;
        var carrier = t.Id;
        if (request.Aliquot)
        {
            var sequence = database.Dialect == DatabaseDialect.Sqlite
                ? await c.ExecuteScalarAsync<long>(Cmd("UPDATE barcode_counter SET value = value + 1 WHERE name = 'specimen' RETURNING value", null, ct, tx)).ConfigureAwait(false)
                : await c.ExecuteScalarAsync<long>(Cmd("SELECT nextval('specimen_barcode_seq')", null, ct, tx)).ConfigureAwait(false);
            aliquot = new Specimen
            {
                Id = SpecimenBarcode.Issue(sequence),
                ReferralId = t.ReferralId,
                PatientId = t.PatientId,
                Type = t.Type,
                TestCodes = request.TestCodes.Distinct().ToList(),
                Status = SpecimenStatus.Issued,
                ParentId = t.Id,
                Created = now,
                LastUpdated = now,
            };
            await c.ExecuteAsync(Cmd(
                "INSERT INTO specimen(id, referral_id, patient_id, type, test_codes, status, collected_at, created, last_updated, parent_id) " +
                "SELECT @id, referral_id, patient_id, type, @tests, @st, collected_at, @now, @now, id FROM specimen WHERE id = @parent",
                new { id = aliquot.Id, tests = Codes(aliquot.TestCodes), st = Enum(SpecimenStatus.Issued), now = Ms(now), parent = t.Id }, ct, tx)).ConfigureAwait(false);
            carrier = aliquot.Id;
        }
        var tasks = new List<TransferTask>();
        foreach (var code in request.TestCodes.Distinct())
        {
            var task = new TransferTask
            {
                Id = HubId.New(),
                ReferralId = t.ReferralId,
                PatientId = t.PatientId,
                SpecimenId = carrier,
                SourceSpecimenId = t.Id,
                TestCode = code,
                RequesterLabId = t.Lab,
                OwnerLabId = request.ToLabId,
                Status = TransferStatus.Requested,
                Created = now,
                LastUpdated = now,
            };
            await c.ExecuteAsync(Cmd(
                "INSERT INTO transfer_task(id, referral_id, specimen_id, source_specimen_id, test_code, requester_lab_id, owner_lab_id, status, created, last_updated) " +
                "VALUES (@Id, @ReferralId, @SpecimenId, @SourceSpecimenId, @TestCode, @RequesterLabId, @OwnerLabId, @status, @now, @now)",
                new { task.Id, task.ReferralId, task.SpecimenId, task.SourceSpecimenId, task.TestCode, task.RequesterLabId, task.OwnerLabId, status = TransferStatusText.Of(task.Status), now = Ms(now) },
                ct, tx)).ConfigureAwait(false);
            tasks.Add(task);
        }
        // The receiving lab sees the patient's demographics for the tube it performs (as a performing lab does).
        await c.ExecuteAsync(Cmd(
            "INSERT INTO patient_access(org_id, patient_id) VALUES (@org, @pid) ON CONFLICT DO NOTHING", new { org = request.ToLabId, pid = t.PatientId }, ct, tx)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new SendOut(tasks, aliquot);
    }

    public async Task<ShipmentBox> OpenBoxAsync(AccessScope sender, NewShipmentBox box, CancellationToken ct = default)
    {
        if (sender.IsRegion) throw new StoreValidationException("a box is opened by the sending lab: call as that lab");
        var barcode = Required(box.Barcode, "barcode", 64);
        if (box.Capacity is < 1 or > 1000) throw new StoreValidationException($"capacity: {box.Capacity} is outside 1–1000 tubes");
        var now = time.GetUtcNow();
        using var turn = await database.EnterWriteAsync(ct).ConfigureAwait(false);
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (await c.QuerySingleOrDefaultAsync<string>(Cmd("SELECT kind FROM organization WHERE id = @id", new { id = box.ToLabId }, ct, tx)).ConfigureAwait(false) != "lab")
            throw new StoreValidationException($"toLabId: '{box.ToLabId}' is not a lab registered at the hub");
        if (await c.ExecuteScalarAsync<long>(Cmd("SELECT COUNT(*) FROM shipment_box WHERE barcode = @barcode", new { barcode }, ct, tx)).ConfigureAwait(false) > 0)
            throw new StoreValidationException($"barcode: a box '{barcode}' exists already; label the box with a new barcode");
        var created = new ShipmentBox
        {
            Id = HubId.New(),
            Barcode = barcode,
            FromLabId = sender.OrganizationId!,
            ToLabId = box.ToLabId,
            Capacity = box.Capacity,
            Temperature = box.Temperature,
            Status = BoxStatus.Open,
            Created = now,
            LastUpdated = now,
        };
        await c.ExecuteAsync(Cmd(
            "INSERT INTO shipment_box(id, barcode, from_lab_id, to_lab_id, capacity, temperature, status, created, last_updated) VALUES (@id, @barcode, @from, @to, @cap, @temp, 'open', @now, @now)",
            new { id = created.Id, barcode, from = created.FromLabId, to = created.ToLabId, cap = created.Capacity, temp = Enum(created.Temperature), now = Ms(now) }, ct, tx)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return created;
    }

    /// <summary>A tube scanned into an open box: every requested Task it carries to the box's lab goes in; a full box refuses it.</summary>
    public async Task<IReadOnlyList<TransferTask>> AddToBoxAsync(AccessScope sender, string boxId, string tubeBarcode, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        using var turn = await database.EnterWriteAsync(ct).ConfigureAwait(false);
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await WriteLocks.TakeAsync(c, tx, database.Dialect, ["box:" + boxId], ct).ConfigureAwait(false);
        var box = await BoxAsync(c, tx, sender, boxId, ct).ConfigureAwait(false);
        if (box.Status != BoxStatus.Open) throw new StoreValidationException($"box '{box.Barcode}' is {TransferStatusText.BoxOf(box.Status)}; tubes go only into an open box");
        var tubes = await c.ExecuteScalarAsync<long>(Cmd("SELECT COUNT(DISTINCT specimen_id) FROM transfer_task WHERE box_id = @box", new { box = boxId }, ct, tx)).ConfigureAwait(false);
        var updated = await c.ExecuteAsync(Cmd(
            "UPDATE transfer_task SET box_id = @box, last_updated = @now WHERE specimen_id = @tube AND requester_lab_id = @from AND owner_lab_id = @to AND status = 'requested' AND box_id IS NULL",
            new { box = boxId, now = Ms(now), tube = tubeBarcode, from = box.FromLabId, to = box.ToLabId }, ct, tx)).ConfigureAwait(false);
        if (updated == 0)
            throw new StoreValidationException($"tube '{tubeBarcode}': no test of it is sent out to lab '{box.ToLabId}' and waiting for a box (send it out first, or it is boxed already)");
        if (tubes + 1 > box.Capacity) throw new StoreValidationException($"box '{box.Barcode}' is full ({box.Capacity} tubes); open another box");
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return (await SearchAsync(AccessScope.Region, new TransferQuery { RequesterLabId = box.FromLabId }, ct).ConfigureAwait(false)).Where(x => x.BoxId == boxId && x.SpecimenId == tubeBarcode).ToList();
    }

    /// <summary>Open → in transit; the shipment falls due <see cref="TransferDeadlines.Shipment"/> later.</summary>
    public async Task<ShipmentBox> DispatchAsync(AccessScope sender, string boxId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        using var turn = await database.EnterWriteAsync(ct).ConfigureAwait(false);
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var box = await BoxAsync(c, tx, sender, boxId, ct).ConfigureAwait(false);
        if (!sender.IsRegion && box.FromLabId != sender.OrganizationId) throw new StoreValidationException($"box '{box.Barcode}' is dispatched by the lab that sends it ('{box.FromLabId}')");
        if (box.Status != BoxStatus.Open) throw new StoreValidationException($"box '{box.Barcode}' is {TransferStatusText.BoxOf(box.Status)} already");
        if (await c.ExecuteScalarAsync<long>(Cmd("SELECT COUNT(*) FROM transfer_task WHERE box_id = @box", new { box = boxId }, ct, tx)).ConfigureAwait(false) == 0)
            throw new StoreValidationException($"box '{box.Barcode}' is empty; scan tubes into it before dispatch");
        await c.ExecuteAsync(Cmd("UPDATE shipment_box SET status = 'in-transit', dispatched_at = @now, receive_due_at = @due, last_updated = @now WHERE id = @id",
            new { now = Ms(now), due = Ms(now + _deadlines.Shipment), id = boxId }, ct, tx)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return (await GetBoxAsync(sender, boxId, ct).ConfigureAwait(false))!;
    }

    /// <summary>A receipt entered at the receiving lab (the same step a gateway's tube scan takes in ingest).</summary>
    public async Task<TransferReceipt> ReceiveAsync(AccessScope receiver, string barcode, string? condition, string receivedBy, CancellationToken ct = default)
    {
        if (receiver.IsRegion) throw new StoreValidationException("a receipt is made by the receiving lab: call as that lab");
        if (condition is not null && !ContainerCondition.IsKnown(condition))
            throw new StoreValidationException($"condition: '{condition}' is not an HL7 table 0544 code ({string.Join(", ", ContainerCondition.Codes)})");
        using var turn = await database.EnterWriteAsync(ct).ConfigureAwait(false);
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var receipt = await TransferLedger.ReceiveAsync(c, tx, receiver.OrganizationId!, barcode, condition, receivedBy, _deadlines, time.GetUtcNow(), ct).ConfigureAwait(false)
            ?? throw new StoreValidationException($"barcode '{barcode}': no box in transit to your lab and no tube sent out to it waiting for receipt");
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return receipt;
    }

    /// <summary>
    /// The receiving lab refuses a tube (reason required): its Tasks are rejected (before receipt) or failed (after),
    /// the tube is unsatisfactory (Clinical Order Workflows IG: a rejected specimen), and the sender sees both.
    /// </summary>
    public async Task<IReadOnlyList<TransferTask>> RejectAsync(AccessScope receiver, string taskId, string reason, CancellationToken ct = default)
    {
        var why = Required(reason, "reason", 500);
        var now = time.GetUtcNow();
        using var turn = await database.EnterWriteAsync(ct).ConfigureAwait(false);
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var task = await c.QuerySingleOrDefaultAsync<TransferTaskRow>(Cmd($"SELECT {TransferTaskRow.Columns} FROM {TransferTaskRow.From} WHERE t.id = @id", new { id = taskId }, ct, tx)).ConfigureAwait(false);
        if (task is null || (!receiver.IsRegion && task.owner_lab_id != receiver.OrganizationId))
            throw new StoreValidationException($"task '{taskId}': no such Task owned by your lab");
        if (task.status is "completed" or "rejected" or "failed" or "cancelled") throw new StoreValidationException($"task '{taskId}' is {task.status}; it cannot be rejected now");
        // Everything the tube carries to this lab goes with it: a tube is refused whole.
        await c.ExecuteAsync(Cmd(
            "UPDATE transfer_task SET status = CASE WHEN status = 'requested' THEN 'rejected' ELSE 'failed' END, status_reason = @why, last_updated = @now " +
            "WHERE specimen_id = @tube AND owner_lab_id = @lab AND status IN ('requested', 'accepted', 'in-progress')",
            new { why, now = Ms(now), tube = task.specimen_id, lab = task.owner_lab_id }, ct, tx)).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd("UPDATE specimen SET status = @st, last_updated = @now WHERE id = @tube",
            new { st = Enum(SpecimenStatus.Unsatisfactory), now = Ms(now), tube = task.specimen_id }, ct, tx)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return (await SearchAsync(AccessScope.Region, new TransferQuery { ReferralId = task.referral_id }, ct).ConfigureAwait(false)).Where(x => x.SpecimenId == task.specimen_id).ToList();
    }

    public async Task<TransferTask?> GetAsync(AccessScope scope, string id, CancellationToken ct = default)
    {
        var p = new DynamicParameters(new { id });
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<TransferTaskRow>(Cmd($"SELECT {TransferTaskRow.Columns} FROM {TransferTaskRow.From} WHERE t.id = @id{Scope(scope, p)}", p, ct)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<TransferTask>> SearchAsync(AccessScope scope, TransferQuery query, CancellationToken ct = default)
    {
        var p = new DynamicParameters(new { take = Math.Clamp(query.Count, 1, HubStore.MaxPageSize) });
        var where = "WHERE 1 = 1";
        if (query.OwnerLabId is { } owner) { where += " AND t.owner_lab_id = @owner"; p.Add("owner", owner); }
        if (query.RequesterLabId is { } requester) { where += " AND t.requester_lab_id = @requester"; p.Add("requester", requester); }
        if (query.Status is { } status) { where += " AND t.status = @status"; p.Add("status", TransferStatusText.Of(status)); }
        if (query.ReferralId is { } referral) { where += " AND t.referral_id = @referral"; p.Add("referral", referral); }
        if (query.TestCode is { } code) { where += " AND t.test_code = @code"; p.Add("code", code); }
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        var rows = await c.QueryAsync<TransferTaskRow>(Cmd($"SELECT {TransferTaskRow.Columns} FROM {TransferTaskRow.From} {where}{Scope(scope, p)} ORDER BY t.id LIMIT @take", p, ct)).ConfigureAwait(false);
        return rows.Select(r => r.ToDomain()).ToList();
    }

    /// <summary>A box seen by its sending or receiving lab (or the region).</summary>
    public async Task<ShipmentBox?> GetBoxAsync(AccessScope scope, string id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<ShipmentBoxRow>(Cmd($"SELECT {ShipmentBoxRow.Columns} FROM shipment_box WHERE id = @id", new { id }, ct)).ConfigureAwait(false);
        return row is null || !(scope.IsRegion || row.from_lab_id == scope.OrganizationId || row.to_lab_id == scope.OrganizationId) ? null : row.ToDomain();
    }

    /// <summary>The box's Tasks (its manifest), by tube.</summary>
    public async Task<IReadOnlyList<TransferTask>> BoxContentsAsync(string boxId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        var rows = await c.QueryAsync<TransferTaskRow>(Cmd($"SELECT {TransferTaskRow.Columns} FROM {TransferTaskRow.From} WHERE t.box_id = @box ORDER BY t.specimen_id, t.test_code", new { box = boxId }, ct)).ConfigureAwait(false);
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public async Task<IReadOnlyList<TransferAlert>> ListAlertsAsync(AccessScope scope, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        var rows = await c.QueryAsync<TransferAlertRow>(Cmd(
            "SELECT id, kind, subject_id, lab_id, detail, raised_at FROM transfer_alert" + (scope.IsRegion ? "" : " WHERE lab_id = @org") + " ORDER BY raised_at, id",
            new { org = scope.OrganizationId }, ct)).ConfigureAwait(false);
        return rows.Select(r => r.ToDomain()).ToList();
    }

    /// <summary>
    /// The deadline sweep: every box in transit past its due time and every held Task whose results are past due raises
    /// one alert for the sending lab. Each row is claimed by its <c>overdue_alerted_at</c> in the same statement, so two
    /// hub nodes sweeping at once raise it once. Returns the alerts raised now.
    /// </summary>
    public async Task<IReadOnlyList<TransferAlert>> RaiseOverdueAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var raised = new List<TransferAlert>();
        using var turn = await database.EnterWriteAsync(ct).ConfigureAwait(false);
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var boxes = await c.QueryAsync<(string Id, string Barcode, string From, string To)>(Cmd(
            "UPDATE shipment_box SET overdue_alerted_at = @now WHERE status = 'in-transit' AND overdue_alerted_at IS NULL AND receive_due_at <= @now RETURNING id, barcode, from_lab_id, to_lab_id",
            new { now = Ms(now) }, ct, tx)).ConfigureAwait(false);
        foreach (var b in boxes)
            raised.Add(new TransferAlert(HubId.New(), TransferAlertKind.ShipmentOverdue, b.Id, b.From, $"box '{b.Barcode}' to lab '{b.To}' not received in {_deadlines.Shipment.TotalHours:0.#} h", now));
        var tasks = await c.QueryAsync<(string Id, string Tube, string Code, string From, string To)>(Cmd(
            "UPDATE transfer_task SET overdue_alerted_at = @now WHERE status IN ('accepted', 'in-progress') AND overdue_alerted_at IS NULL AND results_due_at <= @now " +
            "RETURNING id, specimen_id, test_code, requester_lab_id, owner_lab_id",
            new { now = Ms(now) }, ct, tx)).ConfigureAwait(false);
        foreach (var t in tasks)
            raised.Add(new TransferAlert(HubId.New(), TransferAlertKind.ResultsOverdue, t.Id, t.From, $"test {t.Code} of tube '{t.Tube}' at lab '{t.To}': no final result {_deadlines.Results.TotalHours:0.#} h after receipt", now));
        foreach (var a in raised)
        {
            await c.ExecuteAsync(Cmd("INSERT INTO transfer_alert(id, kind, subject_id, lab_id, detail, raised_at) VALUES (@id, @kind, @subject, @lab, @detail, @at)",
                new { id = a.Id, kind = TransferStatusText.AlertOf(a.Kind), subject = a.SubjectId, lab = a.LabId, detail = a.Detail, at = Ms(a.RaisedAt) }, ct, tx)).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return raised;
    }

    private static async Task<ShipmentBox> BoxAsync(DbConnection c, DbTransaction tx, AccessScope scope, string boxId, CancellationToken ct)
    {
        var row = await c.QuerySingleOrDefaultAsync<ShipmentBoxRow>(Cmd($"SELECT {ShipmentBoxRow.Columns} FROM shipment_box WHERE id = @id", new { id = boxId }, ct, tx)).ConfigureAwait(false);
        if (row is null || !(scope.IsRegion || row.from_lab_id == scope.OrganizationId))
            throw new StoreValidationException($"box '{boxId}': no such box opened by your lab");
        return row.ToDomain();
    }

    /// <summary>A Task is seen by its requester, its owner and the organization that placed the referral (IG: the Task is shared by placer and filler).</summary>
    internal static string Scope(AccessScope scope, DynamicParameters p)
    {
        if (scope.IsRegion) return "";
        p.Add("scope_org", scope.OrganizationId);
        return " AND (t.requester_lab_id = @scope_org OR t.owner_lab_id = @scope_org OR EXISTS (SELECT 1 FROM referral sr WHERE sr.id = t.referral_id AND sr.ordering_org_id = @scope_org))";
    }

    private static string Required(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new StoreValidationException($"{field}: required");
        if (FreeText.Problem(value, maxLength) is { } problem) throw new StoreValidationException($"{field}: {problem}");
        return value.Trim();
    }

    private static CommandDefinition Cmd(string sql, object? parameters, CancellationToken ct, DbTransaction? tx = null) => new(sql, parameters, tx, cancellationToken: ct);
}
