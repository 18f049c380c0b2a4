using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>The clinic view's list (issue 13): the referrals an organization ordered, newest first, with what gives their status.</summary>
public interface IClinicViewStore
{
    /// <summary>
    /// Referrals ordered by the scope's organization (the region: all), newest first, optionally only one patient's
    /// (by family-name prefix) or one referral; three aggregate reads for the page, not one per referral.
    /// </summary>
    Task<Page<ClinicReferralSummary>> ListClinicReferralsAsync(AccessScope scope, ClinicReferralQuery query, CancellationToken cancellationToken = default);
}

public sealed record ClinicReferralQuery
{
    /// <summary>A family-name prefix (case-insensitive, as patient search) or a referral id.</summary>
    public string? Search { get; init; }
    /// <summary>Exactly this referral (its page).</summary>
    public string? ReferralId { get; init; }
    public int Count { get; init; } = 50;
    public string? Cursor { get; init; }
}
