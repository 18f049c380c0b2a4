using System.Security.Claims;

namespace EdgeLab.Hub.Auth;

/// <summary>The authenticated client system behind a request, from the claims <see cref="BearerTokenHandler"/> issued.</summary>
internal sealed record ApiCaller(string ClientId, string OrganizationId, IReadOnlyList<string> Scopes)
{
    public const string ClientIdClaim = "client_id";
    public const string OrganizationClaim = "organization";
    public const string ScopeClaim = "scope";

    public Store.AccessScope Scope => Store.AccessScope.ForOrganization(OrganizationId);

    public bool Can(string resourceType, string access) => ApiScopes.Allows(Scopes, resourceType, access);

    public bool Has(string scope) => Scopes.Contains(scope);

    public static ApiCaller From(HttpContext context) =>
        TryFrom(context.User)
        ?? throw new InvalidOperationException("The endpoint is not behind the API client authorization policy.");

    public static ApiCaller? TryFrom(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        var clientId = user.FindFirstValue(ClientIdClaim);
        var organization = user.FindFirstValue(OrganizationClaim);
        if (clientId is null || organization is null) return null;
        return new ApiCaller(clientId, organization, user.FindAll(ScopeClaim).Select(c => c.Value).ToList());
    }
}
