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
    /// <summary>True while its result waits for a lab doctor: the webhook goes out only after release.</summary>
    public bool Held { get; init; }
    /// <summary>The acknowledgement (who informed whom, read back), or null while it is on the board.</summary>
    public CriticalAcknowledgement? Acknowledgement { get; init; }
    /// <summary>When it was escalated for being unacknowledged too long, or null.</summary>
    public DateTimeOffset? EscalatedAt { get; init; }
}

/// <summary>
/// Who in the lab told whom at the ordering clinic about a critical value, when, and that the receiver read the value
/// back (CAP GEN.41330 / ISO 15189 §7.4.1.3: the person notified repeats the result to confirm it).
/// </summary>
public sealed record CriticalAcknowledgement
{
    /// <summary>The API client (or person) recording it.</summary>
    public required string RecordedBy { get; init; }
    /// <summary>The lab's caller, as they gave their name.</summary>
    public required string InformedBy { get; init; }
    /// <summary>The clinic's person who received the value (name and role).</summary>
    public required string InformedWhom { get; init; }
    public required DateTimeOffset InformedAt { get; init; }
    public required bool ReadBackConfirmed { get; init; }
    public required DateTimeOffset RecordedAt { get; init; }
}
