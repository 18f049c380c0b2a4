using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>What a person decided about a held referral.</summary>
public enum IdentityDecision
{
    /// <summary>The referral's patient is the registered one: attach it (optionally correcting the registered demographics).</summary>
    SamePerson,
    /// <summary>Another person who shares the identifier (a typo, a re-issued policy): register a new patient record.</summary>
    DifferentPerson,
    /// <summary>Refuse the referral; nothing is registered (the EMR corrects it and sends it again).</summary>
    Reject,
}

/// <summary>Corrected demographics of the registered patient, given with <see cref="IdentityDecision.SamePerson"/>.</summary>
public sealed record DemographicsCorrection
{
    public string? FamilyName { get; init; }
    public string? GivenName { get; init; }
    public string? MiddleName { get; init; }
    public DateOnly? BirthDate { get; init; }
}

public sealed record IdentityResolution
{
    public required long ConflictId { get; init; }
    public required IdentityDecision Decision { get; init; }
    public DemographicsCorrection? Correction { get; init; }
    /// <summary>Why (free text from the person deciding; no patient data expected), kept on the queue item.</summary>
    public string? Note { get; init; }
    /// <summary>Who decided (client id), for the queue item and the audit trail.</summary>
    public required string ResolvedBy { get; init; }
}

/// <summary>The resolved queue item and, unless rejected, the referral it registered.</summary>
public sealed record ResolvedIdentityConflict(IdentityConflict Conflict, RegisteredReferral? Registered);

/// <summary>
/// The patient-identity queue. An organization sees and resolves the items of the referrals it sent; the region sees all.
/// Out of scope = not found.
/// </summary>
public interface IIdentityConflictStore
{
    Task<Page<IdentityConflict>> ListIdentityConflictsAsync(AccessScope scope, bool includeResolved, int count = 100, string? cursor = null, CancellationToken cancellationToken = default);

    Task<IdentityConflict?> GetIdentityConflictAsync(AccessScope scope, long conflictId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies the decision in one transaction (registering the referral, with barcodes and orders, unless rejected).
    /// Null when the item is not in the scope; <see cref="StoreValidationException"/> when already resolved.
    /// </summary>
    Task<ResolvedIdentityConflict?> ResolveIdentityConflictAsync(AccessScope scope, IdentityResolution resolution, CancellationToken cancellationToken = default);
}
