using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Store;
using Microsoft.AspNetCore.Authentication;

namespace EdgeLab.Hub.Audit;

/// <summary>
/// Records the calls under /fhir and /api that no endpoint recorded: the refusals (400 bad input, 401 with a token,
/// 403, 404 of an unknown route, 405, 415, 422…). Issue 9 found none of them in the trail, so a client probing
/// another organization's data, or a leaked token being tried, left no trace. Runs before authentication, so it
/// sees the 401 too; the entry is committed in <c>Response.OnStarting</c>, before the client gets the answer (as
/// for reads). A call with no Authorization header is not recorded: it is no one's, and anyone could flood the
/// trail with them. A token that matched no client is recorded under <see cref="UnknownClient"/>.
/// </summary>
internal sealed class RefusalAudit(RequestDelegate next)
{
    /// <summary>Client and organization of an entry whose token matched no client.</summary>
    public const string UnknownClient = "-";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state => RecordAsync((HttpContext)state), context);
        return next(context);
    }

    public static bool Covers(PathString path) =>
        path.StartsWithSegments("/fhir", StringComparison.Ordinal) || path.StartsWithSegments("/api", StringComparison.Ordinal);

    private static async Task RecordAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        if (status < 400 || AuditTrail.WasRecorded(context)) return;
        if (!context.Request.Headers.ContainsKey("Authorization")) return;
        if (context.Request.Path.StartsWithSegments("/fhir/metadata", StringComparison.Ordinal)) return;

        // A route that requires no client (405 of a known path, 404 of no route) never authenticated: do it here.
        var caller = ApiCaller.TryFrom(context.User);
        if (caller is null && await context.AuthenticateAsync(BearerTokenHandler.SchemeName).ConfigureAwait(false) is { Succeeded: true } authenticated)
            caller = ApiCaller.TryFrom(authenticated.Principal);
        string clientId, organizationId;
        if (caller is not null) (clientId, organizationId) = (caller.ClientId, caller.OrganizationId);
        else if (BearerTokenHandler.PresentedClient(context) is { } presented) (clientId, organizationId) = presented;
        else (clientId, organizationId) = (UnknownClient, UnknownClient);

        var (resourceType, resourceId) = Target(context.Request.Path);
        var action = context.Request.Method switch
        {
            "GET" or "HEAD" => resourceId is null ? "search" : "read",
            "POST" => "create",
            var other => other.ToLowerInvariant(),
        };
        var patientId = resourceType == "Patient" ? null : PatientParameter(context.Request.Query);
        // Whose data was asked for, even though it was not given: only a known client's refusal is worth the lookup.
        if (clientId != UnknownClient && context.Request.Path.StartsWithSegments("/fhir", StringComparison.Ordinal))
            patientId ??= await AuditSubject.PatientOfAsync(context.RequestServices.GetRequiredService<IClinicalStore>(), resourceType, resourceId, CancellationToken.None).ConfigureAwait(false);
        var audit = context.RequestServices.GetRequiredService<AuditTrail>();
        await audit.RecordAsync(context, clientId, organizationId, action, resourceType, resourceId, patientId, status).ConfigureAwait(false);
    }

    /// <summary><c>/fhir/{Type}[/{id}]</c> → (Type, id); <c>/api/{area}[/{id}]</c> → (api/area, id). Bounded, printable.</summary>
    private static (string Type, string? Id) Target(PathString path)
    {
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var type = segments.Length switch
        {
            0 => "-",
            1 => segments[0],
            _ => segments[0] == "fhir" ? segments[1] : $"api/{segments[1]}",
        };
        var id = segments.Length > 2 ? segments[2] : null;
        return (Clean(type) ?? "-", Clean(id));
    }

    private static string? Clean(string? segment) =>
        segment is null ? null : FreeText.IsAcceptable(segment, 64) ? segment : "(unprintable or too long)";

    /// <summary>The patient a search named (<c>patient</c> or <c>subject</c>), when it is a plausible id.</summary>
    private static string? PatientParameter(IQueryCollection query)
    {
        foreach (var name in (string[])["patient", "subject"])
        {
            if (query.TryGetValue(name, out var values) && values.Count == 1 && values[0] is { } raw)
            {
                var id = raw[(raw.LastIndexOf('/') + 1)..];
                if (ResourceIds.IsValid(id)) return id;
            }
        }
        return null;
    }
}
