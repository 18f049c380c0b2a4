namespace EdgeLab.Contract;

/// <summary><c>…/events</c> (gw → hub, QoS 1): tube scans, link up/down, quarantined messages, alarms.</summary>
public sealed record EventMessage
{
    public string Schema { get; init; } = Schemas.Event;
    public required string MessageId { get; init; }
    public required string GatewayId { get; init; }
    public required long Sequence { get; init; }
    /// <summary>One of <see cref="EventTypes"/>.</summary>
    public required string Type { get; init; }
    public string? InstrumentId { get; init; }
    public required DateTimeOffset At { get; init; }
    /// <summary>Human-readable, without patient data (events leave the device).</summary>
    public string? Text { get; init; }
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();
}

public static class EventTypes
{
    public const string TubeScan = "tube-scan";
    public const string LinkUp = "link-up";
    public const string LinkDown = "link-down";
    public const string Quarantined = "quarantined";
    public const string StoreFull = "store-full";
    public const string Error = "error";
    public const string ConfigApplied = "config-applied";
    public const string ConfigRejected = "config-rejected";
    /// <summary>Someone pressed the gateway box's button: the fleet console can show which box is in their hands.</summary>
    public const string Identify = "identify";
    /// <summary>Auto-detection settled an instrument's line, protocol and model (data: baud, framing, protocol, sender, profile, matched, confidence, suggestion).</summary>
    public const string InstrumentDetected = "instrument-detected";
    /// <summary>The gateway's client certificate was renewed over MQTT and the broker accepted it (data: serial, previousSerial, notAfter).</summary>
    public const string CertificateRenewed = "certificate-renewed";
    /// <summary>A renewal did not go through (hub refused, wrong subject or key, bad chain, broker refused); the text says why. The old certificate stays.</summary>
    public const string CertificateRenewalFailed = "certificate-renewal-failed";
}
