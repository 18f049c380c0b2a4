namespace EdgeLab.Contract;

/// <summary><c>…/status</c> (gw → hub, QoS 1, retained; the Will publishes <c>Online=false</c>).</summary>
public sealed record StatusMessage
{
    public string Schema { get; init; } = Schemas.Status;
    public required string GatewayId { get; init; }
    public required bool Online { get; init; }
    public required DateTimeOffset At { get; init; }
    public string? Version { get; init; }
    public long? ConfigVersion { get; init; }
    public double? UptimeSeconds { get; init; }
    public long? OutboxDepth { get; init; }
    public double? OldestUnsentAgeSeconds { get; init; }
    public long? DiskFreeBytes { get; init; }
    public IReadOnlyList<InstrumentLinkState> Instruments { get; init; } = [];
}

public sealed record InstrumentLinkState
{
    public required string InstrumentId { get; init; }
    public required string Profile { get; init; }
    /// <summary><c>up</c>, <c>down</c>, <c>waiting</c> (a listening TCP port with no connection: idle) or <c>disabled</c>.</summary>
    public required string State { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? LastMessageAt { get; init; }
}
