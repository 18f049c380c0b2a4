namespace EdgeLab.Hub.Domain;

/// <summary>
/// A client system (an EMR) allowed to call the API on behalf of one organization. Only the SHA-256 of its bearer
/// token is stored (hex, lower case).
/// </summary>
public sealed record ApiClient
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string OrganizationId { get; init; }
    public required string TokenSha256 { get; init; }
    /// <summary>e.g. <c>system/*.read</c>, <c>system/ServiceRequest.write</c>; interpreted by the API layer.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    /// <summary>When the token stops working (migration 0008); null = no expiry.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
