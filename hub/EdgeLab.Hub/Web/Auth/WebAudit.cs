using EdgeLab.Hub.Audit;

namespace EdgeLab.Hub.Web.Auth;

/// <summary>
/// The web pages' entries in the hub's audit trail (<see cref="AuditTrail"/>): every page view of patient data, every
/// decision, every refusal and sign-in attempt, with the person as <c>user:{login}</c> and their organization. Like the
/// API's, the entry is committed before the page is sent, so a page that was shown is a page that was recorded.
/// </summary>
internal sealed class WebAudit(AuditTrail trail)
{
    public Task ViewAsync(HttpContext http, WebPerson person, string resourceType, string? resourceId, string? patientId, int status = StatusCodes.Status200OK) =>
        trail.RecordAsync(http, person.AuditId, person.OrganizationId, "read", resourceType, resourceId, patientId, status);

    public Task ActAsync(HttpContext http, WebPerson person, string action, string resourceType, string? resourceId, string? patientId, int status) =>
        trail.RecordAsync(http, person.AuditId, person.OrganizationId, action, resourceType, resourceId, patientId, status);

    /// <summary>A sign-in attempt: the login tried (unknown logins too, as an attack shows itself by them), no password.</summary>
    public Task SignInAsync(HttpContext http, string login, string? organizationId, SignInOutcome outcome) =>
        trail.RecordAsync(http, $"user:{Truncate(login)}", organizationId ?? "-", outcome == SignInOutcome.SignedIn ? "sign-in" : $"sign-in-{outcome.ToString().ToLowerInvariant()}",
            "Session", null, null, outcome == SignInOutcome.SignedIn ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized);

    private static string Truncate(string login) => login.Length > 64 ? login[..64] : login;
}
