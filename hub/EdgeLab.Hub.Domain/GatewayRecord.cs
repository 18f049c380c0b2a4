namespace EdgeLab.Hub.Domain;

/// <summary>A registered gateway and the lab it serves; its last <c>…/status</c> is kept for the fleet view.</summary>
public sealed record GatewayRecord
{
    public required string Id { get; init; }
    public required string LabId { get; init; }
    public bool? Online { get; init; }
    public DateTimeOffset? LastStatusAt { get; init; }
    /// <summary>The last StatusMessage as received (JSON).</summary>
    public string? LastStatusJson { get; init; }
    public DateTimeOffset Created { get; init; }
}

/// <summary>An event a gateway reported (tube scan, link up/down, quarantined, error…), kept for the fleet view.</summary>
public sealed record GatewayEvent
{
    public required long Id { get; init; }
    public required string GatewayId { get; init; }
    public required string MessageId { get; init; }
    public required string Type { get; init; }
    public string? InstrumentId { get; init; }
    public required DateTimeOffset At { get; init; }
    public string? Text { get; init; }
    public string? DataJson { get; init; }
}
