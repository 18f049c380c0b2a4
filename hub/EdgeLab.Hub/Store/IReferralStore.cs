using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>A validated referral ready to persist (built by <c>Referrals/ReferralService</c>, which validates).</summary>
internal sealed record NewReferral
{
    /// <summary>The patient as sent; matched to an existing one by SNILS, else by OMS policy, else created.</summary>
    public required Patient Patient { get; init; }
    public required Referral Referral { get; init; }
    /// <summary>Specimens to issue: type and the catalog codes measured from that tube (barcodes are issued by the store).</summary>
    public required IReadOnlyList<(string Type, IReadOnlyList<string> TestCodes)> Specimens { get; init; }
}

/// <summary>What registration produced: the ids and the issued barcodes, in <see cref="NewReferral.Specimens"/> order.</summary>
internal sealed record RegisteredReferral(Patient Patient, Referral Referral, IReadOnlyList<Specimen> Specimens, bool AlreadyExisted);

/// <summary>Writes of referrals and specimens. Use <c>Referrals/ReferralService</c> from the API: it validates and wakes the order publisher.</summary>
internal interface IReferralStore
{
    /// <summary>
    /// Persists patient (matched or created), referral and specimens in one transaction, issuing unique barcodes.
    /// Idempotent on (ordering organization, external id) when an external id is given. The <c>upsert</c> orders for
    /// the performing lab's gateways go into the order outbox in the same transaction.
    /// </summary>
    Task<RegisteredReferral> RegisterReferralAsync(NewReferral referral, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the referral and its specimens cancelled, queueing <c>cancel</c> orders in the same transaction when it was
    /// not cancelled before; null when it does not exist in the scope.
    /// </summary>
    Task<Referral?> CancelReferralAsync(AccessScope scope, string referralId, CancellationToken cancellationToken = default);
}
