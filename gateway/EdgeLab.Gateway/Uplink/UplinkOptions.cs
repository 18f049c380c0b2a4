namespace EdgeLab.Gateway.Uplink;

internal sealed record UplinkOptions
{
    public required string GatewayId { get; init; }
    /// <summary>Published and not acknowledged by the hub within this time → published again (the hub dedupes by message id).</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Published and not yet acknowledged by the hub, at most. Bounds memory and the resend burst after a broker crash.</summary>
    public int MaxInFlight { get; init; } = 2000;
    /// <summary>Rows read from the database per query when draining a backlog.</summary>
    public int ReadBatch { get; init; } = 256;
}
