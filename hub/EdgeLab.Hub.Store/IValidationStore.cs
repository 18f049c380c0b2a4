using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>
/// Result validation (issue 13): the lab doctor's worklist of held results and the decisions on them, and the
/// critical-value board with its acknowledgements and escalation. Scoped to the performing lab (the lab validates and
/// phones its own results); <see cref="AccessScope.Region"/> sees all.
/// </summary>
public interface IValidationStore
{
    /// <summary>
    /// Current held results without a decision, the oldest <paramref name="count"/> that pass <paramref name="filter"/>,
    /// grouped by referral, each with the patient and the patient's history of the test.
    /// </summary>
    Task<IReadOnlyList<WorklistReferral>> ListWorklistAsync(AccessScope scope, int count = 200, WorklistFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a lab doctor's decision on a held, current result of the lab. A release also frees the result's
    /// critical-value webhook. A reject needs a reason. Answers the result as it now stands.
    /// </summary>
    Task<(DecisionOutcome Outcome, LabResult? Result)> DecideAsync(AccessScope scope, long resultId, ValidationAction action, string decidedBy, string? reason, CancellationToken cancellationToken = default);

    Task<ValidationDecision?> GetDecisionAsync(long resultId, CancellationToken cancellationToken = default);

    /// <summary>Critical values not yet acknowledged, oldest first (rejected or rerun results drop off).</summary>
    Task<IReadOnlyList<CriticalBoardItem>> ListCriticalBoardAsync(AccessScope scope, CancellationToken cancellationToken = default);

    /// <summary>Records who informed whom and the read-back. False when no such unacknowledged notification is in scope.</summary>
    Task<bool> AcknowledgeCriticalAsync(AccessScope scope, long notificationId, CriticalAcknowledgement acknowledgement, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks as escalated each critical value of <paramref name="orderingOrganizationId"/> (all when null) left
    /// unacknowledged for <paramref name="after"/>, once. Returns those it escalated now.
    /// </summary>
    Task<IReadOnlyList<CriticalNotification>> EscalateDueAsync(string? orderingOrganizationId, TimeSpan after, CancellationToken cancellationToken = default);

    /// <summary>When the organization's next unacknowledged, unescalated critical value falls due for escalation, or null.</summary>
    Task<DateTimeOffset?> NextEscalationAsync(string orderingOrganizationId, TimeSpan after, CancellationToken cancellationToken = default);

    /// <summary>The ordering organizations with a critical value due for escalation now (the sweep wakes their grains).</summary>
    Task<IReadOnlyList<string>> OrganizationsDueForEscalationAsync(TimeSpan after, CancellationToken cancellationToken = default);
}
