namespace EdgeLab.Mqtt;

/// <summary>
/// The narrow seam between EdgeLab and its MQTT 5 client, so another client can replace ours.
/// One instance = one logical session (client id); it reconnects by itself with backoff.
/// </summary>
/// <remarks>
/// Contract:
/// <list type="bullet">
/// <item><see cref="PublishAsync"/> at QoS 1 completes when the PUBACK arrives (reason code in the result; 0x10 "no
/// matching subscribers" counts as success). It survives reconnects: an unacknowledged PUBLISH is resent with DUP=1 and the
/// same packet id when the server reports Session Present=1 [MQTT-4.4.0-1]; when Session Present=0 it fails with
/// <see cref="MqttSessionLostException"/> and the application republishes as new messages.</item>
/// <item>Incoming PUBLISH packets go to <see cref="MqttClientOptions.OnMessage"/>; the QoS 1 PUBACK is sent after the
/// handler completes, so a handler that commits before returning gets at-least-once delivery.</item>
/// <item><see cref="Connected"/> fires after every CONNACK with success, with Session Present, so the application can
/// re-subscribe and republish what the server forgot.</item>
/// </list>
/// </remarks>
public interface IMqttClient : IAsyncDisposable
{
    MqttConnectionState State { get; }

    /// <summary>Raised after each successful CONNACK (first connect and every reconnect).</summary>
    event Action<MqttConnectedInfo>? Connected;

    /// <summary>Raised when a connection ends, with why; the client is already reconnecting unless stopped.</summary>
    event Action<MqttDisconnectedInfo>? Disconnected;

    /// <summary>Connects and keeps the session connected until <see cref="DisconnectAsync"/>; the first attempt's failure is thrown.</summary>
    Task<MqttConnectedInfo> ConnectAsync(CancellationToken cancellationToken = default);

    Task<MqttPublishResult> PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken = default);

    Task<MqttSubscribeResult> SubscribeAsync(IReadOnlyList<MqttSubscription> subscriptions, CancellationToken cancellationToken = default);

    Task<MqttUnsubscribeResult> UnsubscribeAsync(IReadOnlyList<string> topicFilters, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the current connection with a normal DISCONNECT (no Will, [MQTT-3.14.4-3]) and lets the client reconnect at
    /// once, resuming the session: new credentials (<see cref="MqttTlsOptions.ClientCertificateSource"/>) take effect.
    /// </summary>
    Task ReconnectAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException("this MQTT client cannot reconnect on request");

    /// <summary>Sends DISCONNECT with the reason and stops reconnecting. 0x04 asks the server to publish the Will.</summary>
    Task DisconnectAsync(MqttDisconnectReasonCode reason = MqttDisconnectReasonCode.NormalDisconnection, CancellationToken cancellationToken = default);
}

public enum MqttConnectionState
{
    Disconnected,
    Connecting,
    Connected,
    Stopped,
}
