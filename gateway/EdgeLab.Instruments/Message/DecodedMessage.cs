namespace EdgeLab.Instruments.Message;

/// <summary>
/// One analyzer message after its dialect has been applied: what the <c>decode</c> command prints and what the
/// outbox stores. Values stay strings exactly as sent; <see cref="DecodedResult.Numeric"/> is parsed beside them.
/// </summary>
public sealed record DecodedMessage
{
    /// <summary>Dialect profile name, e.g. <c>sysmex-xn</c>.</summary>
    public required string Profile { get; init; }
    public string? SpecimenId { get; init; }
    public string? PatientId { get; init; }
    /// <summary><c>patient</c>, <c>qc</c> or <c>calibration</c>.</summary>
    public required string Kind { get; init; }
    /// <summary><see cref="ResultPriority.Stat"/> or <see cref="ResultPriority.Asap"/> as the order said; null = routine.</summary>
    public string? Priority { get; init; }
    public required IReadOnlyList<DecodedResult> Results { get; init; }
    /// <summary>Comments attached to the message (header, patient or order level).</summary>
    public IReadOnlyList<string> Comments { get; init; } = [];
}

public sealed record DecodedResult
{
    public required string Code { get; init; }
    public string? Name { get; init; }
    public required string Value { get; init; }
    public decimal? Numeric { get; init; }
    public string? Comparator { get; init; }
    public string? Units { get; init; }
    public IReadOnlyList<string> Flags { get; init; } = [];
    public string? ReferenceRange { get; init; }
    public string? Status { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    /// <summary>Comments that followed this result (LIS02-A2 C records after an R record).</summary>
    public IReadOnlyList<string> Comments { get; init; } = [];
}
