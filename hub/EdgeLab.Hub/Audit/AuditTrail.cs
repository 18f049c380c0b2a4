using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Audit;

/// <summary>
/// Appends one <see cref="AuditEntry"/> per API call that touches patient data: who (client id, organization),
/// what (action, resource type and id, or the search's query string — never a body), about whom (patient id when
/// known), when, and the outcome (HTTP status, including 403/404). Committed before the response (group-committed
/// with concurrent calls, see <see cref="AuditGroupCommit"/>), so a
/// read that was answered is a read that was recorded; if the audit store fails, the call fails (500), never the
/// other way round. A call the endpoint did not record (a refusal: 400, 401 with a token, 403, 405, 415…) is recorded
/// by <see cref="RefusalAudit"/>; <see cref="WasRecorded"/> keeps it to one entry set per call.
/// </summary>
internal sealed class AuditTrail(AuditGroupCommit commit, TimeProvider time, ILogger<AuditTrail> logger)
{
    private const string RecordedKey = "edgelab.audit.recorded";
    private const int MaxQueryLength = 2000;

    /// <summary>True once this request's audit entries are committed.</summary>
    public static bool WasRecorded(HttpContext context) => context.Items.ContainsKey(RecordedKey);

    public Task RecordAsync(
        HttpContext context,
        ApiCaller caller,
        string action,
        string resourceType,
        string? resourceId,
        string? patientId,
        int statusCode) =>
        RecordAsync(context, caller.ClientId, caller.OrganizationId, action, resourceType, resourceId, patientId, statusCode);

    public async Task RecordAsync(
        HttpContext context,
        string clientId,
        string organizationId,
        string action,
        string resourceType,
        string? resourceId,
        string? patientId,
        int statusCode)
    {
        var entry = new AuditEntry
        {
            At = time.GetUtcNow(),
            ClientId = clientId,
            OrganizationId = organizationId,
            Action = action,
            ResourceType = resourceType,
            ResourceId = resourceId,
            PatientId = patientId,
            Query = Query(context),
            StatusCode = statusCode,
            RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
        };
        await AppendAsync(context, [entry], clientId, action, resourceType).ConfigureAwait(false);
    }

    /// <summary>Several entries of one search (one per patient whose data was returned) in one transaction.</summary>
    public async Task RecordSearchAsync(
        HttpContext context,
        ApiCaller caller,
        string resourceType,
        IEnumerable<string> patientIds,
        int statusCode)
    {
        var at = time.GetUtcNow();
        var query = Query(context);
        var patients = patientIds.Distinct(StringComparer.Ordinal).ToList();
        if (patients.Count == 0) patients.Add(null!);
        var entries = patients.Select(p => new AuditEntry
        {
            At = at,
            ClientId = caller.ClientId,
            OrganizationId = caller.OrganizationId,
            Action = "search",
            ResourceType = resourceType,
            PatientId = p,
            Query = query,
            StatusCode = statusCode,
            RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
        }).ToList();
        await AppendAsync(context, entries, caller.ClientId, "search", resourceType).ConfigureAwait(false);
    }

    private async Task AppendAsync(HttpContext context, IReadOnlyList<AuditEntry> entries, string clientId, string action, string resourceType)
    {
        try
        {
            await commit.AppendAsync(entries).ConfigureAwait(false);
            context.Items[RecordedKey] = true;
        }
        catch (Exception e)
        {
            AuditLog.AppendFailed(logger, e, clientId, action, resourceType);
            throw;
        }
    }

    /// <summary>The query string as sent (percent-encoded, so no raw control character reaches the column), bounded.</summary>
    private static string? Query(HttpContext context)
    {
        var query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value : null;
        return query is { Length: > MaxQueryLength } ? query[..MaxQueryLength] : query;
    }
}
