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
    /// <summary>notAfter of the client certificate in force (issue 12 §1); absent without a client certificate.</summary>
    public DateTimeOffset? CertificateNotAfter { get; init; }
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
    /// <summary>What auto-detection found (instruments configured with <c>profile: auto</c> or <c>baud: auto</c>), else null.</summary>
    public InstrumentDetectionStatus? Detection { get; init; }
}

/// <summary>
/// An instrument's auto-detection result as the status shows it (and as the gateway keeps it across restarts): the
/// serial line, the protocol, the model the header named, the profile decoding it, and a suggestion when no profile
/// matched. No patient data: the sender fields of the message header only.
/// </summary>
public sealed record InstrumentDetectionStatus
{
    /// <summary><c>listening</c> (still looking), <c>line</c> (rate known, model not yet), <c>detected</c>.</summary>
    public required string Stage { get; init; }
    /// <summary>Detected rate, e.g. 19200 (serial with <c>baud: auto</c>).</summary>
    public int? Baud { get; init; }
    /// <summary>Detected framing, e.g. <c>8N1</c>, <c>7E1</c>.</summary>
    public string? Framing { get; init; }
    /// <summary><c>astm</c>, <c>hl7</c> or <c>raw</c>.</summary>
    public string? Protocol { get; init; }
    /// <summary>The header's sender as received, e.g. <c>H.5 'ABX^PENTRA60^V2.0'</c>.</summary>
    public string? Sender { get; init; }
    /// <summary>The profile now used.</summary>
    public string? Profile { get; init; }
    /// <summary>True when a profile named the model; false when a generic profile stands in.</summary>
    public bool Matched { get; init; }
    /// <summary>What a technician should do, when the model was not recognised.</summary>
    public string? Suggestion { get; init; }
    /// <summary>0..1.</summary>
    public double Confidence { get; init; }
    public DateTimeOffset? At { get; init; }
}
