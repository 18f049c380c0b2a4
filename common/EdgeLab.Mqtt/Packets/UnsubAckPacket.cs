namespace EdgeLab.Mqtt.Packets;

/// <summary>UNSUBACK (§3.11): one Reason Code per Topic Filter [MQTT-3.11.3-1].</summary>
internal sealed class UnsubAckPacket : IMqttPacket
{
    /// <summary>UNSUBACK reason codes (§3.11.3).</summary>
    public const byte Success = 0x00, NoSubscriptionExisted = 0x11, NotAuthorized = 0x87;

    public ushort PacketId;
    public MqttProperties Properties = new();
    public List<byte> ReasonCodes = [];

    public PacketType Type => PacketType.UnsubAck;

    public byte Flags => 0;

    public int GetRemainingLength() => 2 + WireSize.PropertiesBlock(Properties.GetLength()) + ReasonCodes.Count;

    public void WriteBody(ref MqttWireWriter w)
    {
        w.WriteUInt16(PacketId);
        Properties.Write(ref w, Properties.GetLength());
        foreach (var c in ReasonCodes) w.WriteByte(c);
    }

    public static UnsubAckPacket Read(ReadOnlySpan<byte> body)
    {
        var r = new MqttWireReader(body);
        var p = new UnsubAckPacket { PacketId = r.ReadUInt16() };
        if (p.PacketId == 0) throw new MqttProtocolException("Malformed UNSUBACK: Packet Identifier 0 [MQTT-2.2.1-3]");
        p.Properties = MqttProperties.Read(ref r, AllowedProperties.Ack);
        p.ReasonCodes.AddRange(r.ReadToEnd());
        if (p.ReasonCodes.Count == 0) throw new MqttProtocolException("Malformed UNSUBACK: no Reason Codes (§3.11.3)");
        return p;
    }
}
