using Dapper;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore
{
    private const string ApiClientColumns = "id, name, org_id, token_sha256, scopes, created, revoked_at, expires_at";

    public async Task AddApiClientAsync(ApiClient client, CancellationToken cancellationToken = default)
    {
        if (await GetOrganizationAsync(client.OrganizationId, cancellationToken).ConfigureAwait(false) is null)
            throw new StoreValidationException($"organization '{client.OrganizationId}' does not exist; add it first with 'edgelab-hub organizations add'");
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var n = await c.ExecuteAsync(Cmd(
            $"INSERT INTO api_client({ApiClientColumns}) VALUES (@id, @name, @org, @hash, @scopes, @created, NULL, @expires) ON CONFLICT DO NOTHING",
            new { id = client.Id, name = client.Name, org = client.OrganizationId, hash = client.TokenSha256.ToLowerInvariant(), scopes = Codes(client.Scopes), created = Ms(client.Created == default ? Now : client.Created), expires = client.ExpiresAt is { } e ? Ms(e) : (long?)null },
            cancellationToken)).ConfigureAwait(false);
        if (n == 0) throw new StoreValidationException($"API client '{client.Id}' already exists (or its token hash is in use); choose another id");
    }

    public async Task<ApiClient?> FindApiClientByTokenHashAsync(string tokenSha256, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<ApiClientRow>(Cmd(
            $"SELECT {ApiClientColumns} FROM api_client WHERE token_sha256 = @h", new { h = tokenSha256.ToLowerInvariant() }, cancellationToken)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<ApiClient>> ListApiClientsAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<ApiClientRow>(Cmd($"SELECT {ApiClientColumns} FROM api_client ORDER BY id", null, cancellationToken)).ConfigureAwait(false)).Select(r => r.ToDomain()).ToList();
    }

    public async Task<bool> RevokeApiClientAsync(string clientId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await c.ExecuteAsync(Cmd("UPDATE api_client SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", new { id = clientId, at = Ms(at) }, cancellationToken)).ConfigureAwait(false) > 0;
    }
}
