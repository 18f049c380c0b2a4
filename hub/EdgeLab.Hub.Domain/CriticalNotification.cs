namespace EdgeLab.Hub.Domain;

/// <summary>
/// A critical (panic) value to tell the ordering organization at once: a row written in the same transaction as the
/// result, delivered to the organization's webhook by the delivery worker, retried with backoff until a 2xx.
/// </summary>
public sealed record CriticalNotification
{
    public required long Id { get; init; }
    public required string OrganizationId { get; init; }
    public required long ResultId { get; init; }
    public required string PatientId { get; init; }
    public required string ReferralId { get; init; }
    public required string CatalogCode { get; init; }
    public required string Interpretation { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public string? LastError { get; init; }
}
