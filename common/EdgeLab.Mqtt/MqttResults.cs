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
public sealed class MqttProtocolException(string message) : Exception(message)
{
    public MqttProtocolException(string message, MqttDisconnectReasonCode reasonCode) : this(message) => ReasonCode = reasonCode;

    /// <summary>The DISCONNECT reason the client sends before closing (§4.13): Malformed Packet unless more specific.</summary>
    public MqttDisconnectReasonCode ReasonCode { get; } = MqttDisconnectReasonCode.MalformedPacket;
}

/// <summary>A packet exceeds a Maximum Packet Size: the server's when we send (§3.2.2.3.6), ours when we receive (§3.1.2.11.4).</summary>
public sealed class MqttPacketTooLargeException(string message) : Exception(message);

/// <summary>The operation needs a connection and the client is stopped or disposed.</summary>
public sealed class MqttClientStoppedException() : Exception("The MQTT client is stopped.");

/// <summary>The connection ended before the server answered (SUBSCRIBE/UNSUBSCRIBE are not resent on a new connection).</summary>
public sealed class MqttConnectionLostException(string message, Exception? inner = null) : Exception(message, inner);
