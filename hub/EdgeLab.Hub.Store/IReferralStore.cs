using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>A validated referral ready to persist (built by <c>Referrals/ReferralService</c>, which validates).</summary>
public sealed record NewReferral
{
    /// <summary>
    /// The patient as sent; matched to a registered one by SNILS or OMS policy only when the demographics agree too
    /// (<c>Referrals/PatientIdentity</c>), held for identity review when they do not, else created.
    /// </summary>
    public required Patient Patient { get; init; }
    public required Referral Referral { get; init; }
    /// <summary>Specimens to issue: type and the catalog codes measured from that tube (barcodes are issued by the store).</summary>
    public required IReadOnlyList<(string Type, IReadOnlyList<string> TestCodes)> Specimens { get; init; }
}

/// <summary>What registration produced: the ids and the issued barcodes, in <see cref="NewReferral.Specimens"/> order.</summary>
public sealed record RegisteredReferral(Patient Patient, Referral Referral, IReadOnlyList<Specimen> Specimens, bool AlreadyExisted);

/// <summary>A registration held in the patient-identity queue: nothing was registered. <paramref name="AlreadyHeld"/>: a retry of an open hold (same external id).</summary>
public sealed record IdentityHold(long ConflictId, bool AlreadyHeld);

/// <summary>Either the referral was registered or it was held for identity review (never both).</summary>
public sealed record RegistrationOutcome(RegisteredReferral? Registered, IdentityHold? Held)
{
    public static implicit operator RegistrationOutcome(RegisteredReferral registered) => new(registered, null);

    public static implicit operator RegistrationOutcome(IdentityHold held) => new(null, held);
}

/// <summary>Writes of referrals and specimens. Use <c>Referrals/ReferralService</c> from the API: it validates and wakes the order publisher.</summary>
public interface IReferralStore
{
    /// <summary>
    /// Persists patient (matched or created), referral and specimens in one transaction, issuing unique barcodes.
    /// Idempotent on (ordering organization, external id) when an external id is given. The <c>upsert</c> orders for
    /// the performing lab's gateways go into the order outbox in the same transaction. When the patient's identifier
    /// matches a registered patient whose demographics disagree, nothing is registered: the referral is held in the
    /// patient-identity queue (<see cref="IIdentityConflictStore"/>) and <see cref="RegistrationOutcome.Held"/> says where.
    /// </summary>
    Task<RegistrationOutcome> RegisterReferralAsync(NewReferral referral, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the referral and its specimens cancelled, queueing <c>cancel</c> orders in the same transaction when it was
    /// not cancelled before; null when it does not exist in the scope.
    /// Only the ordering organization (or the region) may cancel.
    /// </summary>
    Task<Referral?> CancelReferralAsync(AccessScope scope, string referralId, CancellationToken cancellationToken = default);
}
