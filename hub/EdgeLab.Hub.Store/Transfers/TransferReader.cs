using System.Data.Common;
using Dapper;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

/// <summary>
/// FHIR <c>Task?owner=&amp;requester=&amp;status=&amp;focus=&amp;_lastUpdated=</c> as the store answers it: null = any; paged by
/// Task id (keyset: <see cref="Cursor"/> is the last id of the previous page).
/// </summary>
public sealed record TaskSearch
{
    public string? OwnerLabId { get; init; }
    public string? RequesterLabId { get; init; }
    public TransferStatus? Status { get; init; }
    /// <summary>Task.focus: the ServiceRequest = one test of one referral.</summary>
    public string? ReferralId { get; init; }
    public string? TestCode { get; init; }
    /// <summary>Task.for: the patient.</summary>
    public string? PatientId { get; init; }
    public DateTimeOffset? LastUpdatedFrom { get; init; }
    public DateTimeOffset? LastUpdatedTo { get; init; }
    public int Count { get; init; } = 50;
    public string? Cursor { get; init; }
}

/// <summary>FHIR <c>SupplyDelivery?status=&amp;supplier=&amp;receiver=</c>: the box statuses asked for, the sending and receiving lab.</summary>
public sealed record BoxSearch
{
    public IReadOnlyList<BoxStatus>? Statuses { get; init; }
    public string? FromLabId { get; init; }
    public string? ToLabId { get; init; }
    public int Count { get; init; } = 50;
    public string? Cursor { get; init; }
}

/// <summary>
/// Reads over the send-out tables that the FHIR API, the manifest and the turnaround report need. A Task is seen by its
/// requester, its owner and the organization that ordered the referral (<see cref="TransferStore.Scope"/>); a box by the
/// lab that sends it and the lab it goes to.
/// </summary>
public sealed class TransferReader(IHubDatabase database)
{
    public async Task<Page<TransferTask>> SearchTasksAsync(AccessScope scope, TaskSearch query, CancellationToken ct = default)
    {
        var limit = Math.Clamp(query.Count, 1, HubStore.MaxPageSize);
        var p = new DynamicParameters(new { take = limit + 1 });
        var where = "WHERE 1 = 1";
        if (query.OwnerLabId is { } owner) { where += " AND t.owner_lab_id = @owner"; p.Add("owner", owner); }
        if (query.RequesterLabId is { } requester) { where += " AND t.requester_lab_id = @requester"; p.Add("requester", requester); }
        if (query.Status is { } status) { where += " AND t.status = @status"; p.Add("status", TransferStatusText.Of(status)); }
        if (query.ReferralId is { } referral) { where += " AND t.referral_id = @referral"; p.Add("referral", referral); }
        if (query.TestCode is { } code) { where += " AND t.test_code = @code"; p.Add("code", code); }
        if (query.PatientId is { } patient) { where += " AND s.patient_id = @pid"; p.Add("pid", patient); }
        if (query.LastUpdatedFrom is { } from) { where += " AND t.last_updated >= @from"; p.Add("from", Ms(from)); }
        if (query.LastUpdatedTo is { } to) { where += " AND t.last_updated < @to"; p.Add("to", Ms(to)); }
        if (query.Cursor is { } cursor) { where += " AND t.id > @cursor"; p.Add("cursor", cursor); }
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        var rows = (await c.QueryAsync<TransferTaskRow>(Cmd(
            $"SELECT {TransferTaskRow.Columns} FROM {TransferTaskRow.From} {where}{TransferStore.Scope(scope, p)} ORDER BY t.id LIMIT @take", p, ct)).ConfigureAwait(false)).AsList();
        var more = rows.Count > limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        return new Page<TransferTask>(rows.Select(r => r.ToDomain()).ToList(), more ? rows[^1].id : null);
    }

    public async Task<Page<ShipmentBox>> SearchBoxesAsync(AccessScope scope, BoxSearch query, CancellationToken ct = default)
    {
        var limit = Math.Clamp(query.Count, 1, HubStore.MaxPageSize);
        var p = new DynamicParameters(new { take = limit + 1 });
        var where = "WHERE 1 = 1";
        if (!scope.IsRegion) { where += " AND (from_lab_id = @scope_org OR to_lab_id = @scope_org)"; p.Add("scope_org", scope.OrganizationId); }
        if (query.FromLabId is { } from) { where += " AND from_lab_id = @from"; p.Add("from", from); }
        if (query.ToLabId is { } to) { where += " AND to_lab_id = @to"; p.Add("to", to); }
        if (query.Statuses is { Count: > 0 } statuses)
        {
            var names = statuses.Select(TransferStatusText.BoxOf).Distinct().ToList();
            where += " AND status IN (" + string.Join(", ", names.Select((_, i) => "@st" + i)) + ")";
            for (var i = 0; i < names.Count; i++) p.Add("st" + i, names[i]);
        }
        if (query.Cursor is { } cursor) { where += " AND id > @cursor"; p.Add("cursor", cursor); }
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        var rows = (await c.QueryAsync<ShipmentBoxRow>(Cmd($"SELECT {ShipmentBoxRow.Columns} FROM shipment_box {where} ORDER BY id LIMIT @take", p, ct)).ConfigureAwait(false)).AsList();
        var more = rows.Count > limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        return new Page<ShipmentBox>(rows.Select(r => r.ToDomain()).ToList(), more ? rows[^1].id : null);
    }

    /// <summary>
    /// True when <paramref name="specimenId"/> travels on a Task owned by the caller's lab: the receiving lab reads the tube
    /// (and the aliquot's <c>parent</c> link) it performs, as the filler in the IG's reference-lab flow does.
    /// </summary>
    public async Task<bool> IsSentToAsync(AccessScope scope, string specimenId, CancellationToken ct = default)
    {
        if (scope.IsRegion) return true;
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        return await c.ExecuteScalarAsync<long>(Cmd("SELECT COUNT(*) FROM transfer_task WHERE specimen_id = @id AND owner_lab_id = @org",
            new { id = specimenId, org = scope.OrganizationId }, ct)).ConfigureAwait(false) > 0;
    }

    /// <summary>
    /// Every Task dispatched (its box) or, unboxed, created in [<paramref name="from"/>, <paramref name="to"/>) that the caller
    /// sent or performed, with its milestones: the turnaround report's raw material.
    /// </summary>
    public async Task<IReadOnlyList<TransferMilestones>> MilestonesAsync(AccessScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var p = new DynamicParameters(new { from = Ms(from), to = Ms(to) });
        var where = "WHERE COALESCE(b.dispatched_at, t.created) >= @from AND COALESCE(b.dispatched_at, t.created) < @to";
        if (!scope.IsRegion) { where += " AND (t.requester_lab_id = @scope_org OR t.owner_lab_id = @scope_org)"; p.Add("scope_org", scope.OrganizationId); }
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        var rows = await c.QueryAsync<(string, string, string, long?, long?, long?)>(Cmd(
            "SELECT t.requester_lab_id, t.owner_lab_id, t.test_code, b.dispatched_at, t.received_at, t.completed_at " +
            $"FROM transfer_task t LEFT JOIN shipment_box b ON b.id = t.box_id {where} ORDER BY t.id", p, ct)).ConfigureAwait(false);
        return rows.Select(r => new TransferMilestones(new TransferRoute(r.Item1, r.Item2, r.Item3), Time(r.Item4), Time(r.Item5), Time(r.Item6))).ToList();
    }

    private static CommandDefinition Cmd(string sql, object? parameters, CancellationToken ct, DbTransaction? tx = null) => new(sql, parameters, tx, cancellationToken: ct);
}
