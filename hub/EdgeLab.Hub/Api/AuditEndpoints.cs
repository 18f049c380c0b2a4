using System.Globalization;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Api;

/// <summary>
/// <c>GET /api/audit?client=&amp;patient=&amp;from=&amp;to=&amp;count=&amp;cursor=[&amp;organization=]</c>: the audit log, newest first.
/// With <c>audit.read</c> a client sees its own organization's entries; there the patient of a refused call (403, 404…)
/// is left out, since the caller was not allowed to learn whose record an id belongs to. With <c>audit.region</c> (the
/// regional security officer) it sees every organization's entries in full, optionally one <c>organization</c>'s.
/// Filter values are free text under <see cref="FreeText"/> (a NUL used to be a 500 on PostgreSQL).
/// </summary>
internal static class AuditEndpoints
{
    private static readonly string[] Parameters = ["client", "patient", "from", "to", "count", "cursor", "organization"];

    public static void Map(RouteGroupBuilder api) => api.MapGet("/audit", Query);

    private static async Task<IResult> Query(HttpContext http, IAuditStore store)
    {
        var caller = ApiCaller.From(http);
        var region = caller.Has(ApiScopes.AuditRegion);
        if (!region) ScopeRequiredException.ThrowUnlessHas(caller, ApiScopes.AuditRead);
        var q = http.Request.Query;
        foreach (var key in q.Keys)
        {
            if (!Parameters.Contains(key))
                throw new FhirInputException(IssueType.NotSupported, $"Unknown parameter '{key}'; use {string.Join(", ", Parameters)}.", key);
        }
        var count = 100;
        if (q.TryGetValue("count", out var c) && (!int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > 1000))
            throw new FhirInputException(IssueType.Value, "count must be an integer from 1 to 1000.", "count");
        var organization = Text(q, "organization");
        if (!region && organization is not null && organization != caller.OrganizationId)
            throw new FhirInputException(IssueType.Forbidden,
                $"organization '{organization}' is not the client's; reading another organization's trail needs the {ApiScopes.AuditRegion} scope.",
                "organization", StatusCodes.Status403Forbidden);
        var page = await store.QueryAuditAsync(new AuditQuery
        {
            OrganizationId = region ? organization : caller.OrganizationId,
            ClientId = Text(q, "client"),
            PatientId = Text(q, "patient"),
            From = Instant(q, "from"),
            To = Instant(q, "to"),
            Count = count,
            Cursor = Text(q, "cursor"),
        }, http.RequestAborted);
        var items = page.Items.Select(e => new AuditItem
        {
            Id = e.Id,
            At = e.At,
            ClientId = e.ClientId,
            OrganizationId = e.OrganizationId,
            Action = e.Action,
            ResourceType = e.ResourceType,
            ResourceId = e.ResourceId,
            PatientId = region || e.StatusCode < 400 ? e.PatientId : null,
            Query = e.Query,
            StatusCode = e.StatusCode,
            RemoteAddress = e.RemoteAddress,
        }).ToList();
        return Results.Json(new AuditList(items, page.NextCursor), ApiJson.Wire.AuditList);
    }

    /// <summary>A single free-text filter value, or null when absent.</summary>
    private static string? Text(IQueryCollection q, string name)
    {
        if (!q.TryGetValue(name, out var values)) return null;
        if (values.Count != 1)
            throw new FhirInputException(IssueType.Invalid, $"{name} may be given once.", name);
        var value = values[0];
        if (string.IsNullOrEmpty(value)) throw new FhirInputException(IssueType.Value, $"{name} is empty; leave it out to not filter.", name);
        if (FreeText.Problem(value, 128) is { } problem) throw new FhirInputException(IssueType.Value, $"{name} {problem}.", name);
        return value;
    }

    private static DateTimeOffset? Instant(IQueryCollection q, string name)
    {
        if (Text(q, name) is not { } raw) return null;
        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new FhirInputException(IssueType.Value, $"{name} must be an ISO 8601 instant, e.g. 2026-11-21T09:00:00Z.", name);
    }
}
