namespace EdgeLab.Hub.Api;

/// <summary><c>GET /api/validation/worklist</c>: held results grouped by referral, oldest first.</summary>
internal sealed record WorklistResponse(IReadOnlyList<WorklistReferralItem> Referrals);

internal sealed record WorklistReferralItem(string ReferralId, string PatientId, string OrderingOrganizationId, string? PractitionerName, IReadOnlyList<WorklistResultItem> Results);

/// <summary>One held result: the value, why it was held, and the patient's earlier results of the test with the delta.</summary>
internal sealed record WorklistResultItem
{
    public required long Id { get; init; }
    public required string SpecimenId { get; init; }
    public required string CatalogCode { get; init; }
    public required string Value { get; init; }
    public decimal? Numeric { get; init; }
    public string? Unit { get; init; }
    public string? Interpretation { get; init; }
    public decimal? ReferenceLow { get; init; }
    public decimal? ReferenceHigh { get; init; }
    public string? ReferenceText { get; init; }
    public IReadOnlyList<string>? Flags { get; init; }
    /// <summary>Kebab-case <c>HoldReason</c> names, e.g. <c>outside-reference-range</c>, <c>delta-exceeded</c>.</summary>
    public required IReadOnlyList<string> HoldReasons { get; init; }
    public required DateTimeOffset EffectiveAt { get; init; }
    public required string InstrumentId { get; init; }
    public required IReadOnlyList<PreviousResultItem> Previous { get; init; }
    public decimal? Delta { get; init; }
    public decimal? DeltaPercent { get; init; }
}

internal sealed record PreviousResultItem(long Id, string Value, decimal? Numeric, string? Unit, string? Interpretation, DateTimeOffset EffectiveAt, string Validation);

/// <summary><c>POST /api/validation/results/{id}/{release|rerun|reject}</c> body (a reject needs the reason).</summary>
internal sealed record DecisionRequest
{
    public string? Reason { get; init; }
}

internal sealed record DecisionResponse(long ResultId, string Validation, string ObservationStatus, string DecidedBy, DateTimeOffset DecidedAt, string? Reason);

/// <summary><c>GET /api/critical-values</c>: unacknowledged critical values, oldest first, with whom to call.</summary>
internal sealed record CriticalBoardResponse(IReadOnlyList<CriticalBoardEntry> Items);

internal sealed record CriticalBoardEntry
{
    public required long Id { get; init; }
    public required long ResultId { get; init; }
    public required string PatientId { get; init; }
    public required string ReferralId { get; init; }
    public required string CatalogCode { get; init; }
    public required string Value { get; init; }
    public string? Unit { get; init; }
    public required string Interpretation { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string Validation { get; init; }
    public required string OrderingOrganizationId { get; init; }
    public required string OrderingOrganizationName { get; init; }
    public string? OrderingOrganizationPhone { get; init; }
    public string? PractitionerName { get; init; }
    public DateTimeOffset? WebhookDeliveredAt { get; init; }
    public DateTimeOffset? EscalatedAt { get; init; }
}

/// <summary><c>POST /api/critical-values/{id}/acknowledge</c> body: who told whom, when, and that the value was read back.</summary>
internal sealed record AcknowledgeRequest
{
    public string? InformedBy { get; init; }
    public string? InformedWhom { get; init; }
    public DateTimeOffset? InformedAt { get; init; }
    public bool? ReadBackConfirmed { get; init; }
}
