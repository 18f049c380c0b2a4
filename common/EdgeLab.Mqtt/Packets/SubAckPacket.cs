namespace EdgeLab.Mqtt.Packets;

/// <summary>SUBACK (§3.9): one Reason Code per Topic Filter of the SUBSCRIBE, in the same order [MQTT-3.8.4-6].</summary>
internal sealed class SubAckPacket : IMqttPacket
{
    public ushort PacketId;
    public MqttProperties Properties = new();
    public List<MqttSubAckReasonCode> ReasonCodes = [];

    public PacketType Type => PacketType.SubAck;

    public byte Flags => 0;

    public int GetRemainingLength() => 2 + WireSize.PropertiesBlock(Properties.GetLength()) + ReasonCodes.Count;

    public void WriteBody(ref MqttWireWriter w)
    {
        w.WriteUInt16(PacketId);
        Properties.Write(ref w, Properties.GetLength());
        foreach (var c in ReasonCodes) w.WriteByte((byte)c);
    }

    public static SubAckPacket Read(ReadOnlySpan<byte> body)
    {
        var r = new MqttWireReader(body);
        var p = new SubAckPacket { PacketId = r.ReadUInt16() };
        if (p.PacketId == 0) throw new MqttProtocolException("Malformed SUBACK: Packet Identifier 0 [MQTT-2.2.1-3]");
        p.Properties = MqttProperties.Read(ref r, AllowedProperties.Ack);
        foreach (var b in r.ReadToEnd()) p.ReasonCodes.Add((MqttSubAckReasonCode)b);
        if (p.ReasonCodes.Count == 0) throw new MqttProtocolException("Malformed SUBACK: no Reason Codes (§3.9.3)");
        return p;
    }
}
