namespace EdgeLab.Mqtt.Packets;

/// <summary>CONNACK (§3.2): the server's answer to CONNECT, with Session Present and the server's limits.</summary>
internal sealed class ConnAckPacket : IMqttPacket
{
    public bool SessionPresent;
    public MqttConnectReasonCode ReasonCode;
    public MqttProperties Properties = new();

    public PacketType Type => PacketType.ConnAck;

    public byte Flags => 0;

    public int GetRemainingLength() => 2 + WireSize.PropertiesBlock(Properties.GetLength());

    public void WriteBody(ref MqttWireWriter w)
    {
        w.WriteByte(SessionPresent ? (byte)1 : (byte)0);
        w.WriteByte((byte)ReasonCode);
        Properties.Write(ref w, Properties.GetLength());
    }

    public static ConnAckPacket Read(ReadOnlySpan<byte> body)
    {
        var r = new MqttWireReader(body);
        var ackFlags = r.ReadByte();
        // Connect Acknowledge Flags: bits 7-1 are reserved and MUST be 0 (§3.2.2.1).
        if ((ackFlags & 0xFE) != 0) throw new MqttProtocolException("Malformed CONNACK: reserved flag bits set (§3.2.2.1)");
        var p = new ConnAckPacket
        {
            SessionPresent = (ackFlags & 1) != 0,
            ReasonCode = (MqttConnectReasonCode)r.ReadByte(),
        };
        // A CONNACK with a reason ≥ 0x80 must have Session Present 0 [MQTT-3.2.2-6].
        if (p.SessionPresent && (byte)p.ReasonCode >= 0x80)
            throw new MqttProtocolException("Malformed CONNACK: Session Present with an error reason [MQTT-3.2.2-6]");
        // The property block may be absent only when there is nothing after the reason code.
        if (!r.End) p.Properties = MqttProperties.Read(ref r, AllowedProperties.ConnAck);
        if (!r.End) throw new MqttProtocolException("Malformed CONNACK: bytes after the properties");
        return p;
    }
}
