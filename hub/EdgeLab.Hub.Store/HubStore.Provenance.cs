using System.Globalization;
using Dapper;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore : IProvenanceStore
{
    public async Task<Page<ProvenanceViolation>> ListProvenanceViolationsAsync(AccessScope scope, int count = 100, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var limit = Limit(count);
        var p = new DynamicParameters(new { take = limit + 1 });
        var where = new List<string>();
        if (!scope.IsRegion)
        {
            where.Add("v.specimen_lab_id = @org");
            p.Add("org", scope.OrganizationId);
        }
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var before))
                throw new StoreValidationException("the paging cursor is not valid; use the one returned with the previous page");
            where.Add("v.id < @before");
            p.Add("before", before);
        }
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<ProvenanceViolationRow>(Cmd(
            $"SELECT {ViolationColumns} FROM {ViolationTables} " +
            (where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where)) + " ORDER BY v.id DESC LIMIT @take", p, cancellationToken)).ConfigureAwait(false)).AsList();
        return ToPage(rows, limit, r => r.ToDomain(), r => r.id.ToString(CultureInfo.InvariantCulture));
    }

    private const string ViolationColumns =
        "v.id, v.gateway_id, v.gateway_lab_id, v.message_id, v.reason, v.detail, v.specimen_id, v.specimen_lab_id, v.payload, v.received_at, " +
        "pr.resolved_by, pr.resolved_at, pr.note";

    private const string ViolationTables = "provenance_violation v LEFT JOIN provenance_resolution pr ON pr.violation_id = v.id";

    public async Task<ProvenanceViolation?> GetProvenanceViolationAsync(AccessScope scope, long id, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters(new { id });
        var where = "v.id = @id";
        if (!scope.IsRegion) { where += " AND v.specimen_lab_id = @org"; p.Add("org", scope.OrganizationId); }
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<ProvenanceViolationRow>(Cmd($"SELECT {ViolationColumns} FROM {ViolationTables} WHERE {where}", p, cancellationToken)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<bool> ResolveProvenanceViolationAsync(AccessScope scope, long id, string resolvedBy, string note, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(note)) throw new StoreValidationException("a resolution needs a note saying what was done about the message");
        if (FreeText.Problem(note, 1000) is { } problem) throw new StoreValidationException("the note " + problem);
        var p = new DynamicParameters(new { id, by = resolvedBy, org = scope.OrganizationId ?? "region", at = Ms(time.GetUtcNow()), note = note.Trim() });
        var inScope = scope.IsRegion ? "" : " AND specimen_lab_id = @scope_org";
        if (!scope.IsRegion) p.Add("scope_org", scope.OrganizationId);
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // One statement: in scope and not yet resolved, or nothing (ON CONFLICT keeps the first resolution).
        var n = await c.ExecuteAsync(Cmd(
            "INSERT INTO provenance_resolution(violation_id, resolved_by, organization_id, resolved_at, note) " +
            $"SELECT id, @by, @org, @at, @note FROM provenance_violation WHERE id = @id{inScope} ON CONFLICT DO NOTHING", p, cancellationToken)).ConfigureAwait(false);
        return n == 1;
    }
}

#pragma warning disable CA1812 // instantiated by Dapper
public sealed class ProvenanceViolationRow
{
    public long id { get; set; }
    public string gateway_id { get; set; } = "";
    public string? gateway_lab_id { get; set; }
    public string message_id { get; set; } = "";
    public string reason { get; set; } = "";
    public string detail { get; set; } = "";
    public string? specimen_id { get; set; }
    public string? specimen_lab_id { get; set; }
    public byte[] payload { get; set; } = [];
    public long received_at { get; set; }
    public string? resolved_by { get; set; }
    public long? resolved_at { get; set; }
    public string? note { get; set; }

    public ProvenanceViolation ToDomain() => new()
    {
        Id = id,
        GatewayId = gateway_id,
        GatewayLabId = gateway_lab_id,
        MessageId = message_id,
        Reason = Enum<ProvenanceReason>(reason),
        Detail = detail,
        SpecimenId = specimen_id,
        SpecimenLabId = specimen_lab_id,
        Payload = payload,
        ReceivedAt = Time(received_at),
        ResolvedBy = resolved_by,
        ResolvedAt = resolved_at is { } at ? Time(at) : null,
        ResolutionNote = note,
    };
}
