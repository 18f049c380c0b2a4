namespace EdgeLab.Hub.Domain;

public enum ResultStatus
{
    Preliminary,
    Final,
    /// <summary>A correction (LIS02-A2 result status C / HL7 OBX-11 C) of an earlier result it supersedes.</summary>
    Corrected,
    /// <summary>The analyzer could not produce a result (LIS02-A2 X, HL7 X).</summary>
    Cancelled,
}

/// <summary>
/// One stored result (FHIR Observation), linked specimen → referral → patient. History is kept: a newer result for
/// the same specimen and test supersedes the older one (<see cref="SupersedesId"/>); only one is <see cref="IsCurrent"/>.
/// </summary>
public sealed record LabResult
{
    public required long Id { get; init; }
    public required string SpecimenId { get; init; }
    public required string ReferralId { get; init; }
    public required string PatientId { get; init; }
    /// <summary>The lab that measured it (the gateway's lab), which can differ from the referral's performing lab.</summary>
    public required string PerformingLabId { get; init; }
    /// <summary>Regional catalog code (see <see cref="TestDefinition"/>).</summary>
    public required string CatalogCode { get; init; }
    public required string AnalyzerCode { get; init; }
    /// <summary>The value exactly as the analyzer sent it (e.g. <c>&lt;15</c>, <c>NEGATIVE</c>, <c>5.2</c>).</summary>
    public required string Value { get; init; }
    /// <summary>In the catalog's UCUM unit (after conversion from the analyzer's unit).</summary>
    public decimal? Numeric { get; init; }
    public string? Comparator { get; init; }
    /// <summary>UCUM unit of <see cref="Numeric"/>.</summary>
    public string? Unit { get; init; }
    public decimal? ReferenceLow { get; init; }
    public decimal? ReferenceHigh { get; init; }
    /// <summary>Reference range as text when not numeric (e.g. <c>NEGATIVE</c>), or as the analyzer sent it.</summary>
    public string? ReferenceText { get; init; }
    /// <summary>One of <see cref="InterpretationCodes"/>, or null when not applicable (text results).</summary>
    public string? Interpretation { get; init; }
    /// <summary>The analyzer's own flags, kept verbatim.</summary>
    public IReadOnlyList<string> AnalyzerFlags { get; init; } = [];
    public required ResultStatus Status { get; init; }
    /// <summary>When the analyzer measured it (falls back to the gateway's receive time).</summary>
    public required DateTimeOffset EffectiveAt { get; init; }
    /// <summary>When the hub stored it.</summary>
    public required DateTimeOffset IssuedAt { get; init; }
    public required string GatewayId { get; init; }
    public required string InstrumentId { get; init; }
    /// <summary><c>gatewayId:sequence</c> of the uplink message that carried it.</summary>
    public required string MessageId { get; init; }
    public long? SupersedesId { get; init; }
    public required bool IsCurrent { get; init; }
    /// <summary>
    /// Why a person must review this result before trusting it (e.g. the analyzer sent no unit, so the value was neither
    /// converted nor interpreted against the catalog's range); null when nothing needs review. Such a result never
    /// raises a critical-value notification.
    /// </summary>
    public string? Review { get; init; }
    /// <summary>Why autoverification held it (empty when the rules released it).</summary>
    public IReadOnlyList<HoldReason> HoldReasons { get; init; } = [];
    /// <summary>Held, released (by the rules or a lab doctor), rerun requested or rejected.</summary>
    public ValidationState Validation { get; init; } = ValidationState.AutoReleased;
    /// <summary>True when a critical limit of the catalog was crossed (LL or HH).</summary>
    public bool IsCritical => Interpretation is InterpretationCodes.CriticalLow or InterpretationCodes.CriticalHigh;
    public DateTimeOffset LastUpdated { get; init; }
}

/// <summary>HL7 v3 ObservationInterpretation codes the hub computes (FHIR R4 <c>Observation.interpretation</c>).</summary>
public static class InterpretationCodes
{
    public const string Normal = "N";
    public const string Low = "L";
    public const string High = "H";
    public const string CriticalLow = "LL";
    public const string CriticalHigh = "HH";
    /// <summary>Abnormal (coded results outside the expected value).</summary>
    public const string Abnormal = "A";
}
