using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Referrals;

/// <summary>
/// The outcome of a registration: the registered referral, the validation errors, or — when the patient's identifier
/// matched a registered patient with other demographics — the patient-identity queue item it is held in (one of the three).
/// </summary>
internal sealed record ReferralRegistrationResult(RegisteredReferral? Registered, IReadOnlyList<ValidationError> Errors, IdentityHold? Held = null)
{
    public bool Succeeded => Registered is not null;
}

/// <summary>
/// Registers and cancels referrals: validates (SNILS checksum, OMS policy, catalog tests, performing lab), persists
/// with issued specimen barcodes, and publishes the order upserts / cancels to the performing lab's gateways.
/// </summary>
internal interface IReferralService
{
    /// <param name="orderingOrganizationId">From the authenticated client.</param>
    Task<ReferralRegistrationResult> RegisterAsync(string orderingOrganizationId, ReferralRequest request, CancellationToken cancellationToken = default);

    /// <summary>Null when the referral is not visible to the organization.</summary>
    Task<Domain.Referral?> CancelAsync(AccessScope scope, string referralId, CancellationToken cancellationToken = default);
}
