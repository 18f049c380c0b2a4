namespace EdgeLab.Hub.Domain;

/// <summary>What an organization is to the region: a clinic orders tests, a lab performs them (a hospital can be both).</summary>
public enum OrganizationKind
{
    Clinic,
    Lab,
}

/// <summary>
/// A facility of the region. Ids are <c>[a-z0-9-]{3,64}</c> (like gateway ids), e.g. <c>tomsk-okb</c>.
/// <see cref="WebhookUrl"/> receives critical-value notifications for referrals this organization ordered.
/// </summary>
public sealed record Organization
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required OrganizationKind Kind { get; init; }
    public string? WebhookUrl { get; init; }
    /// <summary>Where the lab calls with a critical value (shown on the critical-value board), or null.</summary>
    public string? Phone { get; init; }
    public DateTimeOffset Created { get; init; }
}
