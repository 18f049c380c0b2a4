using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>Patient search; every given criterion must match. Names match case-insensitively by prefix.</summary>
public sealed record PatientQuery
{
    public string? Snils { get; init; }
    public string? OmsPolicy { get; init; }
    public string? FamilyName { get; init; }
    public string? GivenName { get; init; }
    public DateOnly? BirthDate { get; init; }
    public int Count { get; init; } = 50;
    public string? Cursor { get; init; }
}

public sealed record ReferralQuery
{
    public string? PatientId { get; init; }
    public ReferralStatus? Status { get; init; }
    public int Count { get; init; } = 50;
    public string? Cursor { get; init; }
}

public sealed record SpecimenQuery
{
    public string? PatientId { get; init; }
    public string? ReferralId { get; init; }
    /// <summary>The barcode (= specimen id).</summary>
    public string? Barcode { get; init; }
    public int Count { get; init; } = 50;
    public string? Cursor { get; init; }
}

/// <summary>
/// Observation search (FHIR <c>Observation?patient=&amp;code=&amp;category=&amp;date=&amp;_lastUpdated=&amp;_count=</c>).
/// Codes match the catalog code or the LOINC code. Only current results unless <see cref="IncludeSuperseded"/>.
/// Ordered by effective time descending, then id.
/// </summary>
public sealed record ObservationQuery
{
    public string? PatientId { get; init; }
    public string? ReferralId { get; init; }
    public string? SpecimenId { get; init; }
    public IReadOnlyList<string> Codes { get; init; } = [];
    /// <summary>Catalog section (<c>hematology</c>, <c>chemistry</c>…) or <c>laboratory</c> (= all).</summary>
    public string? Category { get; init; }
    /// <summary>Effective time ≥ (inclusive).</summary>
    public DateTimeOffset? EffectiveFrom { get; init; }
    /// <summary>Effective time &lt; (exclusive).</summary>
    public DateTimeOffset? EffectiveTo { get; init; }
    public DateTimeOffset? LastUpdatedFrom { get; init; }
    public DateTimeOffset? LastUpdatedTo { get; init; }
    public bool IncludeSuperseded { get; init; }
    public int Count { get; init; } = 50;
    public string? Cursor { get; init; }
}

public sealed record ReportQuery
{
    public string? PatientId { get; init; }
    public string? ReferralId { get; init; }
    public ReportStatus? Status { get; init; }
}

public sealed record UnmatchedQuery
{
    public bool IncludeResolved { get; init; }
    public string? GatewayId { get; init; }
    public int Count { get; init; } = 100;
    public string? Cursor { get; init; }
}

/// <summary>How a person resolves a held result: the right specimen (barcode) and/or the right catalog code.</summary>
public sealed record UnmatchedResolution
{
    public required long UnmatchedId { get; init; }
    /// <summary>The specimen the result belongs to; null keeps the one it came with (when that one is known).</summary>
    public string? SpecimenId { get; init; }
    /// <summary>The catalog test it is; null maps the analyzer code through the catalog.</summary>
    public string? CatalogCode { get; init; }
    /// <summary>Who resolved it (client id or user), for the audit trail.</summary>
    public required string ResolvedBy { get; init; }
    /// <summary>Also resolve every other open item held with the same gateway and specimen id.</summary>
    public bool AllFromSameSpecimen { get; init; } = true;
}

/// <summary>
/// What resolving did: the results it linked, and each sibling it left held with the reason (issue 10, item 8: it
/// used to skip them without saying why).
/// </summary>
public sealed record UnmatchedResolutionOutcome(IReadOnlyList<long> ResultIds, IReadOnlyList<SkippedHeldResult> Skipped);

/// <summary>A held result that stays held after a resolution, and why (what a person must do about it).</summary>
public sealed record SkippedHeldResult(long UnmatchedId, string AnalyzerCode, string Reason);

public sealed record AuditQuery
{
    public string? ClientId { get; init; }
    public string? OrganizationId { get; init; }
    public string? PatientId { get; init; }
    /// <summary>With <see cref="ResourceId"/>: the trail of one queue item or record, as its web page shows it.</summary>
    public string? ResourceType { get; init; }
    public string? ResourceId { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public int Count { get; init; } = 100;
    public string? Cursor { get; init; }
}
