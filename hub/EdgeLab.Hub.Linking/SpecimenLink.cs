using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Linking;

/// <summary>
/// What linking needs to know about a specimen: its referral, patient (sex and age for ranges), ordering organization,
/// and when it was collected (the autoverification specimen-age check; null when nobody recorded it).
/// </summary>
public sealed record SpecimenLink(
    string SpecimenId,
    string ReferralId,
    string PatientId,
    string OrderingOrganizationId,
    string PerformingLabId,
    SpecimenStatus Status,
    Sex Sex,
    DateOnly BirthDate,
    DateTimeOffset? CollectedAt = null);

/// <summary>
/// The current result for one (specimen, catalog code): what a newer one supersedes. <paramref name="Content"/> is its
/// <see cref="ResultContent"/>: an incoming result with the same content is a retransmission, not a correction.
/// </summary>
public sealed record CurrentResult(long Id, DateTimeOffset EffectiveAt, long Sequence, int? PlanIndex, string Content);

/// <summary>
/// What makes two results "the same" for retransmission (issue 10, item 3): the value as sent, the stored unit, the
/// analyzer's flags and the status, in the canonical text forms (<see cref="CanonicalText"/>) the database stores, so a row read back compares equal to one about to be written.
/// </summary>
public static class ResultContent
{
    public static string Of(string value, string? unit, string? encodedFlags, string encodedStatus) =>
        string.Join('\u001f', value, unit ?? "", encodedFlags ?? "", encodedStatus);

    /// <summary>The SQL expression over lab_result <c>r</c> that <see cref="Of(string, string?, string?, string)"/> reads.</summary>
    public const string Columns = "r.value, r.unit, r.flags, r.status";
}
