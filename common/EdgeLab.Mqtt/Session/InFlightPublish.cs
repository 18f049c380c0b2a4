namespace EdgeLab.Mqtt.Session;

/// <summary>
/// One QoS 1 PUBLISH between "packet id assigned" and "PUBACK received": it is the task the caller awaits
/// (one object per message, no separate completion source).
/// </summary>
internal sealed class InFlightPublish(MqttApplicationMessage message, ushort packetId, long sequence)
    : TaskCompletionSource<MqttPublishResult>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public MqttApplicationMessage Message { get; } = message;

    public ushort PacketId { get; } = packetId;

    /// <summary>Send order, so a resend keeps the original order [MQTT-4.6.0-1].</summary>
    public long Sequence { get; } = sequence;

    /// <summary>Set by the writer once the PUBLISH went into the transport: only then is a resend a re-delivery with DUP=1.</summary>
    public volatile bool Written;

    /// <summary>The connection it is queued on (its epoch), so a resend and a late first send never both queue it on one connection.</summary>
    public int QueuedOnEpoch;
}
