namespace EdgeLab.Hub.Domain;

/// <summary>Why an uplink payload could not be read.</summary>
public enum QuarantineReason
{
    NotJson,
    UnknownSchema,
    TooLarge,
    /// <summary>JSON of a known schema, but a required field is missing or inconsistent (e.g. gateway id ≠ topic).</summary>
    Invalid,
    /// <summary>
    /// A message id the hub has already processed, carrying different bytes (issue 9): a gateway store restored from a
    /// backup, a reinstall with ids in the old form, or a forger. Kept and alerted, never acked as a silent repeat.
    /// </summary>
    IdReused,
}

/// <summary>An uplink payload the hub could not read, kept with its raw bytes (DESIGN.md guarantee 5) and acked.</summary>
public sealed record QuarantinedPayload
{
    public required long Id { get; init; }
    public required string Topic { get; init; }
    public string? GatewayId { get; init; }
    /// <summary>From the MQTT user property when it could be recovered.</summary>
    public string? MessageId { get; init; }
    public required QuarantineReason Reason { get; init; }
    public required string Detail { get; init; }
    /// <summary>Raw bytes (truncated to the size limit for oversize payloads).</summary>
    public required byte[] Payload { get; init; }
    public required int PayloadLength { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
}
