using System.Security.Claims;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Web.Auth;

/// <summary>The signed-in person behind a web request, from the cookie's claims (<see cref="PersonSignIn"/> issues them).</summary>
internal sealed record WebPerson(string Login, string DisplayName, string OrganizationId, WebRole Role)
{
    public const string OrganizationClaim = "organization";

    /// <summary>The audit trail's "who" for a person, set apart from API client ids.</summary>
    public string AuditId => $"user:{Login}";

    /// <summary>What the person sees: their organization's records; the regional admin the whole region.</summary>
    public AccessScope Scope => Role == WebRole.RegionalAdmin ? AccessScope.Region : AccessScope.ForOrganization(OrganizationId);

    public static WebPerson? From(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true, AuthenticationType: PersonSignIn.Scheme }) return null;
        var login = user.FindFirstValue(ClaimTypes.NameIdentifier);
        var org = user.FindFirstValue(OrganizationClaim);
        if (login is null || org is null || !WebRoles.TryParse(user.FindFirstValue(ClaimTypes.Role), out var role)) return null;
        return new WebPerson(login, user.FindFirstValue(ClaimTypes.Name) ?? login, org, role);
    }

    public ClaimsPrincipal ToPrincipal() => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, Login),
            new Claim(ClaimTypes.Name, DisplayName),
            new Claim(ClaimTypes.Role, WebRoles.Name(Role)),
            new Claim(OrganizationClaim, OrganizationId),
        ], PersonSignIn.Scheme));
}
