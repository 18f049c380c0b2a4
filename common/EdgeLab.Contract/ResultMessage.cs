namespace EdgeLab.Contract;

/// <summary>
/// <c>…/results</c> (gw → hub, QoS 1): one decoded analyzer message. Values stay strings exactly as the
/// analyzer sent them; <see cref="ResultItem.Numeric"/> is a convenience the hub may recompute.
/// </summary>
public sealed record ResultMessage
{
    public string Schema { get; init; } = Schemas.Result;
    public required string MessageId { get; init; }
    public required string GatewayId { get; init; }
    public required long Sequence { get; init; }
    /// <summary>The gateway's name for the instrument (unique per gateway), e.g. <c>xn-550-1</c>.</summary>
    public required string InstrumentId { get; init; }
    /// <summary>Dialect profile name = analyzer model, e.g. <c>sysmex-xn</c>; the hub maps test codes per model.</summary>
    public required string Profile { get; init; }
    /// <summary><c>astm</c> or <c>hl7</c>.</summary>
    public required string Protocol { get; init; }
    /// <summary><c>patient</c>, <c>qc</c> or <c>calibration</c>.</summary>
    public required string Kind { get; init; }
    public string? SpecimenId { get; init; }
    /// <summary>
    /// <c>stat</c> or <c>asap</c> when the order said so (LIS02-A2 O.6, HL7 OBR-27.6/ORC-7.6/TQ1-9); absent = routine.
    /// Optional and additive: STAT messages are published and ingested ahead of routine ones.
    /// </summary>
    public string? Priority { get; init; }
    /// <summary>The patient id as the analyzer sent it (never trusted for linking; the specimen id is).</summary>
    public string? PatientId { get; init; }
    /// <summary>When the gateway committed the message (the last frame's arrival).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }
    /// <summary>SHA-256 (hex) of the raw transcript kept at the gateway (DESIGN.md guarantee 4).</summary>
    public required string TranscriptSha256 { get; init; }
    public required IReadOnlyList<ResultItem> Results { get; init; }
    public IReadOnlyList<string> Comments { get; init; } = [];
}

public sealed record ResultItem
{
    /// <summary>The analyzer's own test code (e.g. <c>WBC</c>, <c>685</c>).</summary>
    public required string Code { get; init; }
    public string? Name { get; init; }
    public required string Value { get; init; }
    public decimal? Numeric { get; init; }
    /// <summary><c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c> when the value carried one (e.g. <c>&lt;15</c>).</summary>
    public string? Comparator { get; init; }
    public string? Units { get; init; }
    public IReadOnlyList<string> Flags { get; init; } = [];
    public string? ReferenceRange { get; init; }
    /// <summary>LIS02-A2 result status (F final, C correction, P preliminary, X cannot be done…) or HL7 OBX-11.</summary>
    public string? Status { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public IReadOnlyList<string> Comments { get; init; } = [];
}
