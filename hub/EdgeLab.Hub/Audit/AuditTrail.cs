using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Audit;

/// <summary>
/// Appends one <see cref="AuditEntry"/> per API call that touches patient data: who (client id, organization),
/// what (action, resource type and id, or the search's query string — never a body), about whom (patient id when
/// known), when, and the outcome (HTTP status, including 403/404). Committed before the response (group-committed
/// with concurrent calls, see <see cref="AuditGroupCommit"/>), so a
/// read that was answered is a read that was recorded; if the audit store fails, the call fails (500), never the
/// other way round.
/// </summary>
internal sealed class AuditTrail(AuditGroupCommit commit, TimeProvider time, ILogger<AuditTrail> logger)
{
    public async Task RecordAsync(
        HttpContext context,
        ApiCaller caller,
        string action,
        string resourceType,
        string? resourceId,
        string? patientId,
        int statusCode)
    {
        var query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value : null;
        var entry = new AuditEntry
        {
            At = time.GetUtcNow(),
            ClientId = caller.ClientId,
            OrganizationId = caller.OrganizationId,
            Action = action,
            ResourceType = resourceType,
            ResourceId = resourceId,
            PatientId = patientId,
            Query = query is { Length: > 2000 } ? query[..2000] : query,
            StatusCode = statusCode,
            RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
        };
        try
        {
            await commit.AppendAsync([entry]);
        }
        catch (Exception e)
        {
            AuditLog.AppendFailed(logger, e, caller.ClientId, action, resourceType);
            throw;
        }
    }

    /// <summary>Several entries of one search (one per patient whose data was returned) in one transaction.</summary>
    public async Task RecordSearchAsync(
        HttpContext context,
        ApiCaller caller,
        string resourceType,
        IEnumerable<string> patientIds,
        int statusCode)
    {
        var query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value : null;
        var at = time.GetUtcNow();
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
            Query = query is { Length: > 2000 } ? query[..2000] : query,
            StatusCode = statusCode,
            RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
        }).ToList();
        try
        {
            await commit.AppendAsync(entries);
        }
        catch (Exception e)
        {
            AuditLog.AppendFailed(logger, e, caller.ClientId, "search", resourceType);
            throw;
        }
    }
}
