using System.Globalization;
using Dapper;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore
{
    private const string AuditColumns = "at, client_id, org_id, action, resource_type, resource_id, patient_id, query, status_code, remote_address";

    public Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default) => AppendAuditAsync([entry], cancellationToken);

    public async Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        if (entries.Count == 0) return;
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd(
            $"INSERT INTO audit_entry({AuditColumns}) VALUES (@at, @client, @org, @action, @rtype, @rid, @pid, @query, @status, @remote)",
            entries.Select(e => new
            {
                at = Ms(e.At),
                client = e.ClientId,
                org = e.OrganizationId,
                action = e.Action,
                rtype = e.ResourceType,
                rid = e.ResourceId,
                pid = e.PatientId,
                query = e.Query,
                status = (long)e.StatusCode,
                remote = e.RemoteAddress,
            }), cancellationToken, tx)).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<Page<AuditEntry>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        var limit = Limit(query.Count);
        var p = new DynamicParameters();
        var where = "WHERE 1 = 1";
        if (query.ClientId is not null) { where += " AND client_id = @client"; p.Add("client", query.ClientId); }
        if (query.OrganizationId is not null) { where += " AND org_id = @org"; p.Add("org", query.OrganizationId); }
        if (query.PatientId is not null) { where += " AND patient_id = @pid"; p.Add("pid", query.PatientId); }
        if (query.ResourceType is not null) { where += " AND resource_type = @rtype"; p.Add("rtype", query.ResourceType); }
        if (query.ResourceId is not null) { where += " AND resource_id = @rid"; p.Add("rid", query.ResourceId); }
        if (query.From is { } f) { where += " AND at >= @from"; p.Add("from", Ms(f)); }
        if (query.To is { } t) { where += " AND at < @to"; p.Add("to", Ms(t)); }
        if (query.Cursor is not null)
        {
            if (!long.TryParse(query.Cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var before))
                throw new StoreValidationException("the paging cursor is not valid; use the one returned with the previous page");
            where += " AND id < @before";
            p.Add("before", before);
        }
        p.Add("take", limit + 1);
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<AuditRow>(Cmd($"SELECT id, {AuditColumns} FROM audit_entry {where} ORDER BY id DESC LIMIT @take", p, cancellationToken)).ConfigureAwait(false)).AsList();
        return ToPage(rows, limit, r => r.ToDomain(), r => r.id.ToString(CultureInfo.InvariantCulture));
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAuditChunkAsync(AuditPosition after, DateTimeOffset? until, int take, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters();
        p.Add("at", Ms(after.At));
        p.Add("id", after.Id);
        p.Add("take", take);
        var where = "WHERE (at > @at OR (at = @at AND id > @id))";
        if (until is { } u) { where += " AND at < @until"; p.Add("until", Ms(u)); }
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<AuditRow>(Cmd($"SELECT id, {AuditColumns} FROM audit_entry {where} ORDER BY at, id LIMIT @take", p, cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToDomain()).ToList();
    }
}
