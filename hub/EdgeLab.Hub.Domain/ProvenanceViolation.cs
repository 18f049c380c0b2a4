namespace EdgeLab.Hub.Domain;

/// <summary>Why a result message was refused as not entitled (DESIGN.md guarantee 7).</summary>
public enum ProvenanceReason
{
    /// <summary>No gateway with that id is registered.</summary>
    UnregisteredGateway,
    /// <summary>The gateway is registered but <see cref="GatewayState.Disabled"/>.</summary>
    GatewayDisabled,
    /// <summary>The gateway is registered but <see cref="GatewayState.Revoked"/>.</summary>
    GatewayRevoked,
    /// <summary>The gateway is enrolled but <see cref="GatewayState.Pending"/>: not yet accepted by regional IT.</summary>
    GatewayPending,
    /// <summary>The named specimen is performed by another lab than the gateway's.</summary>
    ForeignSpecimen,
}

/// <summary>
/// A result message held because its sender may not write it: kept whole with the raw payload for a person, listed by
/// <c>GET /api/provenance-violations</c> (the region, and the lab that performs the specimen). Acked to the gateway:
/// it is kept, and a resend would only be held again (hub/ARCHITECTURE.md, "Provenance").
/// </summary>
public sealed record ProvenanceViolation
{
    public required long Id { get; init; }
    public required string GatewayId { get; init; }
    /// <summary>The sending gateway's lab, when it is registered.</summary>
    public string? GatewayLabId { get; init; }
    public required string MessageId { get; init; }
    public required ProvenanceReason Reason { get; init; }
    public required string Detail { get; init; }
    public string? SpecimenId { get; init; }
    /// <summary>The lab performing the named specimen, when the specimen exists.</summary>
    public string? SpecimenLabId { get; init; }
    public required byte[] Payload { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    /// <summary>Who resolved it from the queue (<c>user:{login}</c>), when, and what they noted; null while open.</summary>
    public string? ResolvedBy { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolutionNote { get; init; }
    public bool IsResolved => ResolvedAt is not null;
}
