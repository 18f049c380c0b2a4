using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Ingest;

/// <summary>How long a critical value may stay unacknowledged on the board before it is escalated.</summary>
internal sealed record CriticalValueOptions
{
    /// <summary>CAP GEN.41320 asks for critical values to be communicated promptly; 15 minutes is a common lab policy.</summary>
    public TimeSpan EscalateAfter { get; init; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Escalates critical values left unacknowledged past <see cref="CriticalValueOptions.EscalateAfter"/> (issue 13): the
/// row is marked once (<c>escalated_at</c>, shown on the board), a Warning is logged (ids and codes only, no patient
/// data) and an audit entry names it. Driven by the ordering organization's grain — its timer, its durable reminder
/// while anything is unacknowledged, and the sweep — like the webhook, so a node's death does not lose it.
/// </summary>
internal sealed partial class CriticalEscalation(IValidationStore store, IAuditStore audit, CriticalValueOptions options, TimeProvider time, ILogger<CriticalEscalation> logger)
{
    public const string AuditClient = "edgelab-hub";

    public TimeSpan EscalateAfter => options.EscalateAfter;

    /// <summary>Escalates what is due for <paramref name="organizationId"/> (all when null); returns what it escalated.</summary>
    public async Task<IReadOnlyList<CriticalNotification>> EscalateDueAsync(string? organizationId, CancellationToken ct)
    {
        var escalated = await store.EscalateDueAsync(organizationId, options.EscalateAfter, ct).ConfigureAwait(false);
        if (escalated.Count == 0) return escalated;
        foreach (var n in escalated) Escalated(logger, n.Id, n.CatalogCode, n.Interpretation, n.OrganizationId, (int)options.EscalateAfter.TotalMinutes);
        await audit.AppendAuditAsync(escalated.Select(n => new AuditEntry
        {
            At = time.GetUtcNow(),
            ClientId = AuditClient,
            OrganizationId = n.OrganizationId,
            Action = "escalate",
            ResourceType = "CriticalValue",
            ResourceId = n.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            PatientId = n.PatientId,
            StatusCode = 200,
        }).ToList(), ct).ConfigureAwait(false);
        return escalated;
    }

    public Task<DateTimeOffset?> NextDueAsync(string organizationId, CancellationToken ct) => store.NextEscalationAsync(organizationId, options.EscalateAfter, ct);

    public Task<IReadOnlyList<string>> OrganizationsDueAsync(CancellationToken ct) => store.OrganizationsDueForEscalationAsync(options.EscalateAfter, ct);

    [LoggerMessage(11, LogLevel.Warning, "Critical value {NotificationId} ({Code} {Interpretation}) for organization {OrganizationId} not acknowledged within {Minutes} min: escalated")]
    private static partial void Escalated(ILogger logger, long notificationId, string code, string interpretation, string organizationId, int minutes);
}
