namespace EdgeLab.Hub.Api;

/// <summary>
/// One patient-identity queue item as <c>GET /api/identity-conflicts</c> shows it to the organization that sent the
/// referral: its own submission and where the item stands — never the registered patient it collided with (not its
/// id, not its demographics, not which of its fields differ), so the queue is no way to read someone else's record.
/// </summary>
internal sealed record IdentityConflictItem
{
    public required long Id { get; init; }
    /// <summary><c>open</c>, <c>same-person</c>, <c>different-person</c>, <c>rejected</c>.</summary>
    public required string Status { get; init; }
    /// <summary><c>snils</c> or <c>oms</c>: the identifier that matched a registered patient whose demographics differ.</summary>
    public required string MatchedIdentifier { get; init; }
    public required string Reason { get; init; }
    public required string OrderingOrganization { get; init; }
    public required string PerformingLab { get; init; }
    public string? ExternalId { get; init; }
    /// <summary>The patient as the referral named them.</summary>
    public required ReferralFormPatient Patient { get; init; }
    public required IReadOnlyList<string> Tests { get; init; }
    public required DateTimeOffset Created { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolvedBy { get; init; }
    public string? Note { get; init; }
    /// <summary>After "same-person" / "different-person": the registered referral (its barcodes via <see cref="Receipt"/>).</summary>
    public string? ReferralId { get; init; }
    public ReferralReceipt? Receipt { get; init; }
}

internal sealed record IdentityConflictList(IReadOnlyList<IdentityConflictItem> Items, string? Next);

/// <summary><c>POST /api/identity-conflicts/{id}/resolve</c> body.</summary>
internal sealed record IdentityResolveRequest
{
    /// <summary><c>same-person</c>, <c>different-person</c> or <c>reject</c>.</summary>
    public string? Decision { get; init; }
    /// <summary>With <c>same-person</c>: corrected demographics of the registered patient (family, given, middle, birthDate).</summary>
    public ReferralFormPatient? Correct { get; init; }
    /// <summary>Why (kept on the item; no patient data).</summary>
    public string? Note { get; init; }
}
