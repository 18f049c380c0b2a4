using Dapper;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore
{
    private const string RetrievalColumns = "id, card_number, organization_id, requested_by, status, requested_at, deliver_by, return_by, retrieved_at, delivered_at, returned_at, overdue_at";

    /// <summary>The due date now running, in SQL: delivery until delivered, then return (see <see cref="CardRetrieval.DueAt"/>).</summary>
    private const string RunningDue = "CASE WHEN status = 'delivered' THEN return_by ELSE deliver_by END";

    public async Task<CardRetrieval> RequestRetrievalAsync(string cardNumber, string organizationId, string requestedBy, DateTimeOffset deliverBy, CancellationToken ct = default)
    {
        var retrieval = new CardRetrieval
        {
            Id = HubId.New(),
            CardNumber = cardNumber,
            OrganizationId = organizationId,
            RequestedBy = requestedBy,
            Status = RetrievalStatus.Requested,
            RequestedAt = Now,
            DeliverBy = deliverBy,
        };
        using var turn = await database.EnterWriteAsync(ct).ConfigureAwait(false);
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd(
            "INSERT INTO archive_retrieval(id, card_number, organization_id, requested_by, status, requested_at, deliver_by, last_updated) VALUES (@id, @card, @org, @by, 'requested', @at, @due, @at)",
            new { id = retrieval.Id, card = cardNumber, org = organizationId, by = requestedBy, at = StoreEncoding.Ms(retrieval.RequestedAt), due = StoreEncoding.Ms(deliverBy) }, ct)).ConfigureAwait(false);
        return retrieval;
    }

    public async Task<CardRetrieval?> AdvanceRetrievalAsync(AccessScope scope, string id, RetrievalStatus to, DateTimeOffset? returnBy, CancellationToken ct = default)
    {
        var from = to switch
        {
            RetrievalStatus.Retrieved => RetrievalStatus.Requested,
            RetrievalStatus.Delivered => RetrievalStatus.Retrieved,
            RetrievalStatus.Returned => RetrievalStatus.Delivered,
            _ => (RetrievalStatus?)null,
        };
        if (from is null) return null;
        var column = to switch { RetrievalStatus.Retrieved => "retrieved_at", RetrievalStatus.Delivered => "delivered_at", _ => "returned_at" };
        var p = new DynamicParameters(new { id, to = StoreEncoding.Enum(to), from = StoreEncoding.Enum(from.Value), now = StoreEncoding.Ms(Now), rb = StoreEncoding.Ms(returnBy) });
        var setReturn = to == RetrievalStatus.Delivered ? ", return_by = @rb" : "";
        // A new due date starts running on delivery: the overdue mark of the delivery leg does not carry over.
        var resetOverdue = to == RetrievalStatus.Delivered ? ", overdue_at = NULL" : "";
        int changed;
        using (await database.EnterWriteAsync(ct).ConfigureAwait(false))
        {
            await using var c = await OpenAsync(ct).ConfigureAwait(false);
            changed = await c.ExecuteAsync(Cmd(
                $"UPDATE archive_retrieval SET status = @to, {column} = @now, last_updated = @now{setReturn}{resetOverdue} WHERE id = @id AND status = @from{RetrievalScope(scope, p)}", p, ct)).ConfigureAwait(false);
        }
        return changed == 0 ? null : await GetRetrievalAsync(scope, id, ct).ConfigureAwait(false);
    }

    private static string RetrievalScope(AccessScope scope, DynamicParameters p)
    {
        if (scope.IsRegion) return "";
        p.Add("scope_org", scope.OrganizationId);
        return " AND organization_id = @scope_org";
    }

    public async Task<CardRetrieval?> GetRetrievalAsync(AccessScope scope, string id, CancellationToken ct = default)
    {
        var p = new DynamicParameters(new { id });
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<RetrievalRow>(Cmd($"SELECT {RetrievalColumns} FROM archive_retrieval WHERE id = @id{RetrievalScope(scope, p)}", p, ct)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<CardRetrieval>> ListRetrievalsAsync(AccessScope scope, bool overdueOnly, int count, CancellationToken ct = default)
    {
        var p = new DynamicParameters(new { take = Limit(count) });
        var where = "WHERE 1 = 1" + RetrievalScope(scope, p) + (overdueOnly ? " AND overdue_at IS NOT NULL AND status <> 'returned'" : "");
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await c.QueryAsync<RetrievalRow>(Cmd($"SELECT {RetrievalColumns} FROM archive_retrieval {where} ORDER BY id DESC LIMIT @take", p, ct)).ConfigureAwait(false);
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public async Task<IReadOnlyList<CardRetrieval>> MarkOverdueRetrievalsAsync(string organizationId, DateTimeOffset now, CancellationToken ct = default)
    {
        var args = new { org = organizationId, now = StoreEncoding.Ms(now) };
        using var turn = await database.EnterWriteAsync(ct).ConfigureAwait(false);
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var due = $"organization_id = @org AND status <> 'returned' AND overdue_at IS NULL AND {RunningDue} < @now";
        var rows = (await c.QueryAsync<RetrievalRow>(Cmd($"SELECT {RetrievalColumns} FROM archive_retrieval WHERE {due}", args, ct, tx)).ConfigureAwait(false)).AsList();
        if (rows.Count > 0)
            await c.ExecuteAsync(Cmd($"UPDATE archive_retrieval SET overdue_at = @now WHERE {due}", args, ct, tx)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return rows.Select(r => r.ToDomain() with { OverdueAt = now }).ToList();
    }

    public async Task<DateTimeOffset?> NextRetrievalDueAsync(string organizationId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        var ms = await c.ExecuteScalarAsync<long?>(Cmd(
            $"SELECT MIN({RunningDue}) FROM archive_retrieval WHERE organization_id = @org AND status <> 'returned' AND overdue_at IS NULL", new { org = organizationId }, ct)).ConfigureAwait(false);
        return StoreEncoding.Time(ms);
    }

    public async Task<IReadOnlyList<string>> OrganizationsWithOverdueRetrievalsAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        var orgs = await c.QueryAsync<string>(Cmd(
            $"SELECT DISTINCT organization_id FROM archive_retrieval WHERE status <> 'returned' AND overdue_at IS NULL AND {RunningDue} < @now", new { now = StoreEncoding.Ms(now) }, ct)).ConfigureAwait(false);
        return orgs.AsList();
    }
}

internal sealed class RetrievalRow
{
    public string id { get; set; } = "";
    public string card_number { get; set; } = "";
    public string organization_id { get; set; } = "";
    public string requested_by { get; set; } = "";
    public string status { get; set; } = "";
    public long requested_at { get; set; }
    public long deliver_by { get; set; }
    public long? return_by { get; set; }
    public long? retrieved_at { get; set; }
    public long? delivered_at { get; set; }
    public long? returned_at { get; set; }
    public long? overdue_at { get; set; }

    public CardRetrieval ToDomain() => new()
    {
        Id = id,
        CardNumber = card_number,
        OrganizationId = organization_id,
        RequestedBy = requested_by,
        Status = StoreEncoding.Enum<RetrievalStatus>(status),
        RequestedAt = StoreEncoding.Time(requested_at),
        DeliverBy = StoreEncoding.Time(deliver_by),
        ReturnBy = StoreEncoding.Time(return_by),
        RetrievedAt = StoreEncoding.Time(retrieved_at),
        DeliveredAt = StoreEncoding.Time(delivered_at),
        ReturnedAt = StoreEncoding.Time(returned_at),
        OverdueAt = StoreEncoding.Time(overdue_at),
    };
}
