namespace EdgeLab.Hub.Domain;

/// <summary>Why a result is held instead of linked (DESIGN.md guarantee 6: never guessed).</summary>
public enum UnmatchedReason
{
    /// <summary>No specimen with that id was issued by the hub.</summary>
    UnknownSpecimen,
    /// <summary>The id looks like a hub barcode but its check digit is wrong (a misread or a typo).</summary>
    BadCheckDigit,
    /// <summary>The message carried no specimen id at all.</summary>
    MissingSpecimen,
    /// <summary>The catalog has no mapping for the analyzer's test code on that analyzer model.</summary>
    UnknownTestCode,
    /// <summary>The analyzer sent a unit the catalog does not know for that test on that model (converting would guess).</summary>
    UnknownUnit,
    /// <summary>The specimen's referral was cancelled.</summary>
    SpecimenCancelled,
    /// <summary>
    /// The result's time is further ahead of the hub's clock than the allowed skew (an analyzer clock set to 9999-12-31
    /// would otherwise stay the current result forever).
    /// </summary>
    FutureDated,
}

/// <summary>
/// One analyzer result item the hub could not link, held for a person to resolve. Resolving names the right specimen
/// and/or catalog code; the held item then becomes a <see cref="LabResult"/> (<see cref="ResolvedResultId"/>).
/// </summary>
public sealed record UnmatchedResult
{
    public required long Id { get; init; }
    public required UnmatchedReason Reason { get; init; }
    public required string MessageId { get; init; }
    public required string GatewayId { get; init; }
    /// <summary>The lab the gateway serves (null when the gateway is not registered).</summary>
    public string? LabId { get; init; }
    public required string InstrumentId { get; init; }
    public required string Profile { get; init; }
    /// <summary>The specimen id as the analyzer sent it.</summary>
    public string? SpecimenId { get; init; }
    public required string AnalyzerCode { get; init; }
    public required string Value { get; init; }
    public string? Units { get; init; }
    public IReadOnlyList<string> Flags { get; init; } = [];
    public string? ReferenceRange { get; init; }
    public string? Status { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolvedBy { get; init; }
    public long? ResolvedResultId { get; init; }
    public bool IsResolved => ResolvedAt is not null;
}
