namespace EdgeLab.Mqtt;

public sealed record MqttConnectedInfo(
    bool SessionPresent,
    MqttConnectReasonCode ReasonCode,
    ushort ServerReceiveMaximum,
    ushort ServerKeepAliveSeconds,
    MqttQualityOfService MaximumQualityOfService,
    bool RetainAvailable,
    ushort TopicAliasMaximum,
    uint? MaximumPacketSize,
    string? AssignedClientIdentifier,
    string? ReasonString);

public sealed record MqttDisconnectedInfo(string Reason, MqttDisconnectReasonCode? ServerReasonCode, Exception? Exception);

/// <summary>PUBACK outcome. <see cref="IsSuccess"/> is true for 0x00 and 0x10 "No matching subscribers" (§3.4.2.1).</summary>
public sealed record MqttPublishResult(MqttPubAckReasonCode ReasonCode, string? ReasonString = null)
{
    public bool IsSuccess => ReasonCode is MqttPubAckReasonCode.Success or MqttPubAckReasonCode.NoMatchingSubscribers;
}

public sealed record MqttSubscribeResult(IReadOnlyList<MqttSubAckReasonCode> ReasonCodes, string? ReasonString = null);

public sealed record MqttUnsubscribeResult(IReadOnlyList<byte> ReasonCodes, string? ReasonString = null);

/// <summary>The server refused CONNECT (CONNACK reason ≥ 0x80).</summary>
public sealed class MqttConnectException(MqttConnectReasonCode reasonCode, string? reasonString)
    : Exception($"MQTT server refused the connection: {reasonCode} (0x{(byte)reasonCode:X2}){(reasonString is null ? "" : ": " + reasonString)}")
{
    public MqttConnectReasonCode ReasonCode { get; } = reasonCode;
}

/// <summary>An in-flight QoS 1/2 publish whose session the server no longer has (Session Present=0): republish it as new.</summary>
public sealed class MqttSessionLostException() : Exception("The MQTT server has no session for this client any more; the message was not acknowledged and must be published again.");

/// <summary>The peer broke the protocol (malformed packet, oversize Remaining Length …).</summary>
public sealed class MqttProtocolException(string message) : Exception(message);
