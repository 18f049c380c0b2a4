namespace EdgeLab.Mqtt.Packets;

/// <summary>SUBSCRIBE (§3.8): one or more Topic Filters, each with its Subscription Options byte.</summary>
internal sealed class SubscribePacket : IMqttPacket
{
    public const string SharePrefix = "$share/";

    public ushort PacketId;
    public MqttProperties Properties = new();
    public List<MqttSubscription> Subscriptions = [];

    public PacketType Type => PacketType.Subscribe;

    /// <summary>Bits 3-0 of the Fixed Header are 0010 [MQTT-3.8.1-1].</summary>
    public byte Flags => 0x02;

    public static bool IsShared(string topicFilter) => topicFilter.StartsWith(SharePrefix, StringComparison.Ordinal);

    public int GetRemainingLength()
    {
        var n = 2 + WireSize.PropertiesBlock(Properties.GetLength());
        foreach (var s in Subscriptions) n += WireSize.String(s.TopicFilter, "Topic Filter") + 1;
        return n;
    }

    public void WriteBody(ref MqttWireWriter w)
    {
        w.WriteUInt16(PacketId);
        Properties.Write(ref w, Properties.GetLength());
        foreach (var s in Subscriptions)
        {
            w.WriteString(s.TopicFilter);
            w.WriteByte(OptionsByte(s));
        }
    }

    /// <summary>
    /// Subscription Options (§3.8.3.1): QoS bits 1-0, No Local bit 2, Retain As Published bit 3, Retain Handling bits 5-4,
    /// bits 7-6 reserved 0 [MQTT-3.8.3-5]. No Local on a shared subscription is a Protocol Error [MQTT-3.8.3-4], so it is
    /// never put on the wire for a <c>$share/</c> filter (the client rejects such a request before it gets here).
    /// </summary>
    public static byte OptionsByte(MqttSubscription s)
    {
        var noLocal = s.NoLocal && !IsShared(s.TopicFilter);
        return (byte)((byte)s.MaximumQualityOfService | (noLocal ? 0x04 : 0) | (s.RetainAsPublished ? 0x08 : 0) | ((byte)s.RetainHandling << 4));
    }

    public static SubscribePacket Read(ReadOnlySpan<byte> body)
    {
        var r = new MqttWireReader(body);
        var p = new SubscribePacket { PacketId = r.ReadUInt16() };
        if (p.PacketId == 0) throw new MqttProtocolException("Malformed SUBSCRIBE: Packet Identifier 0 [MQTT-2.2.1-3]");
        p.Properties = MqttProperties.Read(ref r, AllowedProperties.Subscribe);
        while (!r.End)
        {
            var filter = r.ReadString();
            var o = r.ReadByte();
            if ((o & 0xC0) != 0) throw new MqttProtocolException("Malformed SUBSCRIBE: reserved option bits set [MQTT-3.8.3-5]");
            if ((o & 0x03) == 3) throw new MqttProtocolException("Malformed SUBSCRIBE: QoS 3 (§3.8.3.1)");
            if (((o >> 4) & 0x03) == 3) throw new MqttProtocolException("Malformed SUBSCRIBE: Retain Handling 3 (§3.8.3.1)");
            var noLocal = (o & 0x04) != 0;
            if (noLocal && IsShared(filter)) throw new MqttProtocolException("Protocol error: No Local on a shared subscription [MQTT-3.8.3-4]");
            p.Subscriptions.Add(new MqttSubscription
            {
                TopicFilter = filter,
                MaximumQualityOfService = (MqttQualityOfService)(o & 0x03),
                NoLocal = noLocal,
                RetainAsPublished = (o & 0x08) != 0,
                RetainHandling = (MqttRetainHandling)((o >> 4) & 0x03),
            });
        }
        // The payload MUST contain at least one Topic Filter and Subscription Options pair [MQTT-3.8.3-2].
        if (p.Subscriptions.Count == 0) throw new MqttProtocolException("Protocol error: SUBSCRIBE without a Topic Filter [MQTT-3.8.3-2]");
        return p;
    }
}
