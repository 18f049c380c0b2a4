namespace EdgeLab.Mqtt.Packets;

/// <summary>PINGREQ (§3.12): no Variable Header, no Payload. Keeps the connection alive [MQTT-3.1.2-20].</summary>
internal sealed class PingReqPacket : IMqttPacket
{
    public static readonly PingReqPacket Instance = new();

    /// <summary>The whole packet on the wire.</summary>
    public static ReadOnlySpan<byte> Bytes => [(byte)PacketType.PingReq << 4, 0];

    public PacketType Type => PacketType.PingReq;

    public byte Flags => 0;

    public int GetRemainingLength() => 0;

    public void WriteBody(ref MqttWireWriter w)
    {
    }
}
