namespace EdgeLab.Mqtt.Packets;

/// <summary>PINGRESP (§3.13): the server's answer to PINGREQ [MQTT-3.12.4-1]; no Variable Header, no Payload.</summary>
internal sealed class PingRespPacket : IMqttPacket
{
    public static readonly PingRespPacket Instance = new();

    public PacketType Type => PacketType.PingResp;

    public byte Flags => 0;

    public int GetRemainingLength() => 0;

    public void WriteBody(ref MqttWireWriter w)
    {
    }
}
