using System.Text.Json.Serialization;

namespace EdgeLab.Gateway.LocalStatus;

/// <summary>
/// The technician's view of the gateway, served on the status socket (<c>edgelab-gateway status --json</c>) and behind
/// the status page. Language-neutral facts only — states, times, counts, classified problems; the words come from
/// <see cref="TechnicianAdvice"/> in the reader's language. No patient data: no specimen ids, names or values.
/// </summary>
/// <remarks>Add fields freely (auto-detection, serial details): readers ignore what they do not know.</remarks>
internal sealed record GatewayLocalStatus
{
    public const string CurrentSchema = "edgelab.gateway-local-status/1";

    public string Schema { get; init; } = CurrentSchema;
    public required string GatewayId { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string Version { get; init; }
    public required double UptimeSeconds { get; init; }
    /// <summary>IANA id of the site's time zone; times are shown in it.</summary>
    public required string TimeZone { get; init; }
    public required UplinkStatus Uplink { get; init; }
    public required OutboxStatus Outbox { get; init; }
    public required IReadOnlyList<InstrumentStatus> Instruments { get; init; }
    /// <summary>The box's LED and buzzer, when the gateway has them.</summary>
    public BoxStatus? Box { get; init; }
    /// <summary>Ok, Attention (something needs a person) or Critical (the analyzers are being refused).</summary>
    public required Health Health { get; init; }
}

internal sealed record UplinkStatus
{
    /// <summary><c>host:port</c> of the broker.</summary>
    public required string Broker { get; init; }
    public required bool Connected { get; init; }
    public required DateTimeOffset Since { get; init; }
    public DateTimeOffset? LastHubAckAt { get; init; }
    /// <summary>notAfter of the client certificate in force; renewed over MQTT before it (issue 12 §1).</summary>
    public DateTimeOffset? CertificateNotAfter { get; init; }
}

internal sealed record OutboxStatus
{
    /// <summary>Messages kept here and not yet acknowledged by the hub.</summary>
    public required long Depth { get; init; }
    public DateTimeOffset? OldestUnsentAt { get; init; }
    public required bool Full { get; init; }
}

internal sealed record InstrumentStatus
{
    public required string Id { get; init; }
    public required string Profile { get; init; }
    /// <summary><c>serial</c>, <c>tcp-client</c>, <c>tcp-server</c>, or <c>scanner</c>.</summary>
    public required string Transport { get; init; }
    /// <summary>Where the link is: a device path, or the TCP port / address.</summary>
    public required string Where { get; init; }
    /// <summary><c>up</c>, <c>waiting</c>, <c>down</c> or <c>disabled</c>, as in the hub's status.</summary>
    public required string Link { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? LastMessageAt { get; init; }
    public MessageKind? LastMessageKind { get; init; }
    public int MessagesToday { get; init; }
    public InstrumentProblem? LastProblem { get; init; }
}

internal sealed record BoxStatus(BoxLed Led, bool Buzzer);

[JsonConverter(typeof(JsonStringEnumConverter<Health>))]
internal enum Health
{
    Ok,
    Attention,
    Critical,
}

[JsonConverter(typeof(JsonStringEnumConverter<BoxLed>))]
internal enum BoxLed
{
    Off,
    /// <summary>Green, steady: every instrument up (or idle) and the outbox draining.</summary>
    Steady,
    /// <summary>Slow blink: something needs a person.</summary>
    Blinking,
    /// <summary>Fast blink for a while: someone asked the box to identify itself.</summary>
    Identify,
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(GatewayLocalStatus))]
internal sealed partial class LocalStatusJson : JsonSerializerContext;
