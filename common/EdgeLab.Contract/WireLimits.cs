namespace EdgeLab.Contract;

/// <summary>
/// Size limits both ends of the uplink derive from, so what a gateway may send always fits what the hub can receive
/// (issue 9: a 9 MB message exceeded the hub's packet limit and vanished at the broker, neither stored nor acked).
/// </summary>
public static class WireLimits
{
    /// <summary>
    /// The largest uplink payload (<c>…/results</c>, <c>…/events</c>). A gateway quarantines a bigger message locally and
    /// never publishes it; the hub quarantines a bigger payload as <c>TooLarge</c>.
    /// </summary>
    public const int MaxUplinkPayloadBytes = 1024 * 1024;

    /// <summary>
    /// Room for the rest of a PUBLISH around the payload: fixed header, topic name (≤ 100 bytes here), properties
    /// (message-id user property, content type) — generously rounded up.
    /// </summary>
    public const int PublishOverheadBytes = 64 * 1024;

    /// <summary>
    /// The Maximum Packet Size the hub announces in CONNECT ([MQTT-3.1.2-24]: the broker must not send it a larger
    /// packet, it discards it instead — so this must cover the largest payload a gateway is allowed to send).
    /// </summary>
    public const int HubMaximumPacketSize = MaxUplinkPayloadBytes + PublishOverheadBytes;
}
