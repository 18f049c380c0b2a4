namespace EdgeLab.Mqtt.Packets;

/// <summary>DISCONNECT (§3.14), sent by either side; the last packet on a connection [MQTT-3.14.4-1].</summary>
internal sealed class DisconnectPacket : IMqttPacket
{
    public MqttDisconnectReasonCode ReasonCode;
    public MqttProperties Properties = new();

    public PacketType Type => PacketType.Disconnect;

    public byte Flags => 0;

    public int GetRemainingLength()
    {
        var propertiesLength = Properties.GetLength();
        // Reason Code and Property Length may be omitted when the reason is 0x00 and there are no properties (§3.14.2.1).
        if (ReasonCode == MqttDisconnectReasonCode.NormalDisconnection && propertiesLength == 0) return 0;
        return 1 + WireSize.PropertiesBlock(propertiesLength);
    }

    public void WriteBody(ref MqttWireWriter w)
    {
        var propertiesLength = Properties.GetLength();
        if (ReasonCode == MqttDisconnectReasonCode.NormalDisconnection && propertiesLength == 0) return;
        w.WriteByte((byte)ReasonCode);
        Properties.Write(ref w, propertiesLength);
    }

    public static DisconnectPacket Read(ReadOnlySpan<byte> body)
    {
        var r = new MqttWireReader(body);
        var p = new DisconnectPacket();
        if (r.End) return p;
        p.ReasonCode = (MqttDisconnectReasonCode)r.ReadByte();
        if (!r.End) p.Properties = MqttProperties.Read(ref r, AllowedProperties.Disconnect);
        if (!r.End) throw new MqttProtocolException("Malformed DISCONNECT: bytes after the properties");
        return p;
    }
}
