using EdgeLab.Contract;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Linking;

/// <summary>What a received uplink PUBLISH turned out to be, after triage.</summary>
public enum EnvelopeKind
{
    Result,
    Event,
    Status,
    Quarantine,
}

/// <summary>
/// One triaged uplink message on its way into a batch. <see cref="MessageId"/> is null only for status messages and
/// for quarantined payloads whose id could not be recovered (those are stored but cannot be acked).
/// </summary>
public sealed record IngestEnvelope
{
    public required EnvelopeKind Kind { get; init; }
    public required string Topic { get; init; }
    public required string GatewayId { get; init; }
    public MessageId? MessageId { get; init; }
    public ResultMessage? Result { get; init; }
    public EventMessage? Event { get; init; }
    public StatusMessage? Status { get; init; }
    /// <summary>For quarantine: why, and the raw bytes (truncated to the limit); results, events and status keep their bytes too.</summary>
    public QuarantineReason? QuarantineReason { get; init; }
    public string? QuarantineDetail { get; init; }
    public ReadOnlyMemory<byte> RawPayload { get; init; }
    /// <summary>SHA-256 (hex) of the payload, for results and events: a repeated id must repeat the same bytes.</summary>
    public string? PayloadSha256 { get; init; }
    public int RawLength { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
}
