namespace EdgeLab.Hub.Store;

/// <summary>
/// Who is reading. Every clinical read is scoped: an organization sees a patient only when it manages them, ordered a
/// referral for them, or is the performing lab of one of their referrals. <see cref="Region"/> (regional IT, CLI,
/// ingest) sees everything.
/// </summary>
public sealed record AccessScope
{
    private AccessScope(string? organizationId) => OrganizationId = organizationId;

    /// <summary>Null for <see cref="Region"/>.</summary>
    public string? OrganizationId { get; }

    public bool IsRegion => OrganizationId is null;

    public static AccessScope Region { get; } = new((string?)null);

    public static AccessScope ForOrganization(string organizationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(organizationId);
        return new AccessScope(organizationId);
    }
}
