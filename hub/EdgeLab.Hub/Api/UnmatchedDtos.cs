namespace EdgeLab.Hub.Api;

/// <summary>One held result as <c>GET /api/unmatched</c> lists it.</summary>
internal sealed record UnmatchedItem
{
    public required long Id { get; init; }
    /// <summary><c>unknown-specimen</c>, <c>bad-check-digit</c>, <c>missing-specimen</c>, <c>unknown-test-code</c>, <c>specimen-cancelled</c>.</summary>
    public required string Reason { get; init; }
    public required string GatewayId { get; init; }
    public string? LabId { get; init; }
    public required string InstrumentId { get; init; }
    public required string Profile { get; init; }
    public string? SpecimenId { get; init; }
    public required string AnalyzerCode { get; init; }
    public required string Value { get; init; }
    public string? Units { get; init; }
    public IReadOnlyList<string>? Flags { get; init; }
    public string? ReferenceRange { get; init; }
    public string? Status { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolvedBy { get; init; }
    public long? ResolvedResultId { get; init; }
}

internal sealed record UnmatchedList(IReadOnlyList<UnmatchedItem> Items, string? Next);

/// <summary><c>POST /api/unmatched/{id}/resolve</c> body: the right specimen barcode and/or catalog test code.</summary>
internal sealed record ResolveRequest
{
    public string? SpecimenId { get; init; }
    public string? CatalogCode { get; init; }
    /// <summary>Also resolve every other open item held with the same gateway and specimen id (default true).</summary>
    public bool? AllFromSameSpecimen { get; init; }
}

/// <summary>The answer to a resolve: the observations made, and each sibling left held with why (<c>skipped</c>).</summary>
internal sealed record ResolveResponse(long UnmatchedId, IReadOnlyList<long> ResultIds, IReadOnlyList<string> Observations, IReadOnlyList<ResolveSkipped> Skipped);

/// <summary>A held result the resolve left held: its id, analyzer code and what a person must do.</summary>
internal sealed record ResolveSkipped(long UnmatchedId, string AnalyzerCode, string Reason);

/// <summary>One audit row as <c>GET /api/audit</c> lists it.</summary>
internal sealed record AuditItem
{
    public required long Id { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string ClientId { get; init; }
    public required string OrganizationId { get; init; }
    public required string Action { get; init; }
    public required string ResourceType { get; init; }
    public string? ResourceId { get; init; }
    public string? PatientId { get; init; }
    public string? Query { get; init; }
    public required int StatusCode { get; init; }
    public string? RemoteAddress { get; init; }
}

internal sealed record AuditList(IReadOnlyList<AuditItem> Items, string? Next);
