namespace EdgeLab.Mqtt.Packets;

/// <summary>UNSUBSCRIBE (§3.10).</summary>
internal sealed class UnsubscribePacket : IMqttPacket
{
    public ushort PacketId;
    public MqttProperties Properties = new();
    public List<string> TopicFilters = [];

    public PacketType Type => PacketType.Unsubscribe;

    /// <summary>Bits 3-0 of the Fixed Header are 0010 [MQTT-3.10.1-1].</summary>
    public byte Flags => 0x02;

    public int GetRemainingLength()
    {
        var n = 2 + WireSize.PropertiesBlock(Properties.GetLength());
        foreach (var f in TopicFilters) n += WireSize.String(f, "Topic Filter");
        return n;
    }

    public void WriteBody(ref MqttWireWriter w)
    {
        w.WriteUInt16(PacketId);
        Properties.Write(ref w, Properties.GetLength());
        foreach (var f in TopicFilters) w.WriteString(f);
    }

    public static UnsubscribePacket Read(ReadOnlySpan<byte> body)
    {
        var r = new MqttWireReader(body);
        var p = new UnsubscribePacket { PacketId = r.ReadUInt16() };
        if (p.PacketId == 0) throw new MqttProtocolException("Malformed UNSUBSCRIBE: Packet Identifier 0 [MQTT-2.2.1-3]");
        p.Properties = MqttProperties.Read(ref r, AllowedProperties.Unsubscribe);
        while (!r.End) p.TopicFilters.Add(r.ReadString());
        // At least one Topic Filter [MQTT-3.10.3-2].
        if (p.TopicFilters.Count == 0) throw new MqttProtocolException("Protocol error: UNSUBSCRIBE without a Topic Filter [MQTT-3.10.3-2]");
        return p;
    }
}
