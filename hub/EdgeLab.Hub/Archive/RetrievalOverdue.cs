using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Archive;

/// <summary>
/// The overdue alert of paper card retrievals (issue 15 §2): a request not delivered by its delivery date, or not
/// returned by its return date, is marked once (<c>overdue_at</c>, listed by <c>GET /api/archive/retrievals?overdue=true</c>),
/// logged as a Warning (ids only, no patient data) and audited. Owned by the requesting organization's grain — its
/// timer, its durable reminder while a request is open, and the sweep — as critical-value escalation is.
/// </summary>
internal sealed partial class RetrievalOverdue(IArchiveStore store, IAuditStore audit, TimeProvider time, ILogger<RetrievalOverdue> logger)
{
    public async Task<IReadOnlyList<CardRetrieval>> MarkDueAsync(string organizationId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var overdue = await store.MarkOverdueRetrievalsAsync(organizationId, now, ct).ConfigureAwait(false);
        if (overdue.Count == 0) return overdue;
        foreach (var r in overdue) Overdue(logger, r.Id, r.CardNumber, StoreEncoding.Enum(r.Status), organizationId);
        await audit.AppendAuditAsync(overdue.Select(r => new AuditEntry
        {
            At = now,
            ClientId = "edgelab-hub",
            OrganizationId = organizationId,
            Action = "overdue",
            ResourceType = "CardRetrieval",
            ResourceId = r.Id,
            StatusCode = 200,
        }).ToList(), ct).ConfigureAwait(false);
        return overdue;
    }

    public Task<DateTimeOffset?> NextDueAsync(string organizationId, CancellationToken ct) => store.NextRetrievalDueAsync(organizationId, ct);

    public Task<IReadOnlyList<string>> OrganizationsDueAsync(CancellationToken ct) => store.OrganizationsWithOverdueRetrievalsAsync(time.GetUtcNow(), ct);

    [LoggerMessage(40, LogLevel.Warning, "Paper card retrieval {RetrievalId} (card {CardNumber}, {Status}) for organization {OrganizationId} is overdue")]
    private static partial void Overdue(ILogger logger, string retrievalId, string cardNumber, string status, string organizationId);
}
