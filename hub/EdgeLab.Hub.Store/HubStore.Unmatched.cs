using System.Data.Common;
using System.Globalization;
using Dapper;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Linking;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore
{
    private const string UnmatchedColumns =
        "id, reason, message_id, gateway_id, lab_id, instrument_id, profile, sequence, specimen_id, analyzer_code, value, units, flags, reference_range, status, completed_at, received_at, resolved_at, resolved_by, resolved_result_id";

    public async Task<Page<UnmatchedResult>> ListUnmatchedAsync(AccessScope scope, UnmatchedQuery query, CancellationToken cancellationToken = default)
    {
        var limit = Limit(query.Count);
        var p = new DynamicParameters();
        var where = "WHERE 1 = 1";
        if (!scope.IsRegion) { where += " AND lab_id = @scope_org"; p.Add("scope_org", scope.OrganizationId); }
        if (!query.IncludeResolved) where += " AND resolved_at IS NULL";
        if (query.GatewayId is not null) { where += " AND gateway_id = @gw"; p.Add("gw", query.GatewayId); }
        if (query.Cursor is not null)
        {
            if (!long.TryParse(query.Cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var before))
                throw new StoreValidationException("the paging cursor is not valid; use the one returned with the previous page");
            where += " AND id < @before";
            p.Add("before", before);
        }
        p.Add("take", limit + 1);
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<UnmatchedRow>(Cmd($"SELECT {UnmatchedColumns} FROM unmatched_result {where} ORDER BY id DESC LIMIT @take", p, cancellationToken)).ConfigureAwait(false)).AsList();
        return ToPage(rows, limit, r => r.ToDomain(), r => r.id.ToString(CultureInfo.InvariantCulture));
    }

    public async Task<UnmatchedResolutionOutcome> ResolveUnmatchedAsync(AccessScope scope, UnmatchedResolution resolution, CancellationToken cancellationToken = default)
    {
        var now = Now;
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var select = Cmd($"SELECT {UnmatchedColumns} FROM unmatched_result WHERE id = @id", new { id = resolution.UnmatchedId }, cancellationToken, tx);
        var first = await c.QuerySingleOrDefaultAsync<UnmatchedRow>(select).ConfigureAwait(false);
        if (first is not null)
        {
            // Two people resolving the same held result (or its siblings from one tube) take turns; the second then
            // reads it resolved, instead of attaching the results twice.
            await WriteLocks.TakeAsync(c, tx, database.Dialect, [$"unmatched:{first.gateway_id}:{first.specimen_id ?? first.id.ToString(CultureInfo.InvariantCulture)}"], cancellationToken).ConfigureAwait(false);
            first = await c.QuerySingleOrDefaultAsync<UnmatchedRow>(select).ConfigureAwait(false);
        }
        if (first is null || (!scope.IsRegion && first.lab_id != scope.OrganizationId))
            throw new StoreValidationException($"held result {resolution.UnmatchedId} does not exist (or belongs to another lab)");
        if (first.resolved_at is not null)
            throw new StoreValidationException($"held result {resolution.UnmatchedId} was already resolved by '{first.resolved_by}'");
        var specimenId = resolution.SpecimenId?.Trim() ?? first.specimen_id;
        if (string.IsNullOrEmpty(specimenId))
            throw new StoreValidationException("the held result has no specimen id; give the specimen (barcode) it belongs to");
        // Only onto a tube the resolving lab performs (issue 9 item 4), and an unknown barcode answers exactly like another
        // organization's: the same words, so resolving is no way to learn which barcodes exist (they are issued in sequence).
        var specimen = await LoadSpecimenLinkAsync(c, tx, specimenId, cancellationToken).ConfigureAwait(false);
        if (specimen is null || (!scope.IsRegion && specimen.PerformingLabId != scope.OrganizationId))
            throw new StoreValidationException($"specimen '{specimenId}' is not found among your lab's specimens; give the barcode printed on a tube of a referral your lab performs");
        if (specimen.Status == SpecimenStatus.Cancelled)
            throw new StoreValidationException($"specimen '{specimenId}' belongs to a cancelled referral; results cannot be attached to it");

        var items = new List<UnmatchedRow> { first };
        if (resolution.AllFromSameSpecimen && resolution.CatalogCode is null && first.specimen_id is not null)
            items = (await c.QueryAsync<UnmatchedRow>(Cmd(
                $"SELECT {UnmatchedColumns} FROM unmatched_result WHERE resolved_at IS NULL AND gateway_id = @gw AND specimen_id = @sid ORDER BY id",
                new { gw = first.gateway_id, sid = first.specimen_id }, cancellationToken, tx)).ConfigureAwait(false)).AsList();

        await WriteLocks.TakeAsync(c, tx, database.Dialect, [WriteLocks.Specimen(specimenId)], cancellationToken).ConfigureAwait(false);
        var plan = new BatchPlan();
        IResultBulkWriter bulk = database.Dialect == DatabaseDialect.Sqlite ? new SqliteResultBulkWriter(catalog) : new PostgresResultBulkWriter(catalog);
        await bulk.LoadCurrentAsync(c, tx, [specimenId], plan, cancellationToken).ConfigureAwait(false);
        // The delta check compares with the patient's earlier results, as at ingest.
        var earliest = items.Min(i => Time(i.completed_at) ?? Time(i.received_at));
        await PatientHistory.LoadAsync(c, tx, database.Dialect, [specimen.PatientId], catalog.Tests.Select(t => t.Code).ToList(),
            earliest - PatientHistory.LongestWindow(catalog), plan, cancellationToken).ConfigureAwait(false);
        var nextId = await bulk.ReserveResultIdsAsync(c, tx, items.Count, cancellationToken).ConfigureAwait(false);
        var resolved = new List<(long UnmatchedId, long ResultId)>();
        var skipped = new List<SkippedHeldResult>();
        var resolvedTest = resolution.CatalogCode is { } code
            ? catalog.Find(code) ?? throw new StoreValidationException($"catalog code '{code}' is not in the regional catalog")
            : null;
        foreach (var u in items)
        {
            var why = HeldResultLinking.TryLink(plan, u.ToDomain(), u.sequence, specimen, resolvedTest, catalog, nextId, now, out var resultId);
            if (why is not null)
            {
                if (items.Count == 1) throw new StoreValidationException(why);
                skipped.Add(new SkippedHeldResult(u.id, u.analyzer_code, why));
                continue;
            }
            resolved.Add((u.id, resultId));
        }
        await bulk.InsertResultsAsync(c, tx, plan, cancellationToken).ConfigureAwait(false);
        await bulk.MoveCurrentAsync(c, tx, plan, cancellationToken).ConfigureAwait(false);
        await PlanWriter.WriteRestAsync(c, tx, database.Dialect, plan, now, cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd(
            "UPDATE unmatched_result SET resolved_at = @at, resolved_by = @by, resolved_result_id = @rid WHERE id = @id",
            resolved.Select(r => new { at = Ms(now), by = resolution.ResolvedBy, rid = r.ResultId, id = r.UnmatchedId }), cancellationToken, tx)).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new UnmatchedResolutionOutcome(resolved.Select(r => r.ResultId).ToList(), skipped);
    }

    public async Task<Page<QuarantinedPayload>> ListQuarantineAsync(int count = 100, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var limit = Limit(count);
        var p = new DynamicParameters(new { take = limit + 1 });
        var where = "";
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var before))
                throw new StoreValidationException("the paging cursor is not valid; use the one returned with the previous page");
            where = "WHERE id < @before";
            p.Add("before", before);
        }
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<QuarantineRow>(Cmd(
            $"SELECT id, topic, gateway_id, message_id, reason, detail, payload, payload_length, received_at FROM quarantine {where} ORDER BY id DESC LIMIT @take", p, cancellationToken)).ConfigureAwait(false)).AsList();
        return ToPage(rows, limit, r => r.ToDomain(), r => r.id.ToString(CultureInfo.InvariantCulture));
    }

    private static async Task<SpecimenLink?> LoadSpecimenLinkAsync(DbConnection c, DbTransaction tx, string specimenId, CancellationToken ct)
    {
        var row = await c.QuerySingleOrDefaultAsync<(string, string, string, string, string, string, string, string, long?)>(new CommandDefinition(
            "SELECT s.id, s.referral_id, s.patient_id, r.ordering_org_id, r.performing_lab_id, s.status, p.sex, p.birth_date, s.collected_at " +
            "FROM specimen s JOIN referral r ON r.id = s.referral_id JOIN patient p ON p.id = s.patient_id WHERE s.id = @id",
            new { id = specimenId }, tx, cancellationToken: ct)).ConfigureAwait(false);
        return row.Item1 is null ? null : new SpecimenLink(row.Item1, row.Item2, row.Item3, row.Item4, row.Item5, Enum<SpecimenStatus>(row.Item6), Sex(row.Item7), Date(row.Item8), Time(row.Item9));
    }
}
