using System.Globalization;
using EdgeLab.Hub.Api;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Audit;

/// <summary>
/// <c>GET /api/audit?client=&amp;patient=&amp;from=&amp;to=&amp;count=&amp;cursor=</c>: the organization's audit log, newest
/// first, for a client holding <c>audit.read</c>. Always limited to the caller's own organization.
/// </summary>
internal static class AuditEndpoints
{
    public static void Map(RouteGroupBuilder api) => api.MapGet("/audit", Query);

    private static async Task<IResult> Query(HttpContext http, IAuditStore store)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessHas(caller, ApiScopes.AuditRead);
        var q = http.Request.Query;
        foreach (var key in q.Keys)
        {
            if (key is not ("client" or "patient" or "from" or "to" or "count" or "cursor"))
                throw new FhirInputException(IssueType.NotSupported, $"Unknown parameter '{key}'; use client, patient, from, to, count, cursor.", key);
        }
        var count = 100;
        if (q.TryGetValue("count", out var c) && (!int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > 1000))
            throw new FhirInputException(IssueType.Value, "count must be an integer from 1 to 1000.", "count");
        var page = await store.QueryAuditAsync(new AuditQuery
        {
            OrganizationId = caller.OrganizationId,
            ClientId = q.TryGetValue("client", out var client) ? client.ToString() : null,
            PatientId = q.TryGetValue("patient", out var patient) ? patient.ToString() : null,
            From = Instant(q, "from"),
            To = Instant(q, "to"),
            Count = count,
            Cursor = q.TryGetValue("cursor", out var cursor) ? cursor.ToString() : null,
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
            PatientId = e.PatientId,
            Query = e.Query,
            StatusCode = e.StatusCode,
            RemoteAddress = e.RemoteAddress,
        }).ToList();
        return Results.Json(new AuditList(items, page.NextCursor), ApiJson.Wire.AuditList);
    }

    private static DateTimeOffset? Instant(IQueryCollection q, string name)
    {
        if (!q.TryGetValue(name, out var raw)) return null;
        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new FhirInputException(IssueType.Value, $"{name} must be an ISO 8601 instant, e.g. 2026-11-21T09:00:00Z.", name);
    }
}
