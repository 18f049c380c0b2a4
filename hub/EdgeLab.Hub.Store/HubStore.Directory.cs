using Dapper;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore
{
    public async Task UpsertOrganizationAsync(Organization organization, CancellationToken cancellationToken = default)
    {
        if (!Topics.IsValidGatewayId(organization.Id))
            throw new StoreValidationException($"organization id '{organization.Id}' is not valid; use 3–64 characters of a-z, 0-9 and '-', e.g. tomsk-okb");
        if (organization.WebhookUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
            throw new StoreValidationException($"webhook '{url}' is not an absolute http(s) URL");
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd(
            "INSERT INTO organization(id, name, kind, webhook_url, phone, created) VALUES (@id, @name, @kind, @hook, @phone, @now) " +
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, webhook_url = excluded.webhook_url, phone = excluded.phone",
            new { id = organization.Id, name = organization.Name, kind = Enum(organization.Kind), hook = organization.WebhookUrl, phone = organization.Phone, now = Ms(Now) }, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<Organization?> GetOrganizationAsync(string organizationId, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<OrganizationRow>(Cmd("SELECT id, name, kind, webhook_url, phone, created FROM organization WHERE id = @id", new { id = organizationId }, cancellationToken)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<Organization>> ListOrganizationsAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<OrganizationRow>(Cmd("SELECT id, name, kind, webhook_url, phone, created FROM organization ORDER BY id", null, cancellationToken)).ConfigureAwait(false))
            .Select(r => r.ToDomain()).ToList();
    }

    public async Task UpsertGatewayAsync(string gatewayId, string labId, CancellationToken cancellationToken = default)
    {
        if (!Topics.IsValidGatewayId(gatewayId))
            throw new StoreValidationException($"gateway id '{gatewayId}' is not valid; use 3–64 characters of a-z, 0-9 and '-', e.g. tomsk-okb-gw01");
        var lab = await GetOrganizationAsync(labId, cancellationToken).ConfigureAwait(false)
            ?? throw new StoreValidationException($"organization '{labId}' does not exist; add it first with 'edgelab-hub organizations add --id {labId} --kind lab --name …'");
        if (lab.Kind != OrganizationKind.Lab)
            throw new StoreValidationException($"organization '{labId}' is a {Enum(lab.Kind)}, not a lab; a gateway serves a lab");
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd(
            "INSERT INTO gateway(id, lab_id, created) VALUES (@id, @lab, @now) ON CONFLICT (id) DO UPDATE SET lab_id = excluded.lab_id",
            new { id = gatewayId, lab = labId, now = Ms(Now) }, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<GatewayRecord?> GetGatewayAsync(string gatewayId, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<GatewayRow>(Cmd("SELECT id, lab_id, online, last_status_at, last_status_json, created FROM gateway WHERE id = @id", new { id = gatewayId }, cancellationToken)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<GatewayRecord>> ListGatewaysAsync(string? labId = null, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var sql = "SELECT id, lab_id, online, last_status_at, last_status_json, created FROM gateway" + (labId is null ? "" : " WHERE lab_id = @lab") + " ORDER BY id";
        return (await c.QueryAsync<GatewayRow>(Cmd(sql, new { lab = labId }, cancellationToken)).ConfigureAwait(false)).Select(r => r.ToDomain()).ToList();
    }

    public async Task<IReadOnlyList<GatewayEvent>> ListGatewayEventsAsync(string gatewayId, int count = 100, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<GatewayEventRow>(Cmd(
                "SELECT id, gateway_id, message_id, type, instrument_id, at, text, data_json FROM gateway_event WHERE gateway_id = @gw ORDER BY id DESC LIMIT @take",
                new { gw = gatewayId, take = Limit(count) }, cancellationToken)).ConfigureAwait(false))
            .Select(r => r.ToDomain()).ToList();
    }
}
