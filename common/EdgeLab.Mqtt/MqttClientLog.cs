using Microsoft.Extensions.Logging;

namespace EdgeLab.Mqtt;

/// <summary>All log messages of the MQTT client (LoggerMessage source generation). Topics and ids only, never payloads.</summary>
internal static partial class MqttClientLog
{
    [LoggerMessage(1, LogLevel.Debug, "MQTT connecting to {Host}:{Port} as {ClientId} (clean start {CleanStart})")]
    public static partial void Connecting(ILogger logger, string host, int port, string clientId, bool cleanStart);

    [LoggerMessage(2, LogLevel.Information, "MQTT connected to {Host}:{Port} as {ClientId}: session present {SessionPresent}, receive maximum {ReceiveMaximum}, keep alive {KeepAlive} s")]
    public static partial void Connected(ILogger logger, string host, int port, string clientId, bool sessionPresent, int receiveMaximum, int keepAlive);

    [LoggerMessage(3, LogLevel.Warning, "MQTT connect attempt {Attempt} failed; next attempt in {Delay}")]
    public static partial void ConnectFailed(ILogger logger, Exception exception, int attempt, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Warning, "MQTT connection lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, Exception? exception, string reason);

    [LoggerMessage(5, LogLevel.Information, "MQTT session resumed: resending {Count} unacknowledged PUBLISH packets with DUP=1")]
    public static partial void Resending(ILogger logger, int count);

    [LoggerMessage(6, LogLevel.Warning, "MQTT server has no session for us (Session Present=0): {Count} in-flight publishes fail for the application to republish")]
    public static partial void SessionLost(ILogger logger, int count);

    [LoggerMessage(7, LogLevel.Error, "MQTT protocol violation by the server; disconnecting with {ReasonCode}")]
    public static partial void ProtocolViolation(ILogger logger, Exception exception, MqttDisconnectReasonCode reasonCode);

    [LoggerMessage(8, LogLevel.Debug, "MQTT PUBACK for packet id {PacketId} that is not in flight; ignored")]
    public static partial void UnknownAck(ILogger logger, int packetId);

    [LoggerMessage(9, LogLevel.Warning, "MQTT keep alive: no PINGRESP within {KeepAlive}; the connection is treated as half-open")]
    public static partial void KeepAliveTimeout(ILogger logger, TimeSpan keepAlive);

    [LoggerMessage(10, LogLevel.Error, "MQTT message handler failed for a message on {Topic}; acknowledging with 0x80 Unspecified error")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string topic);

    [LoggerMessage(11, LogLevel.Information, "MQTT client stopped ({Reason})")]
    public static partial void Stopped(ILogger logger, MqttDisconnectReasonCode reason);

    [LoggerMessage(12, LogLevel.Warning, "MQTT server disconnected us with {ReasonCode}: {ReasonString}")]
    public static partial void ServerDisconnected(ILogger logger, MqttDisconnectReasonCode reasonCode, string? reasonString);

    [LoggerMessage(13, LogLevel.Error, "MQTT event handler {Event} threw")]
    public static partial void EventHandlerFailed(ILogger logger, Exception exception, string @event);

    [LoggerMessage(14, LogLevel.Warning, "MQTT server sent more than our Receive Maximum ({ReceiveMaximum}) unacknowledged QoS 1 messages; accepting them (Mosquitto 2.0 does this). Upgrade the broker or raise the client's Receive Maximum")]
    public static partial void ReceiveMaximumOverrun(ILogger logger, int receiveMaximum);
}
