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
            where.Add("specimen_lab_id = @org");
            p.Add("org", scope.OrganizationId);
        }
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var before))
                throw new StoreValidationException("the paging cursor is not valid; use the one returned with the previous page");
            where.Add("id < @before");
            p.Add("before", before);
        }
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<ProvenanceViolationRow>(Cmd(
            "SELECT id, gateway_id, gateway_lab_id, message_id, reason, detail, specimen_id, specimen_lab_id, payload, received_at FROM provenance_violation " +
            (where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where)) + " ORDER BY id DESC LIMIT @take", p, cancellationToken)).ConfigureAwait(false)).AsList();
        return ToPage(rows, limit, r => r.ToDomain(), r => r.id.ToString(CultureInfo.InvariantCulture));
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
    };
}
