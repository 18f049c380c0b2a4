using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Ingest;

/// <summary>What linking needs to know about a specimen: its referral, patient (sex and age for ranges) and ordering organization.</summary>
internal sealed record SpecimenLink(
    string SpecimenId,
    string ReferralId,
    string PatientId,
    string OrderingOrganizationId,
    string PerformingLabId,
    SpecimenStatus Status,
    Sex Sex,
    DateOnly BirthDate);

/// <summary>The current result for one (specimen, catalog code): what a newer one supersedes.</summary>
internal sealed record CurrentResult(long Id, DateTimeOffset EffectiveAt, long Sequence, int? PlanIndex);
