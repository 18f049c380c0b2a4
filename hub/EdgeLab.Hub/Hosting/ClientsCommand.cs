using System.CommandLine;
using System.Text;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir;

namespace EdgeLab.Hub.Hosting;

/// <summary>
/// <c>edgelab-hub clients …</c>: register API client systems (EMRs) and issue their bearer tokens. Uses the same
/// storage options as <c>run</c> (<c>--data</c>, <c>--database-provider</c>, <c>--connection-string</c>; they are
/// recursive, so they may follow the subcommand). <c>add</c> writes the token alone on stdout — once; only its
/// SHA-256 is stored — and everything else on stderr, so <c>TOKEN=$(edgelab-hub clients add …)</c> works.
/// </summary>
internal static class ClientsCommand
{
    public static Command Create()
    {
        var organization = new Option<string>("--organization") { Description = "Organization the client acts for (must exist: 'edgelab-hub organizations add')", Required = true };
        var name = new Option<string>("--name") { Description = "Display name of the client system, e.g. 'Clinic EMR'", Required = true };
        var id = new Option<string?>("--id") { Description = "Client id (default: <organization>-<name as a slug>)" };
        var scopes = new Option<string[]>("--scopes")
        {
            Description = $"Scopes, space- or comma-separated (default: {string.Join(" ", ApiScopes.Default)}); also {ApiScopes.AuditRead}, {ApiScopes.AuditRegion} (regional security officer), {ApiScopes.UnmatchedWrite}, system/<Type>.read|write",
            AllowMultipleArgumentsPerToken = true,
        };
        var expiresIn = new Option<string?>("--expires-in") { Description = "Token lifetime from now: <n>d, <n>h or <n>m, e.g. 90d (default: no expiry)" };
        var expiresAt = new Option<string?>("--expires") { Description = "Token expiry as a date (UTC midnight) or an instant, e.g. 2027-03-01 or 2027-03-01T12:00:00Z" };
        var add = new Command("add", "Register a client system and print its bearer token (shown once)") { organization, name, id, scopes, expiresIn, expiresAt };
        add.SetAction(async (result, ct) =>
        {
            var org = result.GetValue(organization)!;
            var display = result.GetValue(name)!;
            var granted = ParseScopes(result.GetValue(scopes));
            var clientId = result.GetValue(id) ?? DefaultId(org, display);
            if (!ResourceIds.IsValidClientId(clientId))
                throw new ArgumentException($"client id '{clientId}' must be 3–64 of a-z 0-9 '-' (give --id)");
            var now = DateTimeOffset.UtcNow;
            var expires = TokenLifetime.Expiry(result.GetValue(expiresIn), result.GetValue(expiresAt), now);
            var token = ApiTokens.Generate();
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            await scope.Store.AddApiClientAsync(new ApiClient
            {
                Id = clientId,
                Name = display,
                OrganizationId = org,
                TokenSha256 = ApiTokens.Hash(token),
                Scopes = granted,
                Created = now,
                ExpiresAt = expires,
            }, ct).ConfigureAwait(false);
            Console.Error.WriteLine($"client {clientId} ({display}) added for organization {org} with scopes: {string.Join(' ', granted)}; "
                + (expires is { } e ? $"the token expires at {e:yyyy-MM-dd'T'HH:mm:ss'Z'}" : "the token does not expire"));
            Console.Error.WriteLine("bearer token (shown once; only its SHA-256 is stored):");
            Console.Out.WriteLine(token);
            return 0;
        });

        var list = new Command("list", "List client systems (never their tokens)");
        list.SetAction(async (result, ct) =>
        {
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            Console.WriteLine("id\torganization\tname\tscopes\tcreated\trevoked\texpires");
            var now = DateTimeOffset.UtcNow;
            foreach (var c in await scope.Store.ListApiClientsAsync(ct).ConfigureAwait(false))
            {
                var expiry = c.ExpiresAt is not { } e ? "never" : e <= now ? $"expired {e:O}" : e.ToString("O");
                Console.WriteLine($"{c.Id}\t{c.OrganizationId}\t{c.Name}\t{string.Join(' ', c.Scopes)}\t{c.Created:O}\t{c.RevokedAt?.ToString("O") ?? "-"}\t{expiry}");
            }
            return 0;
        });

        var revokeId = new Option<string>("--id") { Description = "Client id", Required = true };
        var revoke = new Command("revoke", "Revoke a client's token at once") { revokeId };
        revoke.SetAction(async (result, ct) =>
        {
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var clientId = result.GetValue(revokeId)!;
            if (!await scope.Store.RevokeApiClientAsync(clientId, DateTimeOffset.UtcNow, ct).ConfigureAwait(false))
                throw new ArgumentException($"no active client '{clientId}' (see 'edgelab-hub clients list')");
            Console.WriteLine($"client {clientId} revoked");
            return 0;
        });

        return new Command("clients", "Manage API client systems (EMRs) and their bearer tokens") { add, list, revoke };
    }

    internal static IReadOnlyList<string> ParseScopes(string[]? raw)
    {
        var scopes = (raw ?? []).SelectMany(s => s.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0) return ApiScopes.Default;
        var unknown = scopes.Where(s => !ApiScopes.IsKnown(s)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"unknown scope(s) {string.Join(", ", unknown)}; use system/*.read, system/*.write, system/<Type>.read|write, {ApiScopes.AuditRead}, {ApiScopes.AuditRegion}, {ApiScopes.UnmatchedWrite}");
        return scopes;
    }

    internal static string DefaultId(string organization, string name)
    {
        var slug = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c)) slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-') slug.Append('-');
        }
        var id = $"{organization}-{slug.ToString().Trim('-')}".Trim('-');
        return id.Length > 64 ? id[..64].TrimEnd('-') : id;
    }
}
