using System.Buffers;

namespace EdgeLab.Mqtt.Packets;

/// <summary>
/// PUBLISH (§3.3). Outgoing publishes are written straight from an <see cref="MqttApplicationMessage"/> by
/// <see cref="Write(IBufferWriter{byte}, MqttApplicationMessage, ushort, bool, ushort)"/> (no packet object per message);
/// incoming ones are read into this class.
/// </summary>
internal sealed class PublishPacket : IMqttPacket
{
    public string Topic = "";
    public ReadOnlyMemory<byte> Payload;
    public MqttQualityOfService QoS;
    public bool Retain;
    public bool Dup;
    public ushort PacketId;
    public MqttProperties Properties = new();

    public PacketType Type => PacketType.Publish;

    public byte Flags => FlagsOf(Dup, QoS, Retain);

    /// <summary>Fixed Header flags (§3.3.1): DUP bit 3, QoS bits 2-1, RETAIN bit 0.</summary>
    public static byte FlagsOf(bool dup, MqttQualityOfService qos, bool retain) =>
        (byte)((dup ? 0x08 : 0) | ((byte)qos << 1) | (retain ? 0x01 : 0));

    public int GetRemainingLength() =>
        WireSize.String(Topic, "Topic Name") + (QoS > 0 ? 2 : 0) + WireSize.PropertiesBlock(Properties.GetLength()) + Payload.Length;

    public void WriteBody(ref MqttWireWriter w)
    {
        w.WriteString(Topic);
        if (QoS > 0) w.WriteUInt16(PacketId);
        Properties.Write(ref w, Properties.GetLength());
        w.WriteBytes(Payload.Span);
    }

    /// <summary>Total packet size of <paramref name="m"/> on the wire, to check against the server's Maximum Packet Size [MQTT-3.2.2-15].</summary>
    public static int GetSize(MqttApplicationMessage m, ushort topicAlias = 0, bool omitTopic = false)
    {
        var remaining = RemainingLength(m, PropertiesLength(m, topicAlias), omitTopic);
        return PacketEncoder.FixedHeaderSize(remaining) + remaining;
    }

    /// <summary>
    /// The hot path: writes a PUBLISH for <paramref name="m"/> directly into <paramref name="output"/>.
    /// <paramref name="dup"/> is set only when re-delivering [MQTT-3.3.1-1] and never at QoS 0 [MQTT-3.3.1-2].
    /// </summary>
    public static int Write(IBufferWriter<byte> output, MqttApplicationMessage m, ushort packetId, bool dup, ushort topicAlias = 0, bool omitTopic = false)
    {
        var qos = m.QualityOfService;
        var propertiesLength = PropertiesLength(m, topicAlias);
        var remaining = RemainingLength(m, propertiesLength, omitTopic);
        var size = PacketEncoder.FixedHeaderSize(remaining) + remaining;
        var w = new MqttWireWriter(output.GetSpan(size));
        w.WriteByte((byte)(((byte)PacketType.Publish << 4) | FlagsOf(dup && qos > 0, qos, m.Retain)));
        w.WriteVariableByteInteger(remaining);
        // Topic Name [MQTT-3.3.2-1]; a zero-length name is only valid together with a Topic Alias (§3.3.2.3.4).
        if (omitTopic) w.WriteUInt16(0);
        else w.WriteString(m.Topic);
        // Packet Identifier only at QoS 1 and 2 [MQTT-2.2.1-2].
        if (qos > 0) w.WriteUInt16(packetId);
        w.WriteVariableByteInteger(propertiesLength);
        if (m.MessageExpirySeconds is { } expiry) { w.WriteByte((byte)PropertyId.MessageExpiryInterval); w.WriteUInt32(expiry); }
        if (m.ContentType is not null) { w.WriteByte((byte)PropertyId.ContentType); w.WriteString(m.ContentType); }
        if (m.ResponseTopic is not null) { w.WriteByte((byte)PropertyId.ResponseTopic); w.WriteString(m.ResponseTopic); }
        if (m.CorrelationData is { } cd) { w.WriteByte((byte)PropertyId.CorrelationData); w.WriteBinary(cd.Span); }
        if (topicAlias != 0) { w.WriteByte((byte)PropertyId.TopicAlias); w.WriteUInt16(topicAlias); }
        foreach (var p in m.UserProperties) { w.WriteByte((byte)PropertyId.UserProperty); w.WriteString(p.Name); w.WriteString(p.Value); }
        w.WriteBytes(m.Payload.Span);
        output.Advance(size);
        return size;
    }

    private static int RemainingLength(MqttApplicationMessage m, int propertiesLength, bool omitTopic) =>
        (omitTopic ? 2 : WireSize.String(m.Topic, "Topic Name")) + (m.QualityOfService > 0 ? 2 : 0)
        + WireSize.PropertiesBlock(propertiesLength) + m.Payload.Length;

    private static int PropertiesLength(MqttApplicationMessage m, ushort topicAlias)
    {
        var n = 0;
        if (m.MessageExpirySeconds.HasValue) n += 5;
        if (m.ContentType is not null) n += 1 + WireSize.String(m.ContentType, "Content Type");
        if (m.ResponseTopic is not null) n += 1 + WireSize.String(m.ResponseTopic, "Response Topic");
        if (m.CorrelationData is { } cd) n += 1 + WireSize.Binary(cd.Length);
        if (topicAlias != 0) n += 3;
        foreach (var p in m.UserProperties) n += 1 + WireSize.String(p.Name, "User Property name") + WireSize.String(p.Value, "User Property value");
        return n;
    }

    /// <summary>Reads a PUBLISH body. The payload is copied out of the receive buffer, which is reused.</summary>
    public static PublishPacket Read(byte flags, ReadOnlySpan<byte> body)
    {
        var qos = (flags >> 1) & 0x03;
        // A PUBLISH with both QoS bits set is malformed [MQTT-3.3.1-4].
        if (qos == 3) throw new MqttProtocolException("Malformed PUBLISH: QoS 3 [MQTT-3.3.1-4]");
        var dup = (flags & 0x08) != 0;
        // DUP must be 0 on QoS 0 messages [MQTT-3.3.1-2].
        if (dup && qos == 0) throw new MqttProtocolException("Malformed PUBLISH: DUP set at QoS 0 [MQTT-3.3.1-2]");
        var r = new MqttWireReader(body);
        var p = new PublishPacket
        {
            QoS = (MqttQualityOfService)qos,
            Dup = dup,
            Retain = (flags & 0x01) != 0,
            Topic = r.ReadString(),
        };
        // A Topic Name must not contain wildcard characters [MQTT-3.3.2-2].
        if (p.Topic.AsSpan().IndexOfAny('+', '#') >= 0) throw new MqttProtocolException("Malformed PUBLISH: wildcard in Topic Name [MQTT-3.3.2-2]");
        if (qos > 0)
        {
            p.PacketId = r.ReadUInt16();
            if (p.PacketId == 0) throw new MqttProtocolException("Malformed PUBLISH: Packet Identifier 0 [MQTT-2.2.1-3]");
        }
        p.Properties = MqttProperties.Read(ref r, AllowedProperties.Publish);
        // A Topic Alias of 0 is not permitted [MQTT-3.3.2-8].
        if (p.Properties.TopicAlias == 0) throw new MqttProtocolException("Protocol error: Topic Alias 0 [MQTT-3.3.2-8]");
        p.Payload = r.ReadToEnd().ToArray();
        return p;
    }
}
