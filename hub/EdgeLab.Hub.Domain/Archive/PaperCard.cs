namespace EdgeLab.Hub.Domain;

/// <summary>Why a card waits in the archive queue instead of hanging on a patient.</summary>
public enum CardQueueReason
{
    /// <summary>No registered patient carries the card's SNILS or OMS policy.</summary>
    NoPatient,
    /// <summary>A patient carries the identifier but names, birth date or the other identifier differ (issue 9 rules).</summary>
    IdentityMismatch,
    /// <summary>The identifier is carried by more than one registered patient who all agree: a person must choose.</summary>
    Ambiguous,
}

/// <summary>
/// A paper medical card of a polyclinic, kept in the archive. Registered against its patient only when the patient
/// identity rules match (identifier AND demographics); otherwise <see cref="PatientId"/> is null and
/// <see cref="QueueReason"/> says why — never attached by guess.
/// </summary>
public sealed record PaperCard
{
    /// <summary>The polyclinic's card number, unique region-wide (the import is idempotent on it).</summary>
    public required string CardNumber { get; init; }
    public string? PatientId { get; init; }
    public CardQueueReason? QueueReason { get; init; }
    /// <summary>The polyclinic as the inventory names it (organization id).</summary>
    public required string Polyclinic { get; init; }
    public required string BoxId { get; init; }
    public required int Position { get; init; }
    /// <summary>The demographics the inventory gave (kept for the queue's decision).</summary>
    public required Patient Demographics { get; init; }
    public DateTimeOffset Created { get; init; }
}
