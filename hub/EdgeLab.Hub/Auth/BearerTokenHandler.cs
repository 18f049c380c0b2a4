using System.Security.Claims;
using System.Text.Encodings.Web;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace EdgeLab.Hub.Auth;

/// <summary>
/// ASP.NET Core authentication for client systems: <c>Authorization: Bearer &lt;token&gt;</c> (RFC 6750 §2.1). The
/// token's SHA-256 is looked up in <see cref="IApiClientStore"/> and compared in constant time; a revoked or expired
/// client's token is refused (401, <c>error="invalid_token"</c> with the reason and, for an expired one, when it
/// expired). When the token belonged to a known client, the refusal is audited under that client
/// (<see cref="PresentedClient"/>, read by <c>Audit/RefusalAudit</c>). Challenges answer 401 with <c>WWW-Authenticate: Bearer</c> and an OperationOutcome (code
/// <c>login</c>); forbidden answers 403 (code <c>forbidden</c>).
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IApiClientStore clients,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "EdgeLabBearer";
    private const string FailureKey = "edgelab.auth.failure";
    private const string PresentedClientKey = "edgelab.auth.presented-client";

    /// <summary>The client whose token was presented but refused (revoked, expired), for the audit of the refusal.</summary>
    public static (string ClientId, string OrganizationId)? PresentedClient(HttpContext context) =>
        context.Items[PresentedClientKey] as (string, string)?;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Fail("the Authorization header is not a Bearer token");
        var token = header["Bearer ".Length..].Trim();
        if (!ApiTokens.LooksValid(token)) return Fail("the bearer token is malformed");

        var hash = ApiTokens.Hash(token);
        var client = await clients.FindApiClientByTokenHashAsync(hash, Context.RequestAborted);
        if (client is null || !ApiTokens.Matches(token, client.TokenSha256))
            return Fail("the bearer token is unknown or revoked");
        if (client.RevokedAt is not null)
        {
            Context.Items[PresentedClientKey] = (client.Id, client.OrganizationId);
            return Fail("the bearer token is unknown or revoked");
        }
        if (client.ExpiresAt is { } expires && clock.GetUtcNow() >= expires)
        {
            Context.Items[PresentedClientKey] = (client.Id, client.OrganizationId);
            return Fail($"the bearer token expired at {expires.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}; ask the hub's administrator for a new one ('edgelab-hub clients add')");
        }

        var scopes = client.Scopes.Count == 0 ? ApiScopes.Default : client.Scopes;
        var claims = new List<Claim>
        {
            new(ApiCaller.ClientIdClaim, client.Id),
            new(ApiCaller.OrganizationClaim, client.OrganizationId),
            new(ClaimTypes.Name, client.Name),
        };
        claims.AddRange(scopes.Select(s => new Claim(ApiCaller.ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        AuthLog.Authenticated(Logger, client.Id, client.OrganizationId);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private AuthenticateResult Fail(string reason)
    {
        AuthLog.TokenRefused(Logger, reason);
        Context.Items[FailureKey] = reason;
        return AuthenticateResult.Fail(reason);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var reason = Context.Items[FailureKey] as string;
        Response.Headers.WWWAuthenticate = reason is null
            ? "Bearer realm=\"edgelab\""
            : $"Bearer realm=\"edgelab\", error=\"invalid_token\", error_description=\"{reason}\"";
        var message = reason is null
            ? "Authentication required: send 'Authorization: Bearer <token>' (issue one with 'edgelab-hub clients add')."
            : $"Authentication failed: {reason}.";
        await new FhirResult(OperationOutcome.Error(IssueType.Login, message), StatusCodes.Status401Unauthorized)
            .ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await new FhirResult(
                OperationOutcome.Error(IssueType.Forbidden, "The client is not allowed to do this."),
                StatusCodes.Status403Forbidden)
            .ExecuteAsync(Context);
}
